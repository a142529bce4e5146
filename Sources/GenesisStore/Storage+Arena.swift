import Foundation
import GenesisEngine
import GenesisEvaluation
import GRDB

/// Blind-arena votes, for the leaderboard.
extension Storage {
    public func recordVotes(_ votes: [ArenaVote], conversationID: String? = nil, now: Date = Date()) async throws(StorageError) {
        try await write { db in
            for vote in votes {
                try db.execute(sql: "INSERT INTO arena_vote (time, model_a, model_b, outcome, conversation_id) VALUES (?, ?, ?, ?, ?)",
                               arguments: [now.timeIntervalSince1970, vote.modelA.description, vote.modelB.description, vote.outcome.rawValue, conversationID])
            }
        }
    }

    /// Every vote, oldest first (online Elo depends on the order).
    public func votes() async throws(StorageError) -> [ArenaVote] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT model_a, model_b, outcome FROM arena_vote ORDER BY id").compactMap { row in
                guard let a = ModelID(parsing: row["model_a"]), let b = ModelID(parsing: row["model_b"]),
                      let outcome = ArenaVote.Outcome(rawValue: row["outcome"]) else { return nil }
                return ArenaVote(modelA: a, modelB: b, outcome: outcome)
            }
        }
    }
}
