import GenesisEngine

/// What a person says after a blind round: which answer is better, a tie, or both bad.
public enum ArenaChoice: Sendable, Hashable {
    /// The answer at this position in label order.
    case better(Int)
    case tie
    case bothBad

    /// The most answers one round can letter.
    public static let maxAnswers = 24

    /// Letters for `count` anonymous answers: A, B, C, ... without N and T, which are the keys
    /// for "both bad" and "tie" (so a letter never means two things).
    public static func labels(count: Int) -> [String] {
        let letters = (65...90).map { String(UnicodeScalar(UInt8($0))) }.filter { $0 != "N" && $0 != "T" }
        return Array(letters.prefix(min(count, maxAnswers)))
    }

    /// `a` (a letter, any case), `t` or `tie`, `n`, `bad` or `both bad`; nil for anything else.
    public static func parse(_ text: String, labels: [String]) -> ArenaChoice? {
        let said = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let index = labels.firstIndex(where: { $0.lowercased() == said }) { return .better(index) }
        switch said {
        case "t", "tie": return .tie
        case "n", "bad", "both bad", "both_bad": return .bothBad
        default: return nil
        }
    }

    /// How to ask for it: `a/b, t (tie) or n (both bad)`.
    public static func prompt(labels: [String]) -> String {
        "\(labels.map { $0.lowercased() }.joined(separator: "/")) for the better answer, t for a tie, n if both are bad"
    }

    /// The pairwise votes it records, among the answers that came (`answered`, by position): a
    /// model that gave no answer was not judged, so it neither wins nor loses. Empty when fewer
    /// than two answered.
    public func votes(_ models: [ModelID], answered: [Bool]) -> [ArenaVote] {
        let kept = models.indices.filter { answered.indices.contains($0) && answered[$0] }
        guard kept.count >= 2 else { return [] }
        let judged = kept.map { models[$0] }
        switch self {
        case .better(let index):
            guard let position = kept.firstIndex(of: index) else { return [] }
            return ArenaVote.pairwise(judged, winner: position)
        case .tie: return ArenaVote.pairwise(judged, winner: nil)
        case .bothBad: return ArenaVote.pairwise(judged, winner: nil, bothBad: true)
        }
    }

    /// "B is better", "a tie", "both bad".
    public func description(labels: [String]) -> String {
        switch self {
        case .better(let index): "\(labels.indices.contains(index) ? labels[index] : "?") is better"
        case .tie: "a tie"
        case .bothBad: "both bad"
        }
    }
}
