import Foundation
import GenesisEngine
import GenesisEvaluation
import GRDB

/// Evaluation runs, kept so that runs can be compared (what regressed, per model and version).
extension Storage {
    /// Saves a report; returns the run's number.
    public func saveEvaluation(_ report: EvaluationReport, file: String?, now: Date = Date()) async throws(StorageError) -> Int64 {
        try await write { db in
            try db.execute(sql: "INSERT INTO eval_run (time, suite, file, repeats) VALUES (?, ?, ?, ?)",
                           arguments: [now.timeIntervalSince1970, report.suite, file, report.repeats])
            let run = db.lastInsertedRowID
            for model in report.models {
                for (item, key) in zip(model.cases, EvaluationCaseKey.keys(model.cases)) {
                    let detail = JSONValue.array(item.runs.map { run -> JSONValue in
                        ["text": .string(run.text), "passed": .bool(run.passed), "score": .number(run.score),
                         "latency_ms": .number(Double(run.latency.milliseconds)),
                         "assertions": .array(run.assertions.map {
                             ["type": .string($0.assertion.name), "passed": .bool($0.passed), "score": .number($0.score), "reason": .string($0.reason)]
                         })]
                    })
                    let json = JSONWriter.string(detail)
                    try db.execute(sql: """
                        INSERT INTO eval_result (run_id, provider, model, versions, case_key, case_name, passed, pass_rate, score,
                            latency_ms, cost_nanos, error, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [run, model.model.provider, model.model.model, model.versions.joined(separator: ","),
                                         key, item.name, item.passed, item.passRate, item.score,
                                         item.latency.milliseconds, item.cost.map(Spending.nanos), item.runs.compactMap(\.error).first, json])
                }
            }
            return run
        }
    }

    /// A saved run's results.
    public func evaluation(_ run: Int64) async throws -> StoredEvaluation {
        let found: StoredEvaluation? = try await read { db in
            guard let header = try Row.fetchOne(db, sql: "SELECT * FROM eval_run WHERE id = ?", arguments: [run]) else { return nil }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM eval_result WHERE run_id = ? ORDER BY rowid", arguments: [run])
            return StoredEvaluation(id: run, time: Date(timeIntervalSince1970: header["time"]), suite: header["suite"], file: header["file"],
                                    results: rows.map { row in
                StoredEvaluation.Result(model: ModelID(provider: row["provider"], model: row["model"]),
                                        versions: (row["versions"] as String?)?.split(separator: ",").map(String.init) ?? [],
                                        caseKey: row["case_key"], caseName: row["case_name"], passed: row["passed"],
                                        passRate: row["pass_rate"], score: row["score"], latencyMs: row["latency_ms"],
                                        cost: (row["cost_nanos"] as Int64?).map { Double($0) / 1e9 }, error: row["error"])
            })
        }
        guard let found else { throw EvaluationRunNotFound(run: run) }
        return found
    }

    /// The most recent runs, newest first.
    public func evaluationRuns(limit: Int = 20) async throws(StorageError) -> [(id: Int64, time: Date, suite: String?)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, time, suite FROM eval_run ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map { (id: $0["id"], time: Date(timeIntervalSince1970: $0["time"]), suite: $0["suite"]) }
        }
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
                ?? "v:" + test.vars.keys.sorted().map { "\($0)=\(test.vars[$0]!)" }.joined(separator: "\u{1F}")
            let base = "\(item.prompt.label)|\(identity)"
            seen[base, default: 0] += 1
            return seen[base]! == 1 ? base : "\(base)|\(seen[base]!)"
        }
    }
}

public struct StoredEvaluation: Sendable {
    public struct Result: Sendable, Hashable {
        public var model: ModelID
        public var versions: [String]
        public var caseKey: String
        public var caseName: String
        public var passed: Bool
        public var passRate: Double
        public var score: Double
        public var latencyMs: Int
        public var cost: Double?
        public var error: String?
    }

    public var id: Int64
    public var time: Date
    public var suite: String?
    public var file: String?
    public var results: [Result]

    public var models: [ModelID] {
        var seen: [ModelID] = []
        for result in results where !seen.contains(result.model) { seen.append(result.model) }
        return seen
    }
}

public struct EvaluationRunNotFound: GenesisError, Hashable {
    public var run: Int64
    public var provider: String? { nil }
    public var model: String? { nil }
    public var category: ErrorCategory { .invalidRequest }
    public var description: String { "no evaluation run \(run). Next: the run number is printed after each `genesis eval`; `genesis eval --runs` lists them." }
}

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
