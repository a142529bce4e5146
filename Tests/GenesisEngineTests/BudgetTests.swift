import Clocks
import Foundation
import GenesisEngine
import Synchronization
import Testing

/// A wall clock the test moves by hand.
final class ManualDate: Sendable {
    private let date: Mutex<Date>
    init(_ date: Date) { self.date = Mutex(date) }
    var now: Date { date.withLock { $0 } }
    func advance(by seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A ledger in memory, so budgets can be checked against what it holds. It books under its lock,
/// as SQLite does under its write lock.
final class MemoryLedger: UsageLedger {
    private let rows = Mutex<[UsageRecord]>([])
    var records: [UsageRecord] { rows.withLock { $0 } }
    func record(_ record: UsageRecord) async { rows.withLock { $0.append(record) } }
    func spending(provider: String?, from start: Date, to end: Date) async throws -> Spending {
        rows.withLock { Self.spending($0, SpendingWindow(provider: provider, start: start, end: end)) }
    }
    func reserve(_ pending: UsageRecord, against windows: [SpendingWindow],
                 refusal: @escaping @Sendable ([Spending]) -> BudgetExceededError?) async throws -> Result<UsageRowID, BudgetExceededError> {
        rows.withLock { rows in
            if let refused = refusal(windows.map { Self.spending(rows, $0) }) { return .failure(refused) }
            rows.append(pending)
            return .success(UsageRowID(Int64(rows.count - 1)))
        }
    }
    func settle(_ id: UsageRowID, as final: UsageRecord) async { rows.withLock { $0[Int(id.rawValue)] = final } }

    private static func spending(_ rows: [UsageRecord], _ window: SpendingWindow) -> Spending {
        rows.filter(window.contains).reduce(Spending()) { $0 + $1.spending }
    }
}

@Suite("Budgets and alerts")
struct BudgetTests {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
    // 2026-11-25 10:00 UTC
    static let morning = Date(timeIntervalSince1970: 1_795_601_200)

    func registry(_ budgets: [Budget], date: ManualDate, ledger: (any UsageLedger)? = nil,
                  tokensPerAnswer: Int = 100) -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.budgets = budgets
        configuration.prices.set(ModelPrice(provider: "fake", model: "m", inputPerMillion: 10_000, outputPerMillion: 10_000))
        // Answers of at most 10 tokens: a request books its prompt (5-6 tokens) and 10, $0.15-0.16.
        configuration.defaults.maxTokens = 10
        // The real clock: an immediate one would fire the request deadline at once and race the answers.
        let registry = ModelRegistry(configuration: configuration, ledger: ledger,
                                     now: { date.now }, calendar: Self.utc)
        return registry
    }

    func add(_ registry: ModelRegistry) async throws {
        // 50 in + 50 out tokens at $10,000 per million = $1.00 per answer.
        try await registry.addProvider(name: "fake", provider: ScriptedProvider(["m": [.answer("ok", usage: Usage(inputTokens: 50, outputTokens: 50))]]))
        try await registry.addProvider(name: "other", provider: ScriptedProvider(name: "other", ["m": [.answer("ok", usage: Usage(inputTokens: 50, outputTokens: 50))]]))
    }

    @Test("under a hard dollar budget a model with no price is refused before it is sent, unless the budget allows unpriced models")
    func unpricedModelsAreRefusedUnderAHardBudget() async throws {
        let date = ManualDate(Self.morning)
        let strict = registry([Budget(period: .day, dollars: 100)], date: date)
        try await add(strict)
        _ = try await strict.generateText(provider: "fake", model: "m", prompt: "priced")
        let error = await #expect(throws: BudgetExceededError.self) {
            _ = try await strict.generateText(provider: "other", model: "m", prompt: "unpriced")
        }
        #expect(error?.isUnpriced == true && error?.description.contains("other:m: it has no price") == true)
        var lenient = Budget(period: .day, dollars: 100)
        lenient.allowsUnpriced = true
        let registry = registry([lenient], date: date)
        try await add(registry)
        #expect(try await registry.generateText(provider: "other", model: "m", prompt: "unpriced").text == "ok")
    }

