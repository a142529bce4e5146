import Foundation
import GenesisEngine
import GRDB

/// Where a conversation branched (the console's `/branch`): after one model's answer, every
/// model went on as if it had given that answer.
public struct StoredBranchPoint: Sendable, Hashable {
    /// The answer every model continued from.
    public var afterMessageID: Int64
    public var model: ModelID
    public var time: Date

    public init(afterMessageID: Int64, model: ModelID, time: Date) {
        self.afterMessageID = afterMessageID
        self.model = model
        self.time = time
    }
}

extension Storage {
    /// Records that every model of the conversation continues from `model`'s latest answer in
    /// it; nil (nothing recorded) when the model has no answer there.
    @discardableResult
    public func recordBranch(conversationID: String, model: ModelID, now: Date = Date()) async throws(StorageError) -> StoredBranchPoint? {
        try await write { db in
            guard let answer = try Int64.fetchOne(db, sql: """
                SELECT max(id) FROM message WHERE conversation_id = ? AND role = 'assistant' AND provider = ? AND model = ?
                """, arguments: [conversationID, model.provider, model.model]) else { return nil }
            try db.execute(sql: "INSERT INTO branch_point (conversation_id, after_message_id, model, time) VALUES (?, ?, ?, ?)",
                           arguments: [conversationID, answer, model.description, now.timeIntervalSince1970])
            return StoredBranchPoint(afterMessageID: answer, model: model, time: now)
        }
    }

    /// A conversation's branch points, oldest first.
    public func branchPoints(in conversationID: String) async throws(StorageError) -> [StoredBranchPoint] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM branch_point WHERE conversation_id = ? ORDER BY id", arguments: [conversationID]).compactMap { row in
                ModelID(parsing: row["model"]).map {
                    StoredBranchPoint(afterMessageID: row["after_message_id"], model: $0, time: Date(timeIntervalSince1970: row["time"]))
                }
            }
        }
    }
}
