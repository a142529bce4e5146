import Foundation

/// Writes one call's ledger rows and counts them against the budgets; free when there is
/// neither a ledger nor a budget.
///
/// Each attempt is booked before it is sent (``reserve(_:model:)``: a `pending` row, or a hold in
/// memory without a ledger), and the next row recorded settles that booking in place.
struct Accounting: Sendable {
    let registry: ModelRegistry
    let requestID: UUID
    let options: RequestOptions
    var inputMatches: [FilterMatch] = []
    let hasBudgets: Bool
    let isActive: Bool
    /// The attempt's booking, settled by the next row recorded.
    private var reservation: BudgetReservation?

    init(registry: ModelRegistry, requestID: UUID, options: RequestOptions) {
        self.registry = registry
        self.requestID = requestID
        self.options = options
        hasBudgets = !registry.budgets.budgets.isEmpty
        isActive = hasBudgets || registry.ledger != nil
    }

    /// Books an attempt on `model` at its estimate (prompt, and an answer of its max tokens)
    /// before it is sent, or throws the refusal of a hard budget with no room for it. With a
    /// ledger, the booking is a `pending` row written in the same step as the check, so a request
    /// whose process dies still counts; a ledger that cannot be written is logged and the
    /// attempt goes unbooked (accounting never fails an answer).
    mutating func reserve(_ request: GenerationRequest, model: ModelID) async throws(BudgetExceededError) {
        try await reserve(estimate: TokenEstimator.estimate(request), model: model)
    }

    /// Books an attempt whose tokens are estimated as `usage` (an embedding request's texts).
    mutating func reserve(estimate usage: Usage, model: ModelID) async throws(BudgetExceededError) {
        let pending = UsageRecord(requestID: requestID, time: registry.now(), model: model, usage: usage,
                                  cost: registry.prices.cost(of: usage, for: model), outcome: .pending,
                                  filterMatches: inputMatches.map(\.summary), conversationID: options.conversationID)
        if let ledger = registry.ledger {
            let (windows, refusal) = registry.budgets.admission(for: pending)
            let booked: Result<UsageRowID, BudgetExceededError>
            do {
                booked = try await ledger.reserve(pending, against: windows, refusal: refusal)
            } catch {
                registry.logger.error("cannot book the request in the usage ledger; it is sent unbooked",
                                      metadata: ["genesis.error": "\(error)", "genesis.model": "\(model)"])
                return
            }
            reservation = .row(try booked.get())
        } else if hasBudgets {
            reservation = .memory(try await registry.budgets.reserve(pending))
        }
    }

    mutating func record(result: GenerationResult, outcome: UsageRecord.Outcome, keyID: String?) async {
        guard isActive else { return }
        await write(UsageRecord(requestID: requestID, time: registry.now(), model: result.model, servedVersion: result.servedVersion,
                                keyID: keyID, usage: result.usage, cost: result.cost, latency: result.latency,
                                timeToFirstToken: result.timeToFirstToken, outcome: outcome,
                                filterMatches: result.filterMatches.map(\.summary), conversationID: options.conversationID))
    }

    /// An embedding request answered: the tokens it read (or their estimate), priced.
    mutating func record(model: ModelID, usage: Usage, latency: Duration) async {
        guard isActive else { return }
        await write(UsageRecord(requestID: requestID, time: registry.now(), model: model, usage: usage,
                                cost: registry.prices.cost(of: usage, for: model), latency: latency, outcome: .ok,
                                conversationID: options.conversationID))
    }

    mutating func record(model: ModelID, error: any GenesisError, outcome: UsageRecord.Outcome, usage: Usage? = nil,
                         latency: Duration = .zero, keyID: String? = nil) async {
        guard isActive else { return }
        await write(UsageRecord(requestID: requestID, time: registry.now(), model: model, keyID: keyID, usage: usage,
                                cost: usage.flatMap { registry.prices.cost(of: $0, for: model) }, latency: latency,
                                outcome: outcome, errorCategory: error.category, status: error.status,
                                filterMatches: matches(for: error), conversationID: options.conversationID))
    }

    private func matches(for error: any GenesisError) -> [String] {
        var found = inputMatches.map(\.summary)
        if let blocked = error as? ContentBlockedError, blocked.direction == .output {
            found.append(FilterMatch(rule: blocked.rule, direction: .output, action: .block, count: 1).summary)
        }
        return found
    }

    /// Writes `row`, in place of the attempt's `pending` row when it has one.
    private mutating func write(_ row: UsageRecord) async {
        let settled = reservation
        reservation = nil
        if case .row(let id) = settled {
            await registry.ledger?.settle(id, as: row)
        } else {
            await registry.ledger?.record(row)
        }
        if hasBudgets { await registry.budgets.record(row, settling: settled) }
    }
}
