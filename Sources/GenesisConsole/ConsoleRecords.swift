import Foundation
import GenesisEngine
import GenesisStore

/// The console's side of storage: listing and loading recorded conversations and reading
/// today's spending. Recording itself happens in the runtime, prompt first.
enum ConsoleRecords {
    static func entry(_ c: Conversation) -> HistoryEntry {
        HistoryEntry(id: c.id, title: c.title, date: Conversation.listingDate(c.updatedAt), models: c.models)
    }

    static func list(_ storage: Storage) async throws -> [HistoryEntry] {
        try await storage.conversations(limit: 30).map(entry)
    }

    /// A recorded conversation as panes: one per model asked, each with the prompts it answered.
    static func load(_ reference: String, from storage: Storage, simulated: Set<String>) async throws -> LoadedConversation {
        let conversation = try await storage.conversation(reference)
        let messages = try await storage.messages(in: conversation.id)
        return panes(conversation, messages, simulated: simulated)
    }

    static func panes(_ conversation: Conversation, _ messages: [StoredMessage], simulated: Set<String>) -> LoadedConversation {
        var order: [ModelID] = []
        var turns: [ModelID: [ChatMessage]] = [:]
        var unfinished: [ModelID: Set<Int>] = [:]
        var prompt: String?
        for message in messages {
            switch message.role {
            case .user: prompt = message.content
            case .system: continue
            case .assistant:
                guard let model = message.model, let prompt, !message.content.isEmpty else { continue }
                if !order.contains(model) { order.append(model) }
                turns[model, default: []] += [.user(prompt), .assistant(message.content)]
                if message.status != .complete { unfinished[model, default: []].insert(turns[model]!.count - 1) }
            }
        }
        return LoadedConversation(entry: entry(conversation), system: conversation.system, panes: order.map {
            LoadedConversation.Pane(model: $0, isSimulated: simulated.contains($0.provider), turns: turns[$0] ?? [], unfinished: unfinished[$0] ?? [])
        })
    }

    /// Spent since local midnight, by every process sharing the database.
    static func today(_ storage: Storage, now: Date = Date(), calendar: Calendar = .current) async -> Double? {
        let start = calendar.startOfDay(for: now)
        return try? await storage.spending(provider: nil, from: start, to: start.addingTimeInterval(86_400 * 2)).dollars
    }
}
