import Foundation
import GenesisEngine
import GenesisStore

/// What recording costs: one streamed answer saved the way the console and `ask` save it
/// (conversation, prompt, answer row, an append per second of streaming, the finish, and its
/// ledger row, booked before sending against a daily budget and settled), and how many bytes
/// each answer adds to the database. A row written once (a cache hit, a refusal) is timed apart.
enum StorageBench {
    struct Figures {
        var answers: Int
        var appendsPerAnswer: Int
        var answerMicroseconds: Double
        var appendMicroseconds: Double
        /// One ledger row inserted.
        var ledgerMicroseconds: Double
        /// One ledger row booked (the day's sum and the insert in one transaction) and settled.
        var bookingMicroseconds: Double
        var bytesPerAnswer: Double

        var line: String {
            String(format: "storage: %.0f µs of writes per streamed answer (%d appends of %.0f µs, ledger row booked and settled %.0f µs; a row written once %.0f µs), %.0f bytes per answer (%d answers of 500 tokens)",
                   answerMicroseconds, appendsPerAnswer, appendMicroseconds, bookingMicroseconds, ledgerMicroseconds, bytesPerAnswer, answers)
        }
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
        var total = Duration.zero, appends = Duration.zero, ledger = Duration.zero, booking = Duration.zero
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
            let bookingStart = clock.now
            let now = Date()
            let pending = UsageRecord(requestID: UUID(), time: now, model: model, usage: Usage(inputTokens: 8, outputTokens: 1000, isEstimated: true),
                                      cost: Cost(dollars: 0.0024, isEstimated: true), outcome: .pending)
            let day = SpendingWindow(provider: nil, start: now.addingTimeInterval(-86_400), end: now.addingTimeInterval(86_400))
            let booked = try await storage.reserve(pending, against: [day], refusal: { _ in nil }).get()
            await storage.settle(booked, as: UsageRecord(requestID: pending.requestID, time: Date(), model: model, keyID: "BENCH …abcd",
                                                         usage: result.usage, cost: result.cost, latency: result.latency, outcome: .ok))
            booking += clock.now - bookingStart
            total += clock.now - start
        }
        try storage.checkpoint()
        let bytesPerAnswer = Double(storage.sizeOnDisk - empty) / Double(answers)
        for _ in 0..<answers {
            let ledgerStart = clock.now
            await storage.record(UsageRecord(requestID: UUID(), time: Date(), model: model, usage: Usage(inputTokens: 8, outputTokens: tokens),
                                             cost: Cost(dollars: 0), outcome: .cached))
            ledger += clock.now - ledgerStart
        }
        return Figures(answers: answers, appendsPerAnswer: seconds,
                       answerMicroseconds: total.seconds * 1e6 / Double(answers),
                       appendMicroseconds: appends.seconds * 1e6 / Double(answers * seconds),
                       ledgerMicroseconds: ledger.seconds * 1e6 / Double(answers),
                       bookingMicroseconds: booking.seconds * 1e6 / Double(answers),
                       bytesPerAnswer: bytesPerAnswer)
    }
}
