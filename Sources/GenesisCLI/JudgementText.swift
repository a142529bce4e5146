import GenesisEngine
import GenesisEvaluation

/// A judge's verdicts as `compare --judge` shows them.
enum JudgementText {
    static func name(_ model: ModelID?) -> String { model?.description ?? "tie" }

    /// `{"judge", "winner", "cost_usd", "pairs": [{"a", "b", "verdicts": [{"order", "winner", "reason"}], "result"}]}`;
    /// every winner is a `provider:model` or `tie`.
    static func json(_ judgement: Judgement) -> JSONValue {
        ["judge": .string(judgement.judge.description), "winner": .string(name(judgement.winner)),
         "cost_usd": .number((judgement.cost * 1e10).rounded() / 1e10),
         "pairs": .array(judgement.pairs.map { pair in
             ["a": .string(pair.a.description), "b": .string(pair.b.description), "result": .string(pair.name(pair.result)),
              "verdicts": .array(pair.verdicts.map {
                  ["order": .string($0.order.rawValue), "winner": .string(pair.name($0.winner)), "reason": .string($0.reason)]
              })]
         })]
    }

    static func text(_ judgement: Judgement) -> String {
        "── judge: \(judgement.judge) ──\n" + judgement.lines.map { $0 + "\n" }.joined()
    }
}
