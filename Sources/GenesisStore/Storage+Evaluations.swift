import Foundation
import GenesisEngine
import GRDB

/// Evaluation runs, kept so that runs can be compared (what regressed, per model and version).
extension Storage {
    /// Saves a run; returns its number.
    public func saveEvaluationRun(_ run: EvaluationRunRecord, now: Date = Date()) async throws(StorageError) -> Int64 {
        try await write { db in
            try db.execute(sql: "INSERT INTO eval_run (time, suite, file, repeats) VALUES (?, ?, ?, ?)",
                           arguments: [now.timeIntervalSince1970, run.suite, run.file, run.repeats])
            let id = db.lastInsertedRowID
            for result in run.results {
                try db.execute(sql: """
                    INSERT INTO eval_result (run_id, provider, model, versions, case_key, case_name, passed, pass_rate, score,
                        latency_ms, cost_nanos, error, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, result.model.provider, result.model.model, result.versions.joined(separator: ","),
                                     result.caseKey, result.caseName, result.passed, result.passRate, result.score,
                                     result.latencyMs, result.cost.map(Spending.nanos), result.error, result.detail ?? "[]"])
            }
            return id
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
                                        cost: (row["cost_nanos"] as Int64?).map { Double($0) / 1e9 }, error: row["error"], detail: row["detail"])
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

/// A run to save: the store keeps its results as they are given (the evaluation module builds
/// them from a report).
public struct EvaluationRunRecord: Sendable {
    public var suite: String?
    public var file: String?
    public var repeats: Int
    public var results: [StoredEvaluation.Result]

    public init(suite: String?, file: String?, repeats: Int, results: [StoredEvaluation.Result]) {
        self.suite = suite
        self.file = file
        self.repeats = repeats
        self.results = results
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
        /// Each run of the case as JSON (its text, verdict and assertions).
        public var detail: String?

        public init(model: ModelID, versions: [String], caseKey: String, caseName: String, passed: Bool, passRate: Double,
                    score: Double, latencyMs: Int, cost: Double?, error: String?, detail: String? = nil) {
            self.model = model
            self.versions = versions
            self.caseKey = caseKey
            self.caseName = caseName
            self.passed = passed
            self.passRate = passRate
            self.score = score
            self.latencyMs = latencyMs
            self.cost = cost
            self.error = error
            self.detail = detail
        }
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
