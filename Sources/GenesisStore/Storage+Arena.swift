import Foundation
import GenesisEngine
import GRDB

/// One blind-arena vote as the store keeps it: two models and the outcome's name (`a`, `b`,
/// `tie`, `both_bad`; the evaluation module gives them meaning).
public struct StoredVote: Sendable, Hashable {
    public var modelA: ModelID
    public var modelB: ModelID
    public var outcome: String

    public init(modelA: ModelID, modelB: ModelID, outcome: String) {
        self.modelA = modelA
        self.modelB = modelB
        self.outcome = outcome
    }
}

/// Blind-arena votes, for the leaderboard.
extension Storage {
    public func recordVotes(_ votes: [StoredVote], conversationID: String? = nil, now: Date = Date()) async throws(StorageError) {
        try await write { db in
            for vote in votes {
                try db.execute(sql: "INSERT INTO arena_vote (time, model_a, model_b, outcome, conversation_id) VALUES (?, ?, ?, ?, ?)",
                               arguments: [now.timeIntervalSince1970, vote.modelA.description, vote.modelB.description, vote.outcome, conversationID])
            }
        }
    }

    /// Every vote, oldest first (online Elo depends on the order); rows naming no model are skipped.
    public func storedVotes() async throws(StorageError) -> [StoredVote] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT model_a, model_b, outcome FROM arena_vote ORDER BY id").compactMap { row in
                guard let a = ModelID(parsing: row["model_a"]), let b = ModelID(parsing: row["model_b"]) else { return nil }
                return StoredVote(modelA: a, modelB: b, outcome: row["outcome"])
            }
        }
    }

    /// The votes cast on one recorded conversation (an arena round), in the order they were cast.
    public func storedVotes(conversationID: String) async throws(StorageError) -> [StoredVote] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT model_a, model_b, outcome FROM arena_vote WHERE conversation_id = ? ORDER BY id",
                             arguments: [conversationID]).compactMap { row in
                guard let a = ModelID(parsing: row["model_a"]), let b = ModelID(parsing: row["model_b"]) else { return nil }
                return StoredVote(modelA: a, modelB: b, outcome: row["outcome"])
            }
        }
    }
}
