import Foundation
import GenesisEngine
import GRDB

extension Storage {
    /// Starts a conversation; the title is the first line of its first prompt.
    public func createConversation(firstPrompt: String, source: String, system: String? = nil,
                                   now: Date = Date()) async throws(StorageError) -> Conversation {
        let id = UUID().uuidString.lowercased()
        let title = Self.title(from: firstPrompt)
        try await write { db in
            try db.execute(sql: "INSERT INTO conversation (id, title, source, system, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, title, source, system, now.timeIntervalSince1970, now.timeIntervalSince1970])
        }
        return Conversation(id: id, title: title, source: source, system: system, createdAt: now, updatedAt: now, messageCount: 0, models: [])
    }

    /// Stores the person's prompt. Call it before sending anything, so a prompt is never lost.
    @discardableResult
    public func addPrompt(_ text: String, to conversationID: String, now: Date = Date()) async throws(StorageError) -> Int64 {
        try await insertMessage(conversationID: conversationID, role: .user, model: nil, parameters: nil, content: text,
                                status: .complete, now: now)
    }

    /// Creates an empty, incomplete answer for `model`, to be filled as it streams.
    public func startAnswer(in conversationID: String, model: ModelID, parameters: GenerationParameters,
                            now: Date = Date()) async throws(StorageError) -> Int64 {
        try await insertMessage(conversationID: conversationID, role: .assistant, model: model, parameters: parameters, content: "",
                                status: .incomplete, now: now)
    }

    /// Appends streamed text, and reasoning, to an answer (one small write, whatever the answer's length).
    public func appendToAnswer(_ id: Int64, _ text: String, reasoning: String = "", now: Date = Date()) async throws(StorageError) {
        try await write { db in
            try db.execute(sql: "UPDATE message SET content = content || ?, reasoning = reasoning || ?, updated_at = ? WHERE id = ?",
                           arguments: [text, reasoning, now.timeIntervalSince1970, id])
        }
    }

    /// Marks an answer finished with its figures. `text` replaces the content when given (a
    /// whole, non-streamed answer); otherwise the appended text stays.
    public func finishAnswer(_ id: Int64, result: GenerationResult, text: String? = nil, now: Date = Date()) async throws(StorageError) {
        try await write { db in
            try db.execute(sql: """
                UPDATE message SET content = COALESCE(?, content), status = 'complete',
                    served_by = CASE WHEN provider || ':' || model = ? THEN NULL ELSE ? END, served_version = ?,
                    finish_reason = ?, input_tokens = ?, output_tokens = ?, cost_nanos = ?, latency_ms = ?, ttft_ms = ?, updated_at = ?,
                    reasoning = CASE WHEN ? IS NULL THEN reasoning ELSE ? END, reasoning_tokens = ?, reasoning_ms = ?, cached_input_tokens = ?
                WHERE id = ?
                """, arguments: [text, result.model.description, result.model.description, result.servedVersion, result.finishReason.rawValue,
                                 result.usage.inputTokens, result.usage.outputTokens, result.cost.map { Spending.nanos($0.dollars) },
                                 result.latency.milliseconds, result.timeToFirstToken?.milliseconds, now.timeIntervalSince1970,
                                 text, result.reasoning, result.usage.reasoningTokens, result.reasoningTime?.milliseconds,
                                 result.usage.cachedInputTokens, id])
            try Self.touch(db, messageID: id, now: now)
        }
    }

    /// Marks an answer failed or cancelled, keeping the text that arrived.
    public func failAnswer(_ id: Int64, status: StoredMessage.Status, error: String, now: Date = Date()) async throws(StorageError) {
        try await write { db in
            try db.execute(sql: "UPDATE message SET status = ?, error = ?, updated_at = ? WHERE id = ?",
                           arguments: [status.rawValue, error, now.timeIntervalSince1970, id])
            try Self.touch(db, messageID: id, now: now)
        }
    }

    /// Conversations, most recently updated first.
    public func conversations(limit: Int = 50) async throws(StorageError) -> [Conversation] {
        try await read { db in
            try Row.fetchAll(db, sql: Self.listing + " ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ?", arguments: [limit])
                .map(Self.conversation)
        }
    }

    /// The conversation whose id is or starts with `reference` (at least 4 characters).
    public func conversation(_ reference: String) async throws -> Conversation {
        let reference = reference.lowercased()
        let rows = try await read { db in
            try Row.fetchAll(db, sql: Self.listing + " WHERE c.id = ? OR (length(?) >= 4 AND c.id LIKE ? || '%') LIMIT 6",
                             arguments: [reference, reference, reference]).map(Self.conversation)
        }
        if let exact = rows.first(where: { $0.id == reference }) { return exact }
        guard rows.count == 1 else { throw ConversationNotFound(reference: reference, candidates: rows.map { String($0.id.prefix(8)) }) }
        return rows[0]
    }

    public func messages(in conversationID: String) async throws(StorageError) -> [StoredMessage] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM message WHERE conversation_id = ? ORDER BY id", arguments: [conversationID]).map(Self.message)
        }
    }

    // MARK: Internals

    /// A conversation with its message count and the models that answered in it.
    static let listing = """
        SELECT c.*, (SELECT COUNT(*) FROM message m WHERE m.conversation_id = c.id) AS message_count,
            (SELECT GROUP_CONCAT(pm, ' ') FROM (SELECT DISTINCT m.provider || ':' || m.model AS pm FROM message m
                WHERE m.conversation_id = c.id AND m.role = 'assistant' ORDER BY m.id)) AS models
        FROM conversation c
        """

    static func title(from prompt: String) -> String {
        let line = prompt.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        let title = line.isEmpty ? "(empty prompt)" : line
        return title.count > 72 ? String(title.prefix(71)) + "…" : title
    }

    private func insertMessage(conversationID: String, role: ChatRole, model: ModelID?, parameters: GenerationParameters?,
                               content: String, status: StoredMessage.Status, now: Date) async throws(StorageError) -> Int64 {
        let parametersJSON = parameters.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }
        return try await write { db in
            try db.execute(sql: """
                INSERT INTO message (conversation_id, role, provider, model, content, parameters, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [conversationID, role.rawValue, model?.provider, model?.model, content, parametersJSON, status.rawValue,
                                 now.timeIntervalSince1970, now.timeIntervalSince1970])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE conversation SET updated_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, conversationID])
            return id
        }
    }

    private static func touch(_ db: Database, messageID: Int64, now: Date) throws {
        try db.execute(sql: "UPDATE conversation SET updated_at = ? WHERE id = (SELECT conversation_id FROM message WHERE id = ?)",
                       arguments: [now.timeIntervalSince1970, messageID])
    }

    static func conversation(_ row: Row) -> Conversation {
        Conversation(id: row["id"], title: row["title"], source: row["source"], system: row["system"],
                     createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
                     messageCount: row["message_count"] ?? 0,
                     models: (row["models"] as String?)?.split(separator: " ").map(String.init) ?? [])
    }

    static func message(_ row: Row) -> StoredMessage {
        let provider: String? = row["provider"], model: String? = row["model"]
        let parameters = (row["parameters"] as String?).flatMap { try? JSONDecoder().decode(GenerationParameters.self, from: Data($0.utf8)) }
        let input: Int? = row["input_tokens"], output: Int? = row["output_tokens"]
        return StoredMessage(
            id: row["id"], conversationID: row["conversation_id"], role: ChatRole(rawValue: row["role"]) ?? .user,
            model: provider.flatMap { p in model.map { ModelID(provider: p, model: $0) } },
            servedBy: (row["served_by"] as String?).flatMap { ModelID(parsing: $0) }, servedVersion: row["served_version"],
            content: row["content"], parameters: parameters, status: StoredMessage.Status(rawValue: row["status"]) ?? .incomplete,
            finishReason: row["finish_reason"], error: row["error"],
            usage: input.flatMap { i in output.map { Usage(inputTokens: i, outputTokens: $0, cachedInputTokens: row["cached_input_tokens"],
                                                           reasoningTokens: row["reasoning_tokens"]) } },
            cost: (row["cost_nanos"] as Int64?).map { Double($0) / 1e9 }, latencyMs: row["latency_ms"], ttftMs: row["ttft_ms"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            reasoning: row["reasoning"] ?? "", reasoningMs: row["reasoning_ms"])
    }
}
