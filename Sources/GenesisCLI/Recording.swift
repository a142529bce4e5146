import Foundation
import GenesisEngine
import GenesisStore

/// How `ask` and `compare` record themselves: the conversation and prompt first (before any
/// request is sent), then each answer as it streams.
struct Recording: Sendable {
    let storage: Storage
    let conversation: Conversation

    /// Starts a conversation with its prompt saved, as the input content rules allow it to be
    /// kept (``ContentFilter/storable(_:)``); nil without storage.
    static func start(_ storage: Storage?, prompt: String, system: String?, source: String, filter: ContentFilter) async throws -> Recording? {
        guard let storage else { return nil }
        let prompt = filter.storable(prompt), system = system.map(filter.storable)
        let conversation = try await storage.createConversation(firstPrompt: prompt, source: source, system: system)
        try await storage.addPrompt(prompt, to: conversation.id)
        return Recording(storage: storage, conversation: conversation)
    }

    func recorder(for request: GenerationRequest) async throws -> AnswerRecorder {
        try await AnswerRecorder.start(storage: storage, conversationID: conversation.id, model: request.model, parameters: request.parameters)
    }
}
