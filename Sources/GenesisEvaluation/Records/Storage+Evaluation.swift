import Foundation
import GenesisEngine
import GenesisStore

/// Evaluation runs and arena votes in the store: what each case and vote becomes as a row.
extension Storage {
    /// Saves a report, each case under its ``EvaluationCaseKey``; returns the run's number.
    public func saveEvaluation(_ report: EvaluationReport, file: String?, now: Date = Date()) async throws(StorageError) -> Int64 {
        try await saveEvaluationRun(EvaluationRunRecord(report, file: file), now: now)
    }

    public func recordVotes(_ votes: [ArenaVote], conversationID: String? = nil, now: Date = Date()) async throws(StorageError) {
        try await recordVotes(votes.map { StoredVote(modelA: $0.modelA, modelB: $0.modelB, outcome: $0.outcome.rawValue) },
                              conversationID: conversationID, now: now)
    }

    /// Every vote, oldest first (online Elo depends on the order).
    public func votes() async throws(StorageError) -> [ArenaVote] {
        try await storedVotes().compactMap { vote in
            ArenaVote.Outcome(rawValue: vote.outcome).map { ArenaVote(modelA: vote.modelA, modelB: vote.modelB, outcome: $0) }
        }
    }

    /// The votes cast on one recorded conversation, in the order they were cast.
    public func votes(in conversationID: String) async throws(StorageError) -> [ArenaVote] {
        try await storedVotes(conversationID: conversationID).compactMap { vote in
            ArenaVote.Outcome(rawValue: vote.outcome).map { ArenaVote(modelA: vote.modelA, modelB: vote.modelB, outcome: $0) }
        }
    }
}

extension EvaluationRunRecord {
    init(_ report: EvaluationReport, file: String?) {
        var results: [StoredEvaluation.Result] = []
        for model in report.models {
            for (item, key) in zip(model.cases, EvaluationCaseKey.keys(model.cases)) {
                let detail = JSONValue.array(item.runs.map { run -> JSONValue in
                    ["text": .string(run.text), "passed": .bool(run.passed), "score": .number(run.score),
                     "latency_ms": .number(Double(run.latency.milliseconds)),
                     "assertions": .array(run.assertions.map {
                         ["type": .string($0.assertion.name), "passed": .bool($0.passed), "score": .number($0.score), "reason": .string($0.reason)]
                     })]
                })
                results.append(StoredEvaluation.Result(
                    model: model.model, versions: model.versions, caseKey: key, caseName: item.name, passed: item.passed,
                    passRate: item.passRate, score: item.score, latencyMs: item.latency.milliseconds, cost: item.cost,
                    error: item.runs.compactMap(\.error).first, detail: JSONWriter.string(detail)))
            }
        }
        self.init(suite: report.suite, file: file, repeats: report.repeats, results: results)
    }
}

/// Identifies a case across runs by what it is, not where it sits: the prompt's label and the
/// test's description, or its variables when it has none. A test added, removed or moved in the
/// suite leaves every other case matched with itself. Identical cases are told apart by their order.
public enum EvaluationCaseKey {
    public static func keys(_ cases: [CaseResult]) -> [String] {
        var seen: [String: Int] = [:]
        return cases.map { item in
            let test = item.test
            let identity = test.description.map { "d:" + $0 }
                ?? "v:" + test.vars.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
            let base = "\(item.prompt.label)|\(identity)"
            let count = (seen[base] ?? 0) + 1
            seen[base] = count
            return count == 1 ? base : "\(base)|\(count)"
        }
    }
}

/// A judge's verdicts in the store.
extension Storage {
    public func recordJudgement(_ judgement: Judgement, conversationID: String?, now: Date = Date()) async throws(StorageError) {
        try await recordJudgedPairs(judgement.pairs.map { pair in
            StoredJudgedPair(time: now, conversationID: conversationID, judge: judgement.judge, modelA: pair.a, modelB: pair.b,
                             outcome: pair.result.rawValue, verdicts: JSONWriter.string(.array(pair.verdicts.map(\.stored))))
        })
    }

    /// Judges' pairs as votes (never mixed with people's), oldest first.
    public func judgeVotes() async throws(StorageError) -> [ArenaVote] {
        try await judgedPairs().compactMap { pair in
            ArenaVote.Outcome(rawValue: pair.outcome).map { ArenaVote(modelA: pair.modelA, modelB: pair.modelB, outcome: $0) }
        }
    }

    /// A conversation's judged pairs, verdicts and reasons included.
    public func judgedPairs(of conversationID: String) async throws(StorageError) -> [(judge: ModelID, pair: JudgedPair)] {
        try await judgedPairs(conversationID: conversationID).map { stored in
            let verdicts = (JSONValue.parse(stored.verdicts)?.array ?? []).compactMap(JudgeVerdict.init(stored:))
            return (stored.judge, JudgedPair(a: stored.modelA, b: stored.modelB, verdicts: verdicts))
        }
    }
}

extension JudgeVerdict {
    var stored: JSONValue {
        ["order": .string(order.rawValue), "winner": .string(winner.rawValue), "reason": .string(reason)]
    }

    init?(stored: JSONValue) {
        guard let order = stored["order"]?.string.flatMap(Order.init(rawValue:)),
              let winner = stored["winner"]?.string.flatMap(PairOutcome.init(rawValue:)) else { return nil }
        self.init(order: order, winner: winner, reason: stored["reason"]?.string ?? "")
    }
}