    @Test("a hard dollar budget refuses a request once it is used up, naming the budget; another provider still answers")
    func hardDollarBudget() async throws {
        let date = ManualDate(Self.morning)
        let registry = registry([Budget(provider: "fake", period: .day, dollars: 2)], date: date)
        try await add(registry)
        _ = try await registry.generateText(provider: "fake", model: "m", prompt: "one")
        _ = try await registry.generateText(provider: "fake", model: "m", prompt: "two")
        let error = await #expect(throws: BudgetExceededError.self) {
            _ = try await registry.generateText(provider: "fake", model: "m", prompt: "three")
        }
        #expect(error?.budget == "fake daily $2.00")
        #expect(error?.category.exitCode == 9)
        #expect(error?.description.contains("(spent $2.0000, reserved $0 by requests not yet finished: nothing left of $2.0000)") == true)
        _ = try await registry.generateText(provider: "other", model: "m", prompt: "unlimited")
    }

    @Test("a daily budget starts again at midnight in the configured time zone")
    func dailyReset() async throws {
        let date = ManualDate(Self.morning)
        let registry = registry([Budget(period: .day, tokens: 150)], date: date)
        try await add(registry)
        _ = try await registry.generateText(provider: "fake", model: "m", prompt: "a")
        _ = try await registry.generateText(provider: "other", model: "m", prompt: "b") // overall: 200 tokens now
        await #expect(throws: BudgetExceededError.self) { _ = try await registry.generateText(provider: "fake", model: "m", prompt: "c") }
        date.advance(by: 13 * 3600) // 23:00: same day
        await #expect(throws: BudgetExceededError.self) { _ = try await registry.generateText(provider: "fake", model: "m", prompt: "c") }
        date.advance(by: 3600) // 00:00 the next day
        _ = try await registry.generateText(provider: "fake", model: "m", prompt: "c")
    }

    @Test("alerts fire once each at 50, 80 and 100 percent, the highest crossed only, and a soft budget never refuses")
    func alerts() async throws {
        let date = ManualDate(Self.morning)
        let registry = registry([Budget(provider: "fake", period: .month, dollars: 5, hard: false)], date: date)
        try await add(registry)
        var seen: [Int] = []
        var messages: [String] = []
        for _ in 0..<7 {
            _ = try await registry.generateText(provider: "fake", model: "m", prompt: "x")
            for status in await registry.budgets.status() { _ = status }
        }
        var iterator = registry.budgets.alerts.makeAsyncIterator()
        for _ in 0..<3 {
            guard let alert = await iterator.next() else { break }
            seen.append(Int(alert.threshold * 100))
            messages.append(alert.message)
        }
        #expect(seen == [50, 80, 100])
        #expect(messages[1] == "budget fake monthly $5.00 (soft): 80% used ($4.0000 of $5.0000)")
        #expect(messages[2].hasSuffix("; over budget"))
    }

    @Test("with a ledger, spending recorded by an earlier run counts, and each request is one ledger row")
    func ledgerSeedsSpending() async throws {
        let date = ManualDate(Self.morning)
        let ledger = MemoryLedger()
        await ledger.record(UsageRecord(requestID: UUID(), time: Self.morning.addingTimeInterval(-3600), model: ModelID(provider: "fake", model: "m"),
                                        usage: Usage(inputTokens: 1, outputTokens: 1), cost: Cost(dollars: 4.5), outcome: .ok))
        let registry = registry([Budget(provider: "fake", period: .day, dollars: 5)], date: date, ledger: ledger)
        try await add(registry)
        _ = try await registry.generateText(provider: "fake", model: "m", prompt: "a") // 4.5 + 1.0
        let error = await #expect(throws: BudgetExceededError.self) { _ = try await registry.generateText(provider: "fake", model: "m", prompt: "b") }
        #expect(error?.spent == 5.5)
        let rows = ledger.records
        #expect(rows.count == 3)
        #expect(rows[1].outcome == .ok && rows[1].cost?.dollars == 1 && rows[1].inputTokens == 50)
        #expect(rows[2].outcome == .refused && rows[2].errorCategory == .budgetExceeded && rows[2].totalTokens == 0)
    }

    @Test("failed attempts and cache hits are ledger rows too, sharing the request's id")
    func everyAttemptIsARow() async throws {
        let ledger = MemoryLedger()
        var configuration = GenesisConfiguration()
        configuration.retry.baseDelay = .milliseconds(1)
        let registry = ModelRegistry(configuration: configuration, ledger: ledger)
        try await registry.addProvider(name: "fake", provider: ScriptedProvider(["m": [
            .fail(ProviderError(.overloaded, provider: "fake", model: "m", status: 503, message: "busy")), .answer("ok"),
        ]]))
        let result = try await registry.generate(GenerationRequest(model: ModelID(provider: "fake", model: "m"), prompt: "p",
                                                                   parameters: GenerationParameters(temperature: 0)),
                                                 options: RequestOptions(conversationID: "c1"))
        _ = try await registry.generate(GenerationRequest(model: ModelID(provider: "fake", model: "m"), prompt: "p",
                                                          parameters: GenerationParameters(temperature: 0)))
        let rows = ledger.records
        #expect(rows.map(\.outcome) == [.error, .ok, .cached])
        #expect(rows[0].requestID == rows[1].requestID && rows[1].requestID != rows[2].requestID)
        #expect(rows[0].status == 503 && rows[0].errorCategory == .overloaded)
        #expect(rows[1].conversationID == "c1" && rows[1].outputTokens == result.usage.outputTokens)
        #expect(rows[2].cost?.dollars ?? 0 == 0)
    }
}
