import Synchronization
import Foundation
import GenesisEngine

/// Saves one streaming answer as it arrives: text is appended to its row at most every
/// `interval` (and at the latest `interval` after it arrived, even when the stream stalls), and
/// the answer is marked complete, failed or cancelled at the end. Until then it reads as
/// incomplete, which is what a reopened conversation shows after a crash.
public actor AnswerRecorder {
    public nonisolated let messageID: Int64
    private let storage: Storage
    private nonisolated let interval: Duration
    /// Text not saved yet, taken by the next save. Appending never waits for the actor: a
    /// streaming answer brings hundreds of deltas a second and is saved about once a second.
    private nonisolated let buffer = Mutex(Pending())
    /// How many writes the answer took (for the benchmark and tests).
    public private(set) var writes = 0

    private struct Pending {
        var text = ""
        var reasoning = ""
        var lastSave = ContinuousClock.now
        var saveScheduled = false
    }

    public init(storage: Storage, messageID: Int64, interval: Duration = .seconds(1)) {
        self.storage = storage
        self.messageID = messageID
        self.interval = interval
    }

    /// Starts an empty answer for `model` in the conversation.
    public static func start(storage: Storage, conversationID: String, model: ModelID, parameters: GenerationParameters,
                             interval: Duration = .seconds(1)) async throws(StorageError) -> AnswerRecorder {
        let id = try await storage.startAnswer(in: conversationID, model: model, parameters: parameters)
        return AnswerRecorder(storage: storage, messageID: id, interval: interval)
    }

    /// Keeps reasoning for the next save, as ``append(_:)`` keeps text.
    public nonisolated func appendReasoning(_ delta: String) {
        schedule { $0.reasoning += delta }
    }

    /// Keeps `delta` for the next save, due `interval` after the last one.
    public nonisolated func append(_ delta: String) {
        schedule { $0.text += delta }
    }

    private nonisolated func schedule(_ add: (inout Pending) -> Void) {
        let wait = buffer.withLock { pending -> Duration? in
            add(&pending)
            guard !pending.saveScheduled else { return nil }
            pending.saveScheduled = true
            return max(.zero, interval - (ContinuousClock.now - pending.lastSave))
        }
        guard let wait else { return }
        Task { [weak self] in
            if wait > .zero { try? await Task.sleep(for: wait) }
            await self?.save()
        }
    }

    public func finish(_ result: GenerationResult) async {
        await save()
        do { try await storage.finishAnswer(messageID, result: result); writes += 1 } catch {
            storage.logger.error("answer not marked complete", metadata: ["genesis.error": "\(error)"])
        }
    }

    public func fail(_ status: StoredMessage.Status, error: String) async {
        await save()
        do { try await storage.failAnswer(messageID, status: status, error: error); writes += 1 } catch {
            storage.logger.error("answer failure not saved", metadata: ["genesis.error": "\(error)"])
        }
    }

    private func save() async {
        let (text, reasoning) = buffer.withLock { pending -> (String, String) in
            defer { pending.text = ""; pending.reasoning = ""; pending.lastSave = .now; pending.saveScheduled = false }
            return (pending.text, pending.reasoning)
        }
        guard !text.isEmpty || !reasoning.isEmpty else { return }
        do {
            try await storage.appendToAnswer(messageID, text, reasoning: reasoning)
            writes += 1
        } catch {
            buffer.withLock { $0.text = text + $0.text; $0.reasoning = reasoning + $0.reasoning } // try again with the next save
            storage.logger.error("streamed text not saved", metadata: ["genesis.error": "\(error)"])
        }
    }
}
