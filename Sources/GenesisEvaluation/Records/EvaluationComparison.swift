import GenesisEngine
import GenesisStore

/// How one model did in a later run compared with an earlier one.
public struct EvaluationComparison: Sendable, Hashable {
    public var model: ModelID
    public var baseVersions: [String]
    public var headVersions: [String]
    public var baseScore: Double
    public var headScore: Double
    /// Cases that passed before and fail now.
    public var regressed: [String]
    /// Cases that failed before and pass now.
    public var fixed: [String]
    /// Cases only in one of the runs.
    public var added: [String]
    public var removed: [String]

    /// Every model in both runs, in the head run's order.
    public static func compare(base: StoredEvaluation, head: StoredEvaluation) -> [EvaluationComparison] {
        head.models.filter { base.models.contains($0) }.map { model in
            let before = Dictionary(base.results.filter { $0.model == model }.map { ($0.caseKey, $0) }, uniquingKeysWith: { a, _ in a })
            let after = head.results.filter { $0.model == model }
            let afterKeys = Set(after.map(\.caseKey))
            func mean(_ r: [StoredEvaluation.Result]) -> Double { r.isEmpty ? 0 : r.map(\.score).reduce(0, +) / Double(r.count) }
            return EvaluationComparison(
                model: model, baseVersions: before.values.first?.versions ?? [], headVersions: after.first?.versions ?? [],
                baseScore: mean(Array(before.values)), headScore: mean(after),
                regressed: after.filter { before[$0.caseKey]?.passed == true && !$0.passed }.map(\.caseName),
                fixed: after.filter { before[$0.caseKey]?.passed == false && $0.passed }.map(\.caseName),
                added: after.filter { before[$0.caseKey] == nil }.map(\.caseName),
                removed: base.results.filter { $0.model == model && !afterKeys.contains($0.caseKey) }.map(\.caseName))
        }
    }
}
