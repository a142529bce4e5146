import GenesisEvaluation
import Testing

@Suite("Word diff")
struct WordDiffTests {
    static func spelled(_ diff: WordDiff, without operation: WordDiff.Operation) -> String {
        diff.segments.filter { $0.operation != operation }.map(\.text).joined()
    }

    @Test("words only in one answer are marked, shared words are plain")
    func marksWhatDiffers() {
        let diff = WordDiff("The cat sat on the mat.", "The dog sat on the mat.")
        #expect(diff.markedUp == "The [-cat-]{+dog+} sat on the mat.")
        #expect(diff.segments.map(\.operation) == [.equal, .delete, .insert, .equal])
    }

    @Test("equal and delete spell the first answer, equal and insert the second, exactly",
          arguments: [("a  b\nc", "a b c"), ("", "one two"), ("one two", ""), ("x, y; z!", "x y z"),
                      ("日本語の文", "日本の文"), ("tab\there", "tab here and more"), ("same", "same"),
                      ("  leading", "leading  "), ("e\u{301}tude", "étude")])
    func spellsBothTexts(a: String, b: String) {
        let diff = WordDiff(a, b)
        #expect(Self.spelled(diff, without: .insert) == a)
        #expect(Self.spelled(diff, without: .delete) == b)
    }

    @Test("similarity counts shared words, not whitespace or layout")
    func similarity() {
        #expect(WordDiff("a b c d", "a b c d").similarity == 1)
        #expect(WordDiff("a b c d", "a\nb  c\td").similarity == 1)
        #expect(WordDiff("a b c d", "w x y z").similarity == 0)
        #expect(WordDiff("a b c d", "a b x y").similarity == 0.5)
        #expect(WordDiff("", "").similarity == 1)
        #expect(WordDiff("a", "").similarity == 0)
    }

    @Test("a line break against a space does not cut a run of shared words")
    func whitespaceDoesNotSplitRuns() {
        let diff = WordDiff("one two three", "one\ntwo three")
        #expect(diff.markedUp == "one[- -]{+\n+}two three")
        #expect(diff.similarity == 1)
    }

    @Test("punctuation is its own token; ideographs are one token each")
    func tokens() {
        #expect(WordDiff("Hello, world", "Hello world").markedUp == "Hello[-,-] world")
        #expect(WordDiff("東京へ行く", "大阪へ行く").markedUp == "[-東京-]{+大阪+}へ行く")
    }

    @Test("against the majority: a word most answers share is plain, a minority's is marked")
    func majority() {
        let diff = MajorityDiff(["Paris is the capital.", "Paris is the capital.", "Lyon is the capital."])
        #expect(diff.answers[0].segments == [.init(.equal, "Paris is the capital.")])
        #expect(diff.answers[2].segments == [.init(.insert, "Lyon"), .init(.equal, " is the capital.")])
        #expect(diff.answers[2].agreement == 0.8) // 4 of its 5 tokens that are not space: the full stop counts
        #expect(diff.answers[0].agreement == 1)
    }

    @Test("each answer's segments spell it exactly")
    func majoritySpellsEachAnswer() {
        let texts = ["a b c", "a  x c\n", "", "b c d e"]
        let diff = MajorityDiff(texts)
        for (answer, text) in zip(diff.answers, texts) {
            #expect(answer.segments.map(\.text).joined() == text)
        }
    }

    @Test("long answers are diffed line by line first: shared lines stay plain, both texts are still spelled exactly")
    func longAnswersShareTheirLines() {
        let lines = (0..<1_500).map { "Line \($0) says the same thing in both answers." }
        var changed = lines
        changed[700] = "A line only the second answer has, with other words."
        changed.insert("An extra line in the second answer.", at: 1_200)
        let a = lines.joined(separator: "\n"), b = changed.joined(separator: "\n")
        let diff = WordDiff(a, b)
        #expect(Self.spelled(diff, without: .insert) == a)
        #expect(Self.spelled(diff, without: .delete) == b)
        #expect(diff.similarity > 0.99)
        #expect(diff.segments.filter { $0.operation == .insert }.map(\.text).joined().contains("extra line"))
        #expect(!diff.segments.contains { $0.operation != .equal && $0.text.contains("Line 5 says") })
    }

    @Test("two long answers with nothing in common are one change, not a quadratic search")
    func longUnrelatedAnswers() {
        let a = (0..<6_000).map { "a\($0)" }.joined(separator: " "), b = (0..<6_000).map { "b\($0)" }.joined(separator: " ")
        let diff = WordDiff(a, b)
        #expect(diff.segments == [.init(.delete, a), .init(.insert, b)])
        #expect(diff.similarity == 0)
        let majority = MajorityDiff([a, b, a])
        #expect(majority.answers[1].segments == [.init(.insert, b)])
        #expect(majority.answers[0].agreement == 1)
    }
}
