import Clocks
import Foundation
import GenesisEngine
import Synchronization
import Testing

/// Hard budgets book each request at its estimate before it is sent, so requests that start
/// together cannot all pass a check that none of them has spent against yet.
@Suite("Budget reservations")
struct BudgetReservationTests {
    static let fake = ModelID(provider: "fake", model: "m")

    /// A registry whose `fake` models cost $0.01 a token and answer at most 10 tokens, so a
    /// one-word prompt (5 tokens) books $0.15; each answer waits on `clock` (10 + 5 tokens, $0.15).
    func registry(_ budgets: [Budget], ledger: (any UsageLedger)? = nil, clock: TestClock<Duration>,
                  models: [String] = ["m"]) async throws -> (ModelRegistry, ScriptedProvider) {
        var configuration = GenesisConfiguration()
        configuration.budgets = budgets
        configuration.prices.set(ModelPrice(provider: "fake", model: "*", inputPerMillion: 10_000, outputPerMillion: 10_000))
        configuration.defaults.maxTokens = 10
        let registry = ModelRegistry(configuration: configuration, ledger: ledger, now: { BudgetTests.morning }, calendar: BudgetTests.utc)
        let provider = ScriptedProvider(clock: AnyClock(clock), Dictionary(uniqueKeysWithValues: models.map { ($0, [ScriptedProvider.Step.slow(.seconds(60), "ok")]) }))
        try await registry.addProvider(name: "fake", provider: provider)
        return (registry, provider)
    }

