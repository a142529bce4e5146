import Foundation
import GenesisEngine
import GRDB

/// One pair a judge compared, as the store keeps it: the judge, the two models, the outcome's
/// name (`a`, `b` or `tie`) and the verdicts as JSON (the evaluation module gives them meaning).
public struct StoredJudgedPair: Sendable, Hashable {
    public var time: Date
    public var conversationID: String?
    public var judge: ModelID
    public var modelA: ModelID
    public var modelB: ModelID
    public var outcome: String
    public var verdicts: String

    public init(time: Date, conversationID: String?, judge: ModelID, modelA: ModelID, modelB: ModelID, outcome: String, verdicts: String) {
        self.time = time
        self.conversationID = conversationID
        self.judge = judge
        self.modelA = modelA
        self.modelB = modelB
        self.outcome = outcome
        self.verdicts = verdicts
    }
}

/// Judges' verdicts: kept apart from people's arena votes, for a leaderboard of their own.
extension Storage {
    public func recordJudgedPairs(_ pairs: [StoredJudgedPair]) async throws(StorageError) {
        try await write { db in
            for pair in pairs {
                try db.execute(sql: """
                    INSERT INTO judge_verdict (time, conversation_id, judge, model_a, model_b, outcome, verdicts)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [pair.time.timeIntervalSince1970, pair.conversationID, pair.judge.description,
                                     pair.modelA.description, pair.modelB.description, pair.outcome, pair.verdicts])
            }
        }
    }

    /// Every judged pair, oldest first; with `conversationID`, that conversation's only.
    public func judgedPairs(conversationID: String? = nil) async throws(StorageError) -> [StoredJudgedPair] {
        try await read { db in
            let rows = try conversationID.map {
                try Row.fetchAll(db, sql: "SELECT * FROM judge_verdict WHERE conversation_id = ? ORDER BY id", arguments: [$0])
            } ?? Row.fetchAll(db, sql: "SELECT * FROM judge_verdict ORDER BY id")
            return rows.compactMap { row in
                guard let judge = ModelID(parsing: row["judge"]), let a = ModelID(parsing: row["model_a"]),
                      let b = ModelID(parsing: row["model_b"]) else { return nil }
                return StoredJudgedPair(time: Date(timeIntervalSince1970: row["time"]), conversationID: row["conversation_id"],
                                        judge: judge, modelA: a, modelB: b, outcome: row["outcome"], verdicts: row["verdicts"])
            }
        }
    }
}
