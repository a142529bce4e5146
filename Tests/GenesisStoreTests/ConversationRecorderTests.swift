import Foundation
import GenesisEngine
import GenesisStore
import Testing

/// `ask`, `compare`, `arena` and the console record through the same recorder.
@Suite("Storage: one conversation recorder")
struct ConversationRecorderTests {
    let fast = ModelID(provider: "sim", model: "fast")

    @Test("a first prompt starts a conversation, saved as the rules allow it to be kept; a next prompt goes on with it")
    func promptsStartAndContinueAConversation() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let filter = try ContentFilter(rules: [FilterRule(name: "email", pattern: .builtIn(.email), action: .redact)])
        let first = try #require(try await ConversationRecorder.record("write to ann@example.com", system: "mail ann@example.com", source: "console",
                                                                       storage: storage, filter: filter))
        let created = try #require(first.created)
        #expect(created.id == first.conversationID && created.source == "console" && created.system == "mail [redacted:email]")
        let answer = try await first.recorder(for: GenerationRequest(model: fast, prompt: "write to ann@example.com"))
        answer.append("done")
        await answer.finish(result(fast, text: "done"))
        let next = try #require(try await ConversationRecorder.record("and to bob", system: nil, in: first.conversationID, source: "console",
                                                                      storage: storage, filter: filter))
        #expect(next.created == nil && next.conversationID == first.conversationID)
        let messages = try await storage.messages(in: first.conversationID)
        #expect(messages.map(\.content) == ["write to [redacted:email]", "done", "and to bob"])
        #expect(messages.map(\.model) == [nil, fast, nil])
        #expect(try await ConversationRecorder.record("hi", system: nil, source: "ask", storage: nil, filter: filter) == nil)
    }
}
