import Foundation
import GenesisEngine
import GenesisStore

/// What recording costs: one streamed answer saved the way the console and `ask` save it
/// (conversation, prompt, answer row, an append per second of streaming, the finish, and one
/// ledger row), and how many bytes each answer adds to the database.
enum StorageBench {
    struct Figures {
        var answers: Int
        var appendsPerAnswer: Int
        var answerMicroseconds: Double
        var appendMicroseconds: Double
        var ledgerMicroseconds: Double
        var bytesPerAnswer: Double
    }

    /// `answers` answers of `tokens` tokens each, streamed over `seconds` seconds (one append per second).
    static func run(answers: Int = 200, tokens: Int = 500, seconds: Int = 10) async throws -> Figures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try Storage(path: directory.appendingPathComponent("bench.sqlite").path)
        let model = ModelID(provider: "bench", model: "m")
        let chunk = String(repeating: " word", count: tokens / seconds)
        try storage.checkpoint()
        let empty = storage.sizeOnDisk
        var total = Duration.zero, appends = Duration.zero, ledger = Duration.zero
        let clock = ContinuousClock()
        for n in 0..<answers {
            let start = clock.now
            let conversation = try await storage.createConversation(firstPrompt: "Prompt number \(n) about storage", source: "bench")
            try await storage.addPrompt("Prompt number \(n) about storage", to: conversation.id)
            let id = try await storage.startAnswer(in: conversation.id, model: model, parameters: GenerationParameters(maxTokens: 1000))
            let appendStart = clock.now
            for _ in 0..<seconds { try await storage.appendToAnswer(id, chunk) }
            appends += clock.now - appendStart
            let result = GenerationResult(model: model, text: "", finishReason: .stop, usage: Usage(inputTokens: 8, outputTokens: tokens),
                                          cost: Cost(dollars: 0.0012), latency: .seconds(seconds))
            try await storage.finishAnswer(id, result: result)
            let ledgerStart = clock.now
            await storage.record(UsageRecord(requestID: UUID(), time: Date(), model: model, keyID: "BENCH …abcd",
                                             usage: result.usage, cost: result.cost, latency: result.latency, outcome: .ok))
            ledger += clock.now - ledgerStart
            total += clock.now - start
        }
        try storage.checkpoint()
        return Figures(answers: answers, appendsPerAnswer: seconds,
                       answerMicroseconds: total.seconds * 1e6 / Double(answers),
                       appendMicroseconds: appends.seconds * 1e6 / Double(answers * seconds),
                       ledgerMicroseconds: ledger.seconds * 1e6 / Double(answers),
                       bytesPerAnswer: Double(storage.sizeOnDisk - empty) / Double(answers))
    }
}
