/// Synchronised scrolling: every pane shows the same fraction of the way through its lines, so
/// panes of different lengths are at their tops together and at their ends together, and in
/// between at the same share of their answers.
public struct ScrollSync: Equatable, Sendable {
    /// How far up from the end, as a share of what each pane can scroll: 0 the end, 1 the top.
    public var fraction: Double

    public init(fraction: Double = 0) {
        self.fraction = min(1, max(0, fraction))
    }

    /// Lines up from the end for a pane of `lines` lines shown in `height` rows.
    public static func offset(fraction: Double, lines: Int, height: Int) -> Int {
        Int((min(1, max(0, fraction)) * Double(max(0, lines - height))).rounded())
    }

    /// Scrolls `lines` up (down when negative) in the longest pane, `longest` lines long; the
    /// others move by the same share of theirs.
    public mutating func scroll(by lines: Int, longest: Int) {
        fraction = min(1, max(0, fraction + Double(lines) / Double(max(1, longest))))
    }
}
