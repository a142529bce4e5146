import Foundation
import Logging

/// Keeps the configured budgets: books each request against them before it is sent, refuses
/// those a hard budget has no room for, and alerts when spending crosses a threshold.
///
/// With a ``UsageLedger``, the ledger books: ``admission(for:)`` says which periods to sum and
/// what to refuse, and ``UsageLedger/reserve(_:against:refusal:)`` decides and writes the
/// `pending` row in one step, so budgets hold across runs and across processes sharing one
/// database. For alerts, the ledger is read again at most every `refresh` (and after each
/// settled reservation), with this process's own spending added in between. Without a ledger,
/// ``reserve(_:)`` books in memory, counting from the process's start.
public actor BudgetTracker {
    public nonisolated let budgets: [Budget]
    private nonisolated let ledger: (any UsageLedger)?
    private nonisolated let now: @Sendable () -> Date
    private nonisolated let calendar: Calendar
    private let refresh: TimeInterval
    private let logger: Logger
    private var states: [Int: State] = [:]
    /// Reservations booked in memory (no ledger), by number.
    private var holds: [Int: Hold] = [:]
    private var lastHold = 0
    private let continuation: AsyncStream<BudgetAlert>.Continuation
    /// Every alert, as it happens (also logged as a warning).
    public nonisolated let alerts: AsyncStream<BudgetAlert>

    struct State {
        var periodStart: Date
        var base: Spending
        var readAt: Date?
        /// Rows this process recorded since the ledger was read; without a ledger, everything,
        /// reservations included.
        var delta = Spending()
        var fired: Set<Double> = []
        var spent: Spending { base + delta }
    }

    /// What a reservation held in memory booked, and in which period of each budget.
    struct Hold {
        var booked: Spending
        var periods: [Int: Date]
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

    /// What the ledger needs to book `pending` (a row with outcome `.pending`): the periods of
    /// the hard budgets that cover its provider, and the refusal, if any, given what those
    /// periods hold. No windows when no hard budget covers it.
    public nonisolated func admission(for pending: UsageRecord) -> (windows: [SpendingWindow], refusal: @Sendable ([Spending]) -> BudgetExceededError?) {
        let model = pending.model
        let hard = budgets.filter { $0.hard && $0.applies(to: model.provider) }
        let windows = hard.map { budget in
            let start = budget.periodStart(containing: pending.time, calendar: calendar)
            return SpendingWindow(provider: budget.provider, start: start, end: budget.periodEnd(after: start, calendar: calendar))
        }
        let estimate = Self.estimate(pending)
        return (windows, { used in
            zip(hard, used).lazy.compactMap { budget, used in budget.refusal(of: estimate, after: used, provider: model.provider, model: model.model, isPriced: pending.cost != nil) }.first
        })
    }

    /// Without a ledger: books `pending`'s estimate against every budget that covers it, unless
    /// a hard one has no room for it. Nothing suspends between the check and the booking, so
    /// requests starting at once in this process are booked one after another. Returns the
    /// reservation's number, which ``record(_:settling:)`` releases.
    public func reserve(_ pending: UsageRecord) throws(BudgetExceededError) -> Int {
        let model = pending.model, estimate = Self.estimate(pending)
        let covering = budgets.indices.filter { budgets[$0].applies(to: model.provider) }
        for index in covering {
            if let refusal = budgets[index].refusal(of: estimate, after: self.state(index).spent, provider: model.provider, model: model.model,
                                                    isPriced: pending.cost != nil) {
                throw refusal
            }
        }
        var hold = Hold(booked: pending.spending, periods: [:])
        for index in covering {
            var state = self.state(index)
            state.delta = state.delta + hold.booked
            states[index] = state
            hold.periods[index] = state.periodStart
        }
        lastHold += 1
        holds[lastHold] = hold
        return lastHold
    }

    /// Counts a ledger row against the budgets that cover it, releasing the reservation it
    /// settles, and returns the alerts it set off.
    @discardableResult
    public func record(_ record: UsageRecord, settling reservation: BudgetReservation? = nil) async -> [BudgetAlert] {
        var raised: [BudgetAlert] = []
        var hold: Hold?
        if case .memory(let number) = reservation { hold = holds.removeValue(forKey: number) }
        for (index, budget) in budgets.enumerated() where budget.applies(to: record.model.provider) {
            var state = self.state(index)
            if let hold, hold.periods[index] == state.periodStart {
                state.delta.reservedNanoDollars &-= hold.booked.reservedNanoDollars
                state.delta.reservedTokens &-= hold.booked.reservedTokens
            }
            // The ledger holds the settled row, and what was read before may hold its reservation.
            if case .row = reservation { state.readAt = nil }
            states[index] = state
            // The ledger has the row already (it is written first): a fresh read includes it.
            if await refreshed(index) { raised += evaluate(index); continue }
            // A row from an earlier period (a long request over midnight) counts in the new one.
            if var state = states[index] {
                state.delta = state.delta + record.spending
                states[index] = state
            }
            raised += evaluate(index)
        }
        return raised
    }

    /// Every budget now, with alerts for thresholds already crossed (e.g. at start-up).
    /// Marks the thresholds each budget has already crossed this period as alerted, without
    /// saying them: a command run after another then says only what it crosses itself.
    public func markCrossedAsAlerted() async {
        for (index, budget) in budgets.enumerated() {
            _ = await refreshed(index)
            var state = self.state(index)
            let fraction = budget.usedFraction(state.spent)
            state.fired.formUnion(budget.alerts.filter { fraction >= $0 })
            states[index] = state
        }
    }

    public func status() async -> [BudgetStatus] {
        var result: [BudgetStatus] = []
        for (index, budget) in budgets.enumerated() {
            _ = await refreshed(index)
            let state = self.state(index)
            _ = evaluate(index)
            result.append(BudgetStatus(budget: budget, spent: state.spent, periodStart: state.periodStart,
                                       periodEnd: budget.periodEnd(after: state.periodStart, calendar: calendar),
                                       usedFraction: budget.usedFraction(state.spent)))
        }
        return result
    }

    /// What a pending row's estimate would spend, were it settled at that.
    private static func estimate(_ pending: UsageRecord) -> Spending {
        Spending(nanoDollars: pending.cost.map { Spending.nanos($0.dollars) } ?? 0, tokens: pending.totalTokens)
    }

    /// The budget's state for the current period (a new one when the period has turned).
    private func state(_ index: Int) -> State {
        let start = budgets[index].periodStart(containing: now(), calendar: calendar)
        if let state = states[index], state.periodStart == start { return state }
        let state = State(periodStart: start, base: Spending())
        states[index] = state
        return state
    }

    /// Reads the budget's period from the ledger when there is one and the last read is stale;
    /// says whether it did.
    private func refreshed(_ index: Int) async -> Bool {
        guard let ledger else { return false }
        let budget = budgets[index]
        let date = now()
        let state = self.state(index)
        guard state.readAt.map({ date.timeIntervalSince($0) < refresh }) != true else { return false }
        let start = state.periodStart
        do {
            let spent = try await ledger.spending(provider: budget.provider, from: start, to: budget.periodEnd(after: start, calendar: calendar))
            // Re-check after the await: the period may have turned, and alerts may have fired.
            var current = self.state(index)
            guard current.periodStart == start else { return false }
            current.base = spent
            current.delta = Spending()
            current.readAt = date
            states[index] = current
            return true
        } catch {
            logger.error("cannot read spending from the ledger; counting in memory", metadata: ["genesis.error": "\(error)"])
            var current = self.state(index)
            current.readAt = date
            states[index] = current
            return false
        }
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
            logger.warning("\(top.message)", metadata: [BudgetAlert.logMetadataKey: "\(top.threshold)"])
            continuation.yield(top)
            return [top]
        }
        return []
    }
}

/// What a request booked against the budgets before it was sent: its `pending` ledger row, or
/// without a ledger, an amount held in memory by ``BudgetTracker``.
public enum BudgetReservation: Sendable, Hashable {
    case row(UsageRowID)
    case memory(Int)
}
