@testable import GenesisConsole
import GenesisEngine
import Testing

@Suite("Display width, sanitising and layout")
struct RenderingTests {
    @Test(arguments: [("a", 1), ("茶", 2), ("🍵", 2), ("e\u{301}", 1), ("🇳🇱", 2), ("⛵️", 2), ("한", 2), ("\u{200B}", 0), ("Ｆ", 2)])
    func charactersTakeTheirDisplayWidth(text: String, width: Int) {
        #expect(DisplayWidth.of(Character(text)) == width)
    }

    @Test func aWideCharacterThatWouldBeCutInHalfBecomesASpace() {
        var buffer = Buffer(width: 5, height: 1)
        buffer.put("ab茶茶", x: 0, y: 0)
        #expect(buffer.lines == ["ab茶 "])
        #expect(buffer[3, 0].isContinuation && buffer[4, 0].grapheme == " " && !buffer[4, 0].isContinuation)
    }

    @Test("a cell keeps its grapheme whole: ASCII, wide, combined, flags, and the first five scalars of longer emoji",
          arguments: ["a", "~", "茶", "e\u{301}", "🇳🇱", "⛵️", "👩🏽‍💻", "한"])
    func glyphsHoldWhatACellShows(text: String) {
        let character = Character(text)
        let glyph = Glyph(character)
        #expect(glyph.character == character)
        #expect(glyph.scalars == character.unicodeScalars.map(\.value))
        #expect(Cell(grapheme: character) == Cell(grapheme: character) && Cell(grapheme: character) != Cell(grapheme: "b"))
    }

    @Test func aGlyphKeepsAsManyScalarsAsATerminalCellDoes() {
        let family = Character("👨‍👩‍👧‍👦") // seven scalars: four people, three joiners
        #expect(Glyph(family).scalars == Array(family.unicodeScalars.map(\.value).prefix(Glyph.maxScalars)))
        #expect(Glyph(ascii: 0x41) == Glyph("A") && Glyph.space == Glyph(" "))
        #expect(Glyph(Character("\u{10FFFF}")).scalars == [0x10FFFF]) // the largest scalar fits its 21 bits
    }

    @Test func onlyChangedCellsAreRedrawn() {
        var first = Buffer(width: 4, height: 2)
        first.put("abcd", x: 0, y: 0)
        var second = first
        second.put("x", x: 2, y: 1)
        #expect(second.changes(since: first).map { [$0.x, $0.y] } == [[2, 1]])
        #expect(second.changes(since: nil).count == 8)
        #expect(second.changes(since: Buffer(width: 3, height: 2)).count == 8) // a resize repaints everything
    }

    @Test(arguments: [
        ("\u{1B}]0;pwned\u{07}title", "title"),                        // OSC window title, BEL-terminated
        ("\u{1B}]52;c;ZXZpbA==\u{1B}\\copy", "copy"),                  // OSC 52 clipboard write, ST-terminated
        ("red \u{1B}[31mtext\u{1B}[0m", "red text"),                     // CSI colours
        ("\u{1B}[2J\u{1B}[Hclear", "clear"),                             // screen clear and cursor moves
        ("bell\u{07} back\u{08}space\u{7F}", "bell backspace"),
        ("\u{9B}31mC1 CSI", "C1 CSI"),
        ("tab\there\nnext", "tab    here\nnext"),
    ])
    func modelOutputCannotControlTheTerminal(input: String, output: String) {
        #expect(Sanitizer.clean(input) == output)
    }

    @Test func anEscapeSequenceCutAcrossDeltasIsStillRemoved() {
        var sanitizer = Sanitizer()
        let pieces = ["before \u{1B}", "]0;ti", "tle\u{07} after"]
        #expect(pieces.map { sanitizer.clean($0) }.joined() == "before  after")
    }

    @Test func markdownGetsHeadingsBulletsCodeAndBold() {
        let lines = MarkdownLayout.lines("## Title\nSome **bold** and `code`.\n- item one\n```swift\nlet x = 1\n```", width: 30)
        #expect(lines[0] == [Span("Title", Style(.heading, bold: true))])
        #expect(lines[1].contains(Span("bold", Style(.text, bold: true))) && lines[1].contains(Span("code", Style(.code))))
        #expect(lines[2].first == Span("• ", Style(.dim)))
        #expect(lines[3] == [Span("╌╌ swift", Style(.dim))] && lines[4] == [Span("let x = 1", Style(.code))])
    }

    @Test func wrappingCountsWideCharactersAsTwoColumns() {
        let lines = MarkdownLayout.lines("茶茶茶茶茶 tea", width: 6)
        let texts = lines.map { $0.map(\.text).joined() }
        #expect(texts == ["茶茶茶", "茶茶", "tea"])
        #expect(texts.allSatisfy { DisplayWidth.of($0) <= 6 })
    }

