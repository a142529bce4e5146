import GenesisEngine

/// Who won a finished round, and on what: the fastest first token, the fastest answer, the
/// cheapest, the shortest and the longest answer, and the longest reasoning where there was any.
/// Computed once, when the round's last pane finishes (``ConsoleState/roundSummary``), so frames
/// only draw it: nothing is measured while answers stream.
public struct RoundSummary: Equatable, Sendable {
    public struct Award: Equatable, Sendable {
        /// What was won, as the strip under the panes names it: `fastest first token`.
        public var title: String
        /// The same, short, for the winner's footer: `1st token`.
        public var mark: String
        public var pane: Int
        /// The winning figure as the footers write it: a duration, a cost or a token count.
        public var figure: String
    }

    public var awards: [Award]

    /// The awards among `round`'s panes that finished with an answer (`done`); nil when fewer
    /// than two did, as there is nothing to compare. A figure needs at least two panes that
    /// report it (the longest reasoning, one); ties go to the pane further left, and answers of
    /// the same length win neither shortest nor longest.
    public init?(_ panes: [PaneState], round: [Int]) {
        let answered = round.filter { index in
            guard panes.indices.contains(index), case .done = panes[index].phase else { return false }
            return true
        }
        guard answered.count >= 2 else { return nil }
        var awards: [Award] = []
        func award<V: Comparable>(_ title: String, _ mark: String, least: Bool, minimum: Int = 2, _ value: (PaneState) -> V?,
                                  _ figure: (V) -> String) {
            let candidates = answered.compactMap { index in value(panes[index]).map { (index, $0) } }
            guard candidates.count >= minimum else { return }
            let best = candidates.reduce(candidates[0]) { least ? ($1.1 < $0.1 ? $1 : $0) : ($1.1 > $0.1 ? $1 : $0) }
            awards.append(Award(title: title, mark: mark, pane: best.0, figure: figure(best.1)))
        }
        award("fastest first token", "1st token", least: true, \.timeToFirstToken, Format.duration)
        award("fastest answer", "fastest", least: true, \.latency, Format.duration)
        award("cheapest", "cheapest", least: true, { $0.cost?.dollars }) { Cost.format($0) }
        let tokens = answered.compactMap { panes[$0].outputTokens }
        if Set(tokens).count > 1 {
            award("shortest", "shortest", least: true, \.outputTokens) { "\(Format.count($0)) tok" }
            award("longest", "longest", least: false, \.outputTokens) { "\(Format.count($0)) tok" }
        }
        award("longest reasoning", "most thought", least: false, minimum: 1, { $0.currentThinking?.duration }, Format.duration)
        self.awards = awards
    }

    /// What `pane` won, short, for its footer.
    public func marks(for pane: Int) -> [String] { awards.filter { $0.pane == pane }.map(\.mark) }
}
