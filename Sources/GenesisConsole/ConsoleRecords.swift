import Foundation
import GenesisEngine
import GenesisStore

/// The console's side of storage: listing and loading recorded conversations and reading
/// today's spending. Recording goes through ``ConversationRecorder``, as for `ask` and `compare`.
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
        return panes(conversation, messages, branches: try await storage.branchPoints(in: conversation.id), simulated: simulated)
    }

    /// Each model's turns: the prompts it answered, with its answers; after a branch point,
    /// every model's are the branching model's (it continued as if it had given that answer).
    static func panes(_ conversation: Conversation, _ messages: [StoredMessage], branches: [StoredBranchPoint] = [],
                      simulated: Set<String>) -> LoadedConversation {
        var order: [ModelID] = []
        var turns: [ModelID: [ChatMessage]] = [:]
        var unfinished: [ModelID: Set<Int>] = [:]
        var unanswered: [ModelID: [Int: [String]]] = [:]
        var reasoning: [ModelID: [Int: LoadedConversation.Reasoning]] = [:]
        var prompt: String?
        var answered = false // whether any model's answer row follows the latest prompt
        for message in messages {
            switch message.role {
            case .user:
                prompt = message.content
                answered = false
            case .system: continue
            case .assistant:
                guard let model = message.model, let prompt else { continue }
                answered = true
                if !order.contains(model) { order.append(model) }
                guard !message.content.isEmpty else {
                    unanswered[model, default: [:]][turns[model]?.count ?? 0, default: []].append(prompt)
                    continue
                }
                turns[model, default: []] += [.user(prompt), .assistant(message.content)]
                let answerIndex = turns[model, default: []].count - 1
                if !message.reasoning.isEmpty {
                    reasoning[model, default: [:]][answerIndex] = LoadedConversation.Reasoning(
                        text: message.reasoning, tokens: message.usage?.reasoningTokens, duration: message.reasoningMs.map { .milliseconds($0) })
                }
                if message.status != .complete { unfinished[model, default: []].insert(answerIndex) }
            }
            for branch in branches where branch.afterMessageID == message.id {
                for model in order where model != branch.model {
                    turns[model] = turns[branch.model]
                    unfinished[model] = unfinished[branch.model]
                    reasoning[model] = reasoning[branch.model]
                    unanswered[model] = nil
                }
            }
        }
        // The last prompt was saved, then the process ended before any answer was started.
        if let prompt, !answered {
            for model in order { unanswered[model, default: [:]][turns[model]?.count ?? 0, default: []].append(prompt) }
        }
        return LoadedConversation(entry: entry(conversation), system: conversation.system, panes: order.map {
            LoadedConversation.Pane(model: $0, isSimulated: simulated.contains($0.provider), turns: turns[$0] ?? [],
                                    unfinished: unfinished[$0] ?? [], unanswered: unanswered[$0] ?? [:], reasoning: reasoning[$0] ?? [:])
        })
    }

    /// Spent since local midnight, by every process sharing the database.
    static func today(_ storage: Storage, now: Date = Date(), calendar: Calendar = .current) async -> Double? {
        let start = calendar.startOfDay(for: now)
        return try? await storage.spending(provider: nil, from: start, to: start.addingTimeInterval(86_400 * 2)).dollars
    }
}
