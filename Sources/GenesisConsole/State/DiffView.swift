import Foundation
import GenesisEvaluation

/// What `/diff` compares: the panes' last answers (cleaned for the screen) and how — two of them
/// against each other, or each against the majority of all of them.
public struct DiffRequest: Equatable, Sendable {
    public struct Answer: Equatable, Sendable {
        public var pane: Int
        public var label: String
        public var text: String

        public init(pane: Int, label: String, text: String) {
            self.pane = pane
            self.label = label
            self.text = text
        }
    }

    public var answers: [Answer]
    /// Each answer against the majority (``MajorityDiff``) rather than two against each other.
    public var againstMajority: Bool

    public init(answers: [Answer], againstMajority: Bool) {
        self.answers = answers
        self.againstMajority = againstMajority
    }
}

/// A word-level diff of panes' last answers, side by side: shared words plain, the words only
/// one answer has highlighted in its pane's colour. Computed once, off the input loop, when
/// `/diff` asks for it (``Command/computeDiff(_:)``); frames only draw it, and lay each column out
/// once per width (``DiffLayout``).
public struct DiffView: Equatable, Sendable {
    public struct Column: Equatable, Sendable {
        public var pane: Int
        public var label: String
        /// The answer whole: `equal` segments are shared, the others its own.
        public var segments: [WordDiff.Segment]
        /// Against the majority: the share of its words the others agree with, 0 to 1.
        public var agreement: Double?
    }

    public var title: String
    public var columns: [Column]
    /// Lines scrolled down from the top.
    public var scroll = 0
    let layout = DiffLayout()

    public init(title: String, columns: [Column]) {
        self.title = title
        self.columns = columns
    }

    /// The diff `request` asks for: two answers against each other (similarity in the title), or
    /// each against the majority (each column's agreement in its own title).
    public init(_ request: DiffRequest) {
        let answers = request.answers
        if request.againstMajority || answers.count != 2 {
            let majority = MajorityDiff(answers.map(\.text))
            self.init(title: "each answer against the majority of \(answers.count): words only a minority gave are highlighted",
                      columns: zip(answers, majority.answers).map {
                          Column(pane: $0.pane, label: $0.label, segments: $1.segments, agreement: $1.agreement)
                      })
        } else {
            let diff = WordDiff(answers[0].text, answers[1].text)
            self.init(title: "\(answers[0].label) vs \(answers[1].label) · \(Self.percent(diff.similarity)) similar",
                      columns: [Column(pane: answers[0].pane, label: answers[0].label, segments: diff.segments.filter { $0.operation != .insert }),
                                Column(pane: answers[1].pane, label: answers[1].label, segments: diff.segments.filter { $0.operation != .delete })])
        }
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}

/// A diff view's columns laid out at one width, kept from frame to frame (a reference, as
/// ``LayoutCache`` is: rendering stays a function of the state, this remembers work done).
final class DiffLayout: Equatable, @unchecked Sendable {
    private let lock = NSLock()
    private var width = 0
    private var columns: [[StyledLine]] = []

    static func == (a: DiffLayout, b: DiffLayout) -> Bool { true }

    /// Each column's lines at `width`, its own words in `highlight(column)`.
    func lines(_ view: DiffView, width: Int, highlight: (Int) -> Style) -> [[StyledLine]] {
        lock.withLock {
            if width != self.width || columns.count != view.columns.count {
                self.width = width
                columns = view.columns.enumerated().map { Self.layOut($1.segments, width: width, highlight: highlight($0)) }
            }
            return columns
        }
    }

    /// The most lines a column had at the last width laid out (0 before the first frame).
    var longest: Int { lock.withLock { columns.map(\.count).max() ?? 0 } }

    static func layOut(_ segments: [WordDiff.Segment], width: Int, highlight: Style) -> [StyledLine] {
        var lines: [StyledLine] = []
        var wrapper = LineWrapper(width: max(1, width))
        for segment in segments {
            let style = segment.operation == .equal ? Style.plain : highlight
            var first = true
            for piece in segment.text.split(separator: "\n", omittingEmptySubsequences: false) {
                if !first {
                    lines += wrapper.finish()
                    wrapper = LineWrapper(width: max(1, width))
                }
                first = false
                wrapper.append(piece, style: style)
            }
        }
        return lines + wrapper.finish()
    }
}
