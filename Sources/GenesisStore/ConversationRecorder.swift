import GenesisEngine

/// How a conversation is recorded, by `ask`, `compare`, `arena` and the console alike: each
/// prompt is saved before any request is sent, as the input content rules allow it to be kept
/// (``ContentFilter/storable(_:)``), in a new conversation or one that goes on; then each answer
/// as it streams (``AnswerRecorder``).
public struct ConversationRecorder: Sendable {
    public let storage: Storage
    public let conversationID: String
    /// The conversation this prompt started, nil when it went on with one.
    public let created: Conversation?

    /// Saves `prompt` in the conversation `conversationID`, or in a new one titled by it (with
    /// `system`, and `source` saying who asked) when that is nil. Nil without storage.
    public static func record(_ prompt: String, system: String?, in conversationID: String? = nil, source: String,
                              storage: Storage?, filter: ContentFilter) async throws(StorageError) -> ConversationRecorder? {
        guard let storage else { return nil }
        let prompt = filter.storable(prompt)
        let recorder: ConversationRecorder
        if let conversationID {
            recorder = ConversationRecorder(storage: storage, conversationID: conversationID, created: nil)
        } else {
            let created = try await storage.createConversation(firstPrompt: prompt, source: source, system: system.map(filter.storable))
            recorder = ConversationRecorder(storage: storage, conversationID: created.id, created: created)
        }
        try await storage.addPrompt(prompt, to: recorder.conversationID)
        return recorder
    }

    /// Starts recording the answer to `request`, empty and incomplete until it streams.
    public func recorder(for request: GenerationRequest) async throws(StorageError) -> AnswerRecorder {
        try await AnswerRecorder.start(storage: storage, conversationID: conversationID, model: request.model, parameters: request.parameters)
    }
}
