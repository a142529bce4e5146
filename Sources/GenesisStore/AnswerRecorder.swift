import Foundation
import GenesisEngine

/// Saves one streaming answer as it arrives: text is appended to its row at most every
/// `interval` (and at the latest `interval` after it arrived, even when the stream stalls), and
/// the answer is marked complete, failed or cancelled at the end. Until then it reads as
/// incomplete, which is what a reopened conversation shows after a crash.
public actor AnswerRecorder {
    public nonisolated let messageID: Int64
    private let storage: Storage
    private let interval: Duration
    private var pending = ""
    private var lastSave = ContinuousClock.now
    private var scheduled: Task<Void, Never>?
    /// How many writes the answer took (for the benchmark and tests).
    public private(set) var writes = 0

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

    public func append(_ delta: String) async {
        pending += delta
        if ContinuousClock.now - lastSave >= interval {
            await save()
        } else if scheduled == nil {
            let wait = interval - (ContinuousClock.now - lastSave)
            scheduled = Task { [weak self] in
                try? await Task.sleep(for: wait)
                await self?.scheduledSave()
            }
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

    private func scheduledSave() async {
        scheduled = nil
        await save()
    }

    private func save() async {
        scheduled?.cancel()
        scheduled = nil
        lastSave = .now
        guard !pending.isEmpty else { return }
        let text = pending
        pending = ""
        do {
            try await storage.appendToAnswer(messageID, text)
            writes += 1
        } catch {
            pending = text + pending // try again with the next save
            storage.logger.error("streamed text not saved", metadata: ["genesis.error": "\(error)"])
        }
    }
}
