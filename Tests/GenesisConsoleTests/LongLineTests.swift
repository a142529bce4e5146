@testable import GenesisConsole
import Testing

/// Lines with no spaces to break at: a minified blob, a base64 image, a model that repeats one
/// character. They are cut at the width, and laying them out costs what they hold, however they
/// arrive.
@Suite("Long unbroken lines")
struct LongLineTests {
    func texts(_ lines: [StyledLine]) -> [String] { lines.map { $0.map(\.text).joined() } }

    @Test func anUnbrokenTokenIsCutAtTheWidth() {
        let token = String(repeating: "0123456789", count: 100)
        let lines = texts(MarkdownLayout.lines(token, width: 7))
        #expect(lines.count == 143 && lines.dropLast().allSatisfy { $0.count == 7 } && lines.last == "456789")
        #expect(lines.joined() == token)
    }

    @Test("a wide character is never cut in two: it goes to the next line whole, and alone when the line is narrower than it")
    func wideCharactersAtTheWidth() {
        #expect(texts(MarkdownLayout.lines("a茶茶茶", width: 4)) == ["a茶", "茶茶"])
        #expect(texts(MarkdownLayout.lines("茶茶茶茶茶", width: 5)) == ["茶茶", "茶茶", "茶"])
        #expect(texts(MarkdownLayout.lines("ab茶cd", width: 3)) == ["ab", "茶c", "d"])
        #expect(texts(MarkdownLayout.lines("茶茶", width: 1)) == ["茶", "茶"])
    }

    @Test("a combining mark stays with its letter at the width, and zero-width characters stay on the line they follow")
    func combiningMarksAtTheWidth() {
        let accented = String(repeating: "e\u{301}", count: 10)
        #expect(texts(MarkdownLayout.lines(accented, width: 4)) == [String(repeating: "e\u{301}", count: 4),
                                                                   String(repeating: "e\u{301}", count: 4),
                                                                   String(repeating: "e\u{301}", count: 2)])
        #expect(texts(MarkdownLayout.lines("abcd\u{200B}ef", width: 4)) == ["abcd\u{200B}", "ef"])
        #expect(texts(MarkdownLayout.lines("🇳🇱🇳🇱🇳🇱", width: 5)) == ["🇳🇱🇳🇱", "🇳🇱"])
    }

    @Test func aCodeLineIsCutAtTheWidthKeepingItsSpaces() {
        let lines = MarkdownLayout.lines("```\n    let 茶 = \"a long string literal\"\n```", width: 10)
        #expect(texts(lines) == ["╌╌╌", "    let 茶", " = \"a long", " string li", "teral\"", "╌╌╌"])
        #expect(lines[1] == [Span("    let 茶", Style(.code))])
    }

    @Test func aBoldPartOfALongTokenKeepsItsStyleAcrossTheCut() {
        let lines = MarkdownLayout.lines("aaaa**bbbbbbbb**cc", width: 5)
        #expect(texts(lines) == ["aaaa", "bbbbb", "bbbcc"])
        #expect(lines[2] == [Span("bbb", Style(.text, bold: true)), Span("cc")])
    }

    /// Text with every shape the layout holds back or looks ahead for, split at every place.
    static let mixed = "## A heading that wraps\n" + String(repeating: "x", count: 150) + "茶茶e\u{301}🇳🇱 and  **bold** and `code`\n"
        + "- a list item " + String(repeating: "y", count: 40) + "\n```swift\n" + String(repeating: "let z = 1; ", count: 8)
        + "\n```\n    - indented\n#nottitle **unclosed * star\n\u{3000}# wide blank first\n" + String(repeating: " ", count: 80) + "# too far\n  "

    @Test(arguments: [1, 2, 3, 7, 64])
    func deltasOfAnySizeGiveTheLinesOfTheWholeText(deltaSize: Int) {
        for width in [3, 9, 40] {
            var pane = PaneState(model: "sim:fast", isSimulated: true)
            var rest = Substring(Self.mixed)
            while !rest.isEmpty {
                // Deltas cut between scalars, not characters: a mark or the second half of a flag arrives on its own.
                let cut = rest.unicodeScalars.index(rest.unicodeScalars.startIndex, offsetBy: min(deltaSize, rest.unicodeScalars.count))
                pane.appendAnswer(String(rest[..<cut]))
                rest = rest[cut...]
                _ = pane.layout.lines(for: pane.text, width: width, last: 5) // as a frame would
            }
            #expect(pane.layout.lines(for: pane.text, width: width) == MarkdownLayout.lines(Self.mixed, width: width), "width \(width)")
        }
    }

    @Test(arguments: [1, 5, 13])
    func layingOutInStepsOfAnySizeGivesTheLinesOfTheWholeText(budget: Int) {
        var pane = PaneState(model: "sim:fast", isSimulated: true)
        pane.appendAnswer(Self.mixed)
        _ = pane.layout.lines(for: pane.text, width: 9, budget: budget)
        while !pane.layout.catchUp(pane.text, budget: budget) {}
        #expect(pane.layout.lines(for: pane.text, width: 9) == MarkdownLayout.lines(Self.mixed, width: 9))
    }

    @Test func appendingToAnUnbrokenLineLaysOutOnlyWhatWasAppended() {
        var pane = PaneState(model: "sim:fast", isSimulated: true)
        let delta = String(repeating: "x", count: 500)
        for _ in 0..<200 {
            pane.appendAnswer(delta)
            _ = pane.layout.lines(for: pane.text, width: 70, last: 60)
        }
        // Each byte once, and the last character of each frame again: not the whole line each frame.
        #expect(pane.layout.bytesLaidOut <= pane.text.utf8.count + 200)
        #expect(texts(pane.layout.lines(for: pane.text, width: 70, last: 2)) == [String(repeating: "x", count: 70), String(repeating: "x", count: 100_000 % 70)])
    }

    @Test("a frame lays out at most the budget of new text; the rest comes in steps of it, and then shows whole")
    func aHugeDeltaIsLaidOutInSteps() {
        var pane = PaneState(model: "sim:fast", isSimulated: true)
        let token = String(repeating: "0123456789", count: 100_000)
        pane.appendAnswer(token)
        let first = texts(pane.layout.lines(for: pane.text, width: 50, last: 3, budget: 100_000))
        #expect(pane.layout.isBehind && pane.layout.bytesLaidOut == 100_000)
        #expect(first == Array(repeating: String(repeating: "0123456789", count: 5), count: 3)) // the first 100,000 bytes
        var calls = 1
        repeat { calls += 1 } while !pane.layout.catchUp(pane.text, budget: 100_000)
        #expect(calls == 10 && !pane.layout.isBehind)
        #expect(pane.layout.lines(for: pane.text, width: 50, last: 3) == Array(MarkdownLayout.lines(token, width: 50).suffix(3)))
    }

    @Test func aNewWidthLaysOutTheWholeTextAgainInSteps() {
        var pane = PaneState(model: "sim:fast", isSimulated: true)
        pane.appendAnswer(String(repeating: "word ", count: 50_000))
        _ = pane.layout.lines(for: pane.text, width: 80, budget: 1 << 20)
        #expect(!pane.layout.isBehind)
        _ = pane.layout.lines(for: pane.text, width: 60, budget: 100_000)
        #expect(pane.layout.isBehind)
        while !pane.layout.catchUp(pane.text, budget: 100_000) {}
        #expect(pane.layout.lines(for: pane.text, width: 60) == MarkdownLayout.lines(pane.text, width: 60))
    }
}