    @Test("a plain line wraps the same whether or not it is ASCII: words, runs of spaces, over-long words, leading blanks")
    func plainLinesWrapAlike() {
        func texts(_ text: String, _ width: Int) -> [String] { MarkdownLayout.lines(text, width: width).map { $0.map(\.text).joined() } }
        #expect(texts("  rate  limits keep services fair", 10) == ["  rate", "limits", "keep", "services", "fair"])
        #expect(texts("abcdefghijklmnop qr", 6) == ["abcdef", "ghijkl", "mnop", "qr"])
        // The same shapes with one non-ASCII letter take the general path and must agree.
        #expect(texts("  rate  limits keep services fäir", 10) == ["  rate", "limits", "keep", "services", "fäir"])
        #expect(texts("äbcdefghijklmnop qr", 6) == ["äbcdef", "ghijkl", "mnop", "qr"])
        #expect(texts("1. a numbered line", 40) == ["1. a numbered line"] && texts("\tindented", 40) == ["\tindented"])
        #expect(DisplayWidth.of("tea\u{7F}\r\n") == 3 && DisplayWidth.of("tea 茶") == 6)
    }

    @Test("each role's colour pair is its place among the roles, as the terminal sets the pairs up")
    func colourPairsFollowTheRoles() {
        #expect(Style.Role.allCases.map(\.pairIndex) == Array(Style.Role.allCases.indices))
    }

    @Test func listItemsWrapWithAHangingIndent() {
        let texts = MarkdownLayout.lines("- alpha beta gamma delta", width: 12).map { $0.map(\.text).joined() }
        #expect(texts == ["• alpha beta", "  gamma", "  delta"])
    }
}

@Suite("Screens")
struct ScreenTests {
    func state(_ models: [ModelID] = ["sim:fast"]) -> ConsoleState {
        ConsoleState(models: models)
    }

