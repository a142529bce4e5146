import Foundation
import Logging

/// Keeps the configured budgets: refuses requests a hard budget no longer allows, and alerts
/// when spending crosses a threshold.
///
/// Spending comes from the ``UsageLedger`` when there is one, so budgets hold across runs and
/// across processes sharing one database; the ledger is read again at most every `refresh`, with
/// this process's own spending added in between. Without a ledger it counts from the start.
public actor BudgetTracker {
    public nonisolated let budgets: [Budget]
    private let ledger: (any UsageLedger)?
    private let now: @Sendable () -> Date
    private let calendar: Calendar
    private let refresh: TimeInterval
    private let logger: Logger
    private var states: [Int: State] = [:]
    private let continuation: AsyncStream<BudgetAlert>.Continuation
    /// Every alert, as it happens (also logged as a warning).
    public nonisolated let alerts: AsyncStream<BudgetAlert>

    struct State {
        var periodStart: Date
        var base: Spending
        var readAt: Date?
        var delta = Spending()
        var fired: Set<Double> = []
        var spent: Spending { Spending(nanoDollars: base.nanoDollars &+ delta.nanoDollars, tokens: base.tokens &+ delta.tokens) }
    }

    public init(budgets: [Budget], ledger: (any UsageLedger)?, now: @escaping @Sendable () -> Date = { Date() },
                calendar: Calendar = .current, refresh: TimeInterval = 5,
                logger: Logger = Logger(label: "genesis.budget", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.budgets = budgets
        self.ledger = ledger
        self.now = now
        self.calendar = calendar
        self.refresh = refresh
        self.logger = logger
        (alerts, continuation) = AsyncStream<BudgetAlert>.makeStream(bufferingPolicy: .bufferingNewest(64))
    }

    /// Throws when a hard budget that covers `provider` is used up.
    public func check(provider: String, model: String) async throws(BudgetExceededError) {
        for (index, budget) in budgets.enumerated() where budget.hard && budget.applies(to: provider) {
            let spent = await current(index).state.spent
            if let dollars = budget.dollars, spent.dollars >= dollars {
                throw BudgetExceededError(provider: provider, model: model, budget: budget.name, spent: spent.dollars, limit: dollars)
            }
            if let tokens = budget.tokens, spent.tokens >= tokens {
                throw BudgetExceededError(provider: provider, model: model, budget: budget.name, spent: Double(spent.tokens),
                                          limit: Double(tokens), isTokens: true)
            }
        }
    }

    /// Counts a ledger row against the budgets that cover it and returns the alerts it set off.
    @discardableResult
    public func record(_ record: UsageRecord) async -> [BudgetAlert] {
        var raised: [BudgetAlert] = []
        let nanos = record.cost.map { Spending.nanos($0.dollars) } ?? 0
        // A cache hit sent nothing: its tokens (the original answer's) spend nothing.
        let tokens = record.outcome == .cached ? 0 : record.totalTokens
        for (index, budget) in budgets.enumerated() where budget.applies(to: record.model.provider) {
            // The ledger has the row already (it is written first): a fresh read includes it.
            var (state, fresh) = await current(index)
            guard !fresh else { raised += evaluate(index); continue }
            // A row from an earlier period (a long request over midnight) counts in the new one.
            state.delta.nanoDollars &+= nanos
            state.delta.tokens &+= tokens
            states[index] = state
            raised += evaluate(index)
        }
        return raised
    }

    /// Every budget now, with alerts for thresholds already crossed (e.g. at start-up).
    public func status() async -> [BudgetStatus] {
        var result: [BudgetStatus] = []
        for (index, budget) in budgets.enumerated() {
            let state = await current(index).state
            _ = evaluate(index)
            result.append(BudgetStatus(budget: budget, spent: state.spent, periodStart: state.periodStart,
                                       periodEnd: budget.periodEnd(after: state.periodStart, calendar: calendar),
                                       usedFraction: budget.usedFraction(state.spent)))
        }
        return result
    }

    /// The budget's state for the current period, read from the ledger when it is new or stale.
    private func current(_ index: Int) async -> (state: State, fresh: Bool) {
        let budget = budgets[index]
        let date = now()
        let start = budget.periodStart(containing: date, calendar: calendar)
        var state = states[index].flatMap { $0.periodStart == start ? $0 : nil } ?? State(periodStart: start, base: Spending())
        var fresh = false
        if let ledger, state.readAt.map({ date.timeIntervalSince($0) >= refresh }) ?? true {
            fresh = true
            do {
                state.base = try await ledger.spending(provider: budget.provider, from: start,
                                                       to: budget.periodEnd(after: start, calendar: calendar))
                state.delta = Spending()
                state.readAt = date
            } catch {
                logger.error("cannot read spending from the ledger; counting in memory", metadata: ["genesis.error": "\(error)"])
                state.readAt = date
            }
        }
        // Thresholds already alerted in this period stay alerted across reads.
        if let previous = states[index], previous.periodStart == start { state.fired.formUnion(previous.fired) }
        states[index] = state
        return (state, fresh)
    }

    private func evaluate(_ index: Int) -> [BudgetAlert] {
        guard var state = states[index] else { return [] }
        let budget = budgets[index]
        let fraction = budget.usedFraction(state.spent)
        var raised: [BudgetAlert] = []
        for threshold in budget.alerts where fraction >= threshold && !state.fired.contains(threshold) {
            state.fired.insert(threshold)
            raised.append(BudgetAlert(budget: budget, threshold: threshold, spent: state.spent))
        }
        states[index] = state
        // Only the highest newly crossed threshold is worth saying.
        if let top = raised.last {
            logger.warning("\(top.message)")
            continuation.yield(top)
            return [top]
        }
        return []
    }
}
