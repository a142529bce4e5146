import Foundation
import GRDB

/// The prompt line's history across sessions (Up and Down in the console).
extension Storage {
    public func addPromptHistory(_ text: String, now: Date = Date()) async throws(StorageError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        try await write { db in
            // The same prompt again moves to the end instead of repeating.
            try db.execute(sql: "DELETE FROM prompt_history WHERE text = ?", arguments: [text])
            try db.execute(sql: "INSERT INTO prompt_history (text, time) VALUES (?, ?)", arguments: [text, now.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM prompt_history WHERE id <= (SELECT MAX(id) - 1000 FROM prompt_history)")
        }
    }

    /// The most recent prompts, oldest first.
    public func promptHistory(limit: Int = 500) async throws(StorageError) -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT text FROM (SELECT id, text FROM prompt_history ORDER BY id DESC LIMIT ?) ORDER BY id",
                                arguments: [limit])
        }
    }
}
