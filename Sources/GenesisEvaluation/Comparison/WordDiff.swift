/// A word-level diff of two answers: the standard library's `CollectionDifference` over word
/// tokens (lines first when the answers are long; see ``TokenAlignment``). Every character of either text is in exactly one segment: the `equal` and `delete`
/// segments, in order, spell `a` exactly; the `equal` and `insert` segments spell `b`.
public struct WordDiff: Sendable, Hashable {
    public enum Operation: String, Sendable, Hashable {
        case equal, delete, insert
    }

    public struct Segment: Sendable, Hashable {
        public var operation: Operation
        public var text: String

        public init(_ operation: Operation, _ text: String) {
            self.operation = operation
            self.text = text
        }
    }

    public let segments: [Segment]
    /// How much of the two texts' words they share, from 0 (nothing) to 1 (the same words in
    /// the same order; whitespace and layout do not count): twice the shared words over all
    /// words of both. Two empty texts are the same.
    public let similarity: Double

    public init(_ a: String, _ b: String) {
        let left = WordTokens.split(a), right = WordTokens.split(b)
        // Whitespace tokens match each other whatever they hold, so that a line break against a
        // space does not cut a run of shared words; the differing whitespace is still given
        // as a delete and an insert below, so the segments spell both texts exactly.
        let (removed, inserted) = TokenAlignment.unmatched(left, right)
        var steps: [(operation: Operation, text: Substring)] = []
        var i = 0, j = 0, sharedWords = 0
        while i < left.count || j < right.count {
            if i < left.count, removed.contains(i) {
                steps.append((.delete, left[i])); i += 1
            } else if j < right.count, inserted.contains(j) {
                steps.append((.insert, right[j])); j += 1
            } else if i < left.count, j < right.count {
                if left[i] == right[j] {
                    steps.append((.equal, left[i]))
                    if !WordTokens.isSpace(left[i]) { sharedWords += 1 }
                } else { // whitespace against other whitespace
                    steps.append((.delete, left[i]))
                    steps.append((.insert, right[j]))
                }
                i += 1; j += 1
            } else { // unreachable for a consistent difference; keep every character regardless
                if i < left.count { steps.append((.delete, left[i])); i += 1 }
                if j < right.count { steps.append((.insert, right[j])); j += 1 }
            }
        }
        segments = Self.grouped(steps)
        let words = left.count(where: { !WordTokens.isSpace($0) }) + right.count(where: { !WordTokens.isSpace($0) })
        similarity = words == 0 ? 1 : Double(2 * sharedWords) / Double(words)
    }

    /// Changes read as phrases: whitespace shared between two changed words joins the change
    /// (on both sides), and each run of changes is written as all it deletes, then all it
    /// inserts: `[-you anything.-]{+and after every+}`, not `[-you-]{+and+} [-anything.-]{+after every+}`.
    static func grouped(_ steps: [(operation: Operation, text: Substring)]) -> [Segment] {
        var builder = SegmentBuilder()
        var deleted = "", inserted = ""
        func flush() {
            builder.append(.delete, deleted[...]); builder.append(.insert, inserted[...])
            deleted = ""; inserted = ""
        }
        for (index, step) in steps.enumerated() {
            switch step.operation {
            case .delete: deleted += step.text
            case .insert: inserted += step.text
            case .equal:
                let inChange = !(deleted.isEmpty && inserted.isEmpty)
                if inChange, WordTokens.isSpace(step.text),
                   let next = steps[(index + 1)...].first(where: { !($0.operation == .equal && WordTokens.isSpace($0.text)) }),
                   next.operation != .equal {
                    deleted += step.text; inserted += step.text
                } else {
                    flush()
                    builder.append(.equal, step.text)
                }
            }
        }
        flush()
        return builder.segments
    }

    /// The diff as text: `[-only in a-]{+only in b+}`, as `git diff --word-diff` writes it.
    public var markedUp: String {
        segments.map { segment in
            switch segment.operation {
            case .equal: segment.text
            case .delete: "[-" + segment.text + "-]"
            case .insert: "{+" + segment.text + "+}"
            }
        }.joined()
    }
}

/// Adjacent segments of one kind become one.
struct SegmentBuilder {
    private(set) var segments: [WordDiff.Segment] = []

    mutating func append(_ operation: WordDiff.Operation, _ text: Substring) {
        guard !text.isEmpty else { return }
        if let last = segments.last, last.operation == operation {
            segments[segments.count - 1].text += text
        } else {
            segments.append(WordDiff.Segment(operation, String(text)))
        }
    }
}

/// Text cut into tokens for diffing: runs of letters, digits and marks (a word), runs of
/// whitespace, and each other character alone (punctuation, symbols, an ideograph). Together
/// the tokens are the text.
enum WordTokens {
    static func split(_ text: String) -> [Substring] {
        var tokens: [Substring] = []
        var start = text.startIndex
        var kind: Kind?
        for index in text.indices {
            let next = Kind(text[index])
            if let current = kind, current != next || current == .other {
                tokens.append(text[start..<index])
                start = index
            }
            kind = next
        }
        if start < text.endIndex { tokens.append(text[start...]) }
        return tokens
    }

    static func isSpace(_ token: Substring) -> Bool { token.first?.isWhitespace ?? false }

    enum Kind {
        case word, space, other

        init(_ character: Character) {
            if character.isWhitespace { self = .space }
            else if character.isLetter || character.isNumber, !Self.isIdeograph(character) { self = .word }
            else { self = .other }
        }

        /// Han, kana and Hangul have no spaces between words: each character is a token.
        static func isIdeograph(_ character: Character) -> Bool {
            guard let scalar = character.unicodeScalars.first else { return false }
            switch scalar.value {
            case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
            default: return false
            }
        }
    }

    /// A token as the diff compares it: whitespace is all alike.
    struct Key: Hashable {
        let text: Substring
        init(_ token: Substring) { text = WordTokens.isSpace(token) ? " " : token }
    }
}
