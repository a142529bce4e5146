import GenesisEngine
import GenesisEvaluation

/// A judge's verdicts as `compare --judge` shows them.
enum JudgementText {
    static func name(_ model: ModelID?) -> String { model?.description ?? "tie" }

    static func name(_ outcome: PairOutcome, _ pair: JudgedPair) -> String {
        switch outcome {
        case .a: pair.a.description
        case .b: pair.b.description
        case .tie: "tie"
        }
    }

    /// `{"judge", "winner", "cost_usd", "pairs": [{"a", "b", "verdicts": [{"order", "winner", "reason"}], "result"}]}`;
    /// every winner is a `provider:model` or `tie`.
    static func json(_ judgement: Judgement) -> JSONValue {
        ["judge": .string(judgement.judge.description), "winner": .string(name(judgement.winner)),
         "cost_usd": .number((judgement.cost * 1e10).rounded() / 1e10),
         "pairs": .array(judgement.pairs.map { pair in
             ["a": .string(pair.a.description), "b": .string(pair.b.description), "result": .string(name(pair.result, pair)),
              "verdicts": .array(pair.verdicts.map {
                  ["order": .string($0.order.rawValue), "winner": .string(name($0.winner, pair)), "reason": .string($0.reason)]
              })]
         })]
    }

    static func text(_ judgement: Judgement) -> String {
        var out = "── judge: \(judgement.judge) ──\n"
        for pair in judgement.pairs {
            out += "\(pair.a) vs \(pair.b): \(name(pair.result, pair))"
            out += pair.result == .tie && Set(pair.verdicts.map(\.winner)).count > 1 ? " (the verdicts disagree when the order is swapped)\n" : "\n"
            for verdict in pair.verdicts {
                let shown = verdict.order == .ab ? "\(pair.a) as A" : "\(pair.b) as A"
                out += "  \(shown): \(name(verdict.winner, pair)): \(verdict.reason)\n"
            }
        }
        out += "winner: \(name(judgement.winner))\(judgement.cost > 0 ? " · the judge cost \(Cost.format(judgement.cost))" : "")\n"
        return out
    }
}
