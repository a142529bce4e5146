/// Several answers, each against the others: a word is `equal` where most answers (counting its
/// own) say it at that place, as their word diffs with it align it, and `insert` where only a
/// minority does. With two answers a word is plain only where both agree.
public struct MajorityDiff: Sendable, Hashable {
    public struct Answer: Sendable, Hashable {
        /// The answer's whole text: `equal` (the majority's) and `insert` (a minority's).
        public var segments: [WordDiff.Segment]
        /// The share of its words the majority agrees with, 0 to 1 (1 for an answer of no words).
        public var agreement: Double
    }

    public let answers: [Answer]

    public init(_ texts: [String]) {
        let tokens = texts.map(WordTokens.split)
        answers = tokens.indices.map { k in
            var agreeing = [Int](repeating: 1, count: tokens[k].count) // each word agrees with itself
            for j in tokens.indices where j != k {
                let unmatched = TokenAlignment.unmatched(tokens[k], tokens[j]).removed
                for index in tokens[k].indices where !unmatched.contains(index) { agreeing[index] += 1 }
            }
            var words = 0, agreed = 0
            var marks: [WordDiff.Operation] = tokens[k].indices.map { index in
                if WordTokens.isSpace(tokens[k][index]) { return .equal }
                words += 1
                guard 2 * agreeing[index] > texts.count else { return .insert }
                agreed += 1
                return .equal
            }
            // Whitespace between two minority words is part of the minority's phrase.
            for index in marks.indices.dropFirst().dropLast()
            where WordTokens.isSpace(tokens[k][index]) && marks[index - 1] == .insert && marks[index + 1] == .insert {
                marks[index] = .insert
            }
            var builder = SegmentBuilder()
            for (mark, token) in zip(marks, tokens[k]) { builder.append(mark, token) }
            return Answer(segments: builder.segments, agreement: words == 0 ? 1 : Double(agreed) / Double(words))
        }
    }
}