    /// Waits (in real time, bounded) until `done` holds: requests run on other tasks.
    func waitUntil(_ done: () -> Bool) async throws {
        for _ in 0..<4000 where !done() { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("ten requests at once under a budget with room for three: three are sent, seven refused unsent",
          arguments: [false, true])
    func concurrentRequestsBookOneAtATime(withLedger: Bool) async throws {
        let clock = TestClock()
        let ledger = withLedger ? MemoryLedger() : nil
        let (registry, provider) = try await registry([Budget(provider: "fake", period: .day, dollars: 0.5)], ledger: ledger, clock: clock)
        let refused = Collected<BudgetExceededError>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do { _ = try await registry.generateText(provider: "fake", model: "m", prompt: "p") } catch let error as BudgetExceededError {
                        refused.append(error)
                    }
                }
            }
            // The requests sent wait on the clock: every one is sent or refused before it moves.
            try await waitUntil { provider.requests.count + refused.items.count >= 10 }
            #expect(provider.requests.count == 3) // 3 x $0.15 fits in $0.50; a fourth would not
            #expect(refused.items.count == 7)
            #expect(refused.items.first?.reserved == 0.45)
            await clock.advance(by: .seconds(60))
            try await group.waitForAll()
        }
        let status = try #require(await registry.budgets.status().first)
        #expect(status.spent == Spending(nanoDollars: 450_000_000, tokens: 45)) // settled; nothing left reserved
        if let ledger {
            #expect(ledger.records.map(\.outcome).sorted { $0.rawValue < $1.rawValue } == Array(repeating: .ok, count: 3) + Array(repeating: .refused, count: 7))
        }
    }

    @Test("a compare of five models under a budget with room for one sends one; the others name the budget, what is spent, reserved and left")
    func compareOfFiveSendsOne() async throws {
        let clock = TestClock()
        let models = ["a", "b", "c", "d", "e"]
        let (registry, provider) = try await registry([Budget(period: .day, dollars: 0.25)], ledger: MemoryLedger(), clock: clock, models: models)
        let failures = Collected<any Error>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for model in models {
                group.addTask {
                    do { _ = try await registry.generateText(provider: "fake", model: model, prompt: "p") } catch { failures.append(error) }
                }
            }
            try await waitUntil { provider.requests.count + failures.items.count >= 5 }
            #expect(provider.requests.count == 1)
            let errors = failures.items
            #expect(errors.count == 4 && errors.allSatisfy { $0 is BudgetExceededError })
            let message = try #require(errors.first.map { "\($0)" })
            #expect(message.contains("budget exceeded: overall daily $0.25 (spent $0, reserved $0.1500 by requests not yet finished; this request could use up to $0.1500, more than the $0.1000 left of $0.2500)"),
                    "\(message)")
            await clock.advance(by: .seconds(60))
            try await group.waitForAll()
        }
    }

    @Test("a request's ledger row is written pending at its estimate before it is sent, and settled in place when it ends")
    func rowBeforeSending() async throws {
        let clock = TestClock()
        let ledger = MemoryLedger()
        let (registry, provider) = try await registry([], ledger: ledger, clock: clock)
        let answer = Task { try await registry.generateText(provider: "fake", model: "m", prompt: "p") }
        try await waitUntil { provider.requests.count == 1 }
        let pending = try #require(ledger.records.first)
        #expect(ledger.records.count == 1)
        #expect(pending.outcome == .pending && pending.inputTokens == 5 && pending.outputTokens == 10 && pending.tokensEstimated)
        #expect(pending.cost == Cost(dollars: 0.15, isEstimated: true))
        await clock.advance(by: .seconds(60))
        _ = try await answer.value
        let settled = try #require(ledger.records.first)
        #expect(ledger.records.count == 1)
        #expect(settled.outcome == .ok && settled.requestID == pending.requestID && settled.inputTokens == 10 && settled.outputTokens == 5)
    }

    @Test("a row left pending by a process that died keeps counting at its estimate")
    func deadProcessesReservationCounts() async throws {
        let ledger = MemoryLedger()
        await ledger.record(UsageRecord(requestID: UUID(), time: BudgetTests.morning.addingTimeInterval(-60), model: Self.fake,
                                        usage: Usage(inputTokens: 5, outputTokens: 35, isEstimated: true), cost: Cost(dollars: 0.4, isEstimated: true),
                                        outcome: .pending))
        let (registry, provider) = try await registry([Budget(provider: "fake", period: .day, dollars: 0.5)], ledger: ledger, clock: TestClock())
        let error = await #expect(throws: BudgetExceededError.self) { _ = try await registry.generateText(provider: "fake", model: "m", prompt: "p") }
        #expect(error?.reserved == 0.4 && error?.spent == 0 && error?.requested == 0.15)
        #expect(provider.requests.isEmpty)
    }

    @Test("a cancelled request gives back what it booked")
    func cancellingReleases() async throws {
        let clock = TestClock()
        let (registry, provider) = try await registry([Budget(provider: "fake", period: .day, dollars: 0.2)], clock: clock)
        let first = Task { try await registry.generateText(provider: "fake", model: "m", prompt: "p") }
        try await waitUntil { provider.requests.count == 1 }
        await #expect(throws: BudgetExceededError.self) { _ = try await registry.generateText(provider: "fake", model: "m", prompt: "p") }
        first.cancel()
        _ = await first.result
        let second = Task { try await registry.generateText(provider: "fake", model: "m", prompt: "p") }
        try await waitUntil { provider.requests.count == 2 }
        #expect(provider.requests.count == 2)
        await clock.advance(by: .seconds(60))
        _ = try await second.value
    }

    /// (spent, reserved, this request, limit) in dollars: whether a hard budget refuses.
    @Test(arguments: [
        (0.5, 0.0, 0.4, 1.0, false), (0.5, 0.0, 0.5, 1.0, false), (0.5, 0.0, 0.6, 1.0, true),
        (0.3, 0.5, 0.3, 1.0, true), // reservations count as spending
        (0.9, 0.0, 0.0, 1.0, false), // no price: fits a budget not used up
        (1.0, 0.0, 0.0, 1.0, true), // …and is refused by one used up
        (0.0, 0.0, 0.0, 0.0, true), // a $0 budget refuses everything, free models too
    ])
    func aHardBudgetTakesWhatFitsInWhatIsLeft(spent: Double, reserved: Double, request: Double, limit: Double, refused: Bool) {
        let budget = Budget(period: .day, dollars: limit)
        let used = Spending(nanoDollars: Spending.nanos(spent), reservedNanoDollars: Spending.nanos(reserved))
        #expect((budget.refusal(of: Spending(nanoDollars: Spending.nanos(request)), after: used, provider: "p", model: "m") != nil) == refused)
        var soft = budget
        soft.hard = false
        #expect(soft.refusal(of: Spending(nanoDollars: Spending.nanos(request)), after: used, provider: "p", model: "m") == nil)
    }

    @Test("a token budget counts the prompt and the max tokens; a request larger than the whole budget is told to ask for fewer")
    func tokenRefusalSaysWhatToDo() throws {
        let budget = Budget(provider: "sim", period: .day, tokens: 40)
        let error = try #require(budget.refusal(of: Spending(tokens: 517), after: Spending(tokens: 12), provider: "sim", model: "fast"))
        #expect(error.description == "sim:fast budget exceeded: sim daily 40 tokens (spent 12, reserved 0 by requests not yet finished; this request could use up to 517, more than the 28 left of 40 tokens); the request was not sent. Next: this request alone could use more than the whole budget: lower its max tokens (they bound what it books), or raise the budget in the configuration.")
        #expect(budget.refusal(of: Spending(tokens: 28), after: Spending(tokens: 12), provider: "sim", model: "fast") == nil)
        #expect(budget.refusal(of: Spending(tokens: 517), after: Spending(tokens: 12), provider: "openai", model: "gpt-4o") == nil)
    }
}

/// What concurrent tasks hand back as they go.
final class Collected<Item: Sendable>: Sendable {
    private let list = Mutex<[Item]>([])
    func append(_ item: Item) { list.withLock { $0.append(item) } }
    var items: [Item] { list.withLock { $0 } }
}