    @Test func aStreamingPaneShowsItsModelStateAndWideText() {
        var s = state()
        _ = s.update(.key(.char("h")))
        _ = s.update(.event(pane: 0, .text("Hello, 世界")))
        let screen = ConsoleRenderer.render(s, width: 40, height: 12).lines
        #expect(screen == [
            "╭ sim:fast · simulated ───── streaming ╮",
            "│Hello, 世界                           │",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "╰──────────────────────────────────────╯",
            "── prompt → all panes ──────────────────",
            "› h                                     ",
            "    Enter send · ^J newline · Tab focus ",
        ])
    }

    @Test("a pane on a model the catalog says is retired, or retiring, says so in its title, and a pane opened later too")
    func retirementsShowInTheTitle() {
        let retired: ModelID = "openai:gpt-4", retiring: ModelID = "anthropic:claude-sonnet-4-5"
        var s = ConsoleState(models: [retired], simulated: [], retirements: [retired: "retired 2026-10-23", retiring: "retires 2027-11-30"])
        let title = ConsoleRenderer.render(s, width: 60, height: 12).lines.first { $0.hasPrefix("╭") } ?? ""
        #expect(title.hasPrefix("╭ openai:gpt-4 · retired 2026-10-23 ─"), "\(title)")
        for key in "/model add anthropic:claude-sonnet-4-5" { _ = s.update(.key(.char(key))) }
        _ = s.update(.key(.enter))
        #expect(s.panes.map(\.retirement) == ["retired 2026-10-23", "retires 2027-11-30"])
        let wide = ConsoleRenderer.render(s, width: 120, height: 12).lines.first { $0.hasPrefix("╭") } ?? ""
        #expect(wide.contains("anthropic:claude-sonnet-4-5 · retires 2027-11-30"))
    }

    @Test func aFinishedAnswerShowsItsFiguresOnTheBottomEdge() {
        var s = state()
        let result = GenerationResult(model: "sim:fast", text: "Hi", finishReason: .length, usage: Usage(inputTokens: 3, outputTokens: 2),
                                      cost: Cost(dollars: 0.000123), latency: .seconds(2), timeToFirstToken: .milliseconds(350))
        _ = s.update(.event(pane: 0, .text("Hi")))
        _ = s.update(.event(pane: 0, .completed(result)))
        let screen = ConsoleRenderer.render(s, width: 60, height: 12).lines
        #expect(screen[0].contains("done: length"))
        #expect(screen[8].contains("TTFT 350 ms · 1 tok/s · 2 tok · $0.000123"))
    }

    @Test func anErrorIsShownInItsOwnPaneWhileTheOthersCarryOn() {
        var s = state(["sim:fast", "sim:flaky"])
        _ = s.update(.key(.char("x"))); _ = s.update(.key(.enter))
        _ = s.update(.event(pane: 0, .text("still going")))
        _ = s.update(.failed(pane: 1, category: .rateLimit, message: "too many requests"))
        let screen = ConsoleRenderer.render(s, width: 80, height: 14).lines.joined(separator: "\n")
        #expect(screen.contains(" error ") && screen.contains("✗ rate_limit_error: too many"))
        #expect(screen.contains("still going") && s.panes[0].phase == .streaming)
    }

    @Test func panesSitSideBySideThenInAGrid() {
        let wide = ConsoleRenderer.paneRects(count: 3, in: Rect(x: 0, y: 0, width: 120, height: 30), zoomed: nil)
        #expect(wide.map(\.1.y) == [0, 0, 0] && wide.map(\.1.width) == [40, 40, 40])
        let narrow = ConsoleRenderer.paneRects(count: 3, in: Rect(x: 0, y: 0, width: 60, height: 30), zoomed: nil)
        #expect(narrow.map(\.1.y) == [0, 0, 15] && narrow.map(\.1.width) == [30, 30, 60])
        let zoomed = ConsoleRenderer.paneRects(count: 3, in: Rect(x: 0, y: 0, width: 60, height: 30), zoomed: 1)
        #expect(zoomed.map(\.0) == [1] && zoomed[0].1.width == 60)
    }

    @Test(arguments: [(39, 12), (40, 11), (10, 3)])
    func aTinyTerminalGetsANoticeNotAGarbledScreen(width: Int, height: Int) {
        let screen = ConsoleRenderer.render(state(), width: width, height: height).lines.joined(separator: "\n")
        #expect(screen.contains("too small") || height < 3)
    }

    @Test func theSmallestSupportedTerminalStillShowsPanePromptAndStatus() {
        let screen = ConsoleRenderer.render(state(["sim:fast", "sim:deep"]), width: 40, height: 12).lines
        #expect(screen[0].hasPrefix("╭") && screen[10].hasPrefix("›") && !screen[11].trimmingCharacters(in: .whitespaces).isEmpty)
    }

    @Test("the side panel's latency figures go on as many lines as they take, none cut at the edge")
    func sidePanelFiguresAreNeverCut() {
        var s = state()
        s.providers = [ProviderSummary(name: "sim", isSimulated: true, health: .ok, errorRate: 0.12, latencyP50: .milliseconds(1600),
                                       latencyP95: .milliseconds(1650), ttftP50: .milliseconds(282))]
        let screen = ConsoleRenderer.render(s, width: 120, height: 24).lines
        let figures = screen.compactMap { line in line.split(separator: "│").map(String.init).last { $0.contains("p50") || $0.contains("ttft") || $0.contains("err") } }
        let text = figures.joined(separator: " ")
        #expect(text.contains("p50 1.6 s") && text.contains("p95 1.7 s") && text.contains("ttft 282 ms") && text.contains("err 12%"), "\(figures)")
    }

    @Test func theSidePanelShowsHealthGaugesAndCost() {
        var s = state()
        s.providers = [ProviderSummary(name: "sim", isSimulated: true, health: .ok, requestsPerMinute: 60, requestsInLastMinute: 57,
                                       tokensPerMinute: 40_000, tokensInLastMinute: 1200, costDollars: 0)]
        let buffer = ConsoleRenderer.render(s, width: 120, height: 20)
        let screen = buffer.lines.joined(separator: "\n")
        #expect(screen.contains("sim simulated") && screen.contains("57/60") && screen.contains("1.2k/40k"))
        let gaugeRow = try? #require(buffer.lines.firstIndex { $0.contains("57/60") })
        let gaugeCell = buffer.lines[gaugeRow ?? 0].firstIndex(of: "█").map { buffer.lines[gaugeRow ?? 0].distance(from: buffer.lines[gaugeRow ?? 0].startIndex, to: $0) }
        #expect(gaugeCell.map { buffer[$0, gaugeRow ?? 0].style.role } == .gaugeAtLimit) // 95% of the limit: red
    }

    @Test func helpListsEveryBinding() {
        var s = state()
        _ = s.update(.key(.function(1)))
        let screen = ConsoleRenderer.render(s, width: 100, height: 30).lines.joined(separator: "\n")
        #expect(screen.contains("Genesis keys and commands") && screen.contains("/model add P:M") && screen.contains("Ctrl-Q"))
        _ = s.update(.key(.char("x")))
        #expect(!s.showHelp && s.input.isEmpty) // the key that closes help does nothing else
        // Every way to quit that the prompt takes is in the help too.
        let listed = Bindings.commands.map(\.keys).joined(separator: " ")
        for command in ["/quit", "/q", "/exit", "/thinking", "/reasoning"] { #expect(listed.contains(command), "\(command)") }
    }
}

@Suite("Incremental layout")
struct IncrementalLayoutTests {
    @Test(arguments: [7, 20, 33])
    func layingOutAsTextGrowsGivesTheSameLinesAsLayingOutAtOnce(width: Int) {
        let text = "## Head\nSome **bold** words 茶茶 and more words to wrap.\n```swift\nlet x = 1 // a long code line that wraps\n```\n- item one is long enough\n- two"
        var pane = PaneState(model: "sim:fast", isSimulated: true)
        var chunks: [String] = [], current = ""
        for (i, c) in text.enumerated() { current.append(c); if i % 5 == 4 { chunks.append(current); current = "" } }
        chunks.append(current)
        for chunk in chunks {
            pane.appendAnswer(chunk)
            _ = pane.layout.lines(for: pane.text, width: width) // lay out every intermediate state, as frames would
        }
        #expect(pane.layout.lines(for: pane.text, width: width) == MarkdownLayout.lines(text, width: width))
        #expect(pane.layout.lines(for: pane.text, width: width, last: 3) == Array(MarkdownLayout.lines(text, width: width).suffix(3)))
    }
}
