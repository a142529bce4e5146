import Foundation
import Synchronization

/// One row of the usage ledger: one request sent to a provider (every attempt of a retry or
/// fallback is its own row), or one answered from the cache, or one refused before sending.
///
/// A request's row is written before it is sent, as `pending` with its estimated usage and cost,
/// and rewritten in place with what it really used when it ends; a row whose process died first
/// stays `pending`, and budgets keep counting its estimate.
///
/// It names the key that was used by its id (e.g. `OPENAI_API_KEY …wxyz`), never the key.
public struct UsageRecord: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        case ok, error, cancelled, cached
        /// Refused before anything was sent (budget, content filter, invalid input).
        case refused
        /// About to be sent, or being answered; tokens and cost are the request's estimate (the
        /// most it is expected to use), which budgets count until the row is settled.
        case pending
    }

    /// Shared by every attempt of one call to the registry.
    public var requestID: UUID
    public var time: Date
    public var model: ModelID
    public var servedVersion: String?
    public var keyID: String?
    public var inputTokens: Int
    public var outputTokens: Int
    public var tokensEstimated: Bool
    /// Dollars; nil when the model has no price (unknown, never $0).
    public var cost: Cost?
    public var latency: Duration
    public var timeToFirstToken: Duration?
    public var outcome: Outcome
    public var errorCategory: ErrorCategory?
    public var status: Int?
    /// What content filters matched, as `rule:direction:action` (never the matched text).
    public var filterMatches: [String]
    /// The conversation the request belongs to, when the caller said.
    public var conversationID: String?

    public init(requestID: UUID, time: Date, model: ModelID, servedVersion: String? = nil, keyID: String? = nil,
                usage: Usage? = nil, cost: Cost? = nil, latency: Duration = .zero, timeToFirstToken: Duration? = nil,
                outcome: Outcome, errorCategory: ErrorCategory? = nil, status: Int? = nil, filterMatches: [String] = [],
                conversationID: String? = nil) {
        self.requestID = requestID
        self.time = time
        self.model = model
        self.servedVersion = servedVersion
        self.keyID = keyID
        self.inputTokens = usage?.inputTokens ?? 0
        self.outputTokens = usage?.outputTokens ?? 0
        self.tokensEstimated = usage?.isEstimated ?? false
        self.cost = cost
        self.latency = latency
        self.timeToFirstToken = timeToFirstToken
        self.outcome = outcome
        self.errorCategory = errorCategory
        self.status = status
        self.filterMatches = filterMatches
        self.conversationID = conversationID
    }

    public var totalTokens: Int { inputTokens + outputTokens }
}

extension UsageRecord {
    /// What the row counts against a budget: its cost and tokens, or, while `pending`, its
    /// estimate as reserved; a cache hit sent nothing and counts nothing.
    public var spending: Spending {
        let nanos = cost.map { Spending.nanos($0.dollars) } ?? 0
        switch outcome {
        case .cached: return Spending()
        case .pending: return Spending(reservedNanoDollars: nanos, reservedTokens: totalTokens)
        default: return Spending(nanoDollars: nanos, tokens: totalTokens)
        }
    }
}

/// Where the registry writes its usage rows and reads what was spent (for budgets). Storage
/// implements it on SQLite; without one, budgets count in memory from the process's start.
public protocol UsageLedger: Sendable {
    /// Records one row. Called on the request path; should return once the row is durable.
    func record(_ record: UsageRecord) async
    /// What was spent from `start` (inclusive) to `end` (exclusive), for one provider or all (nil):
    /// settled rows, and apart from them what `pending` rows reserved. Cache hits count nothing.
    func spending(provider: String?, from start: Date, to end: Date) async throws -> Spending
    /// Writes `pending` (outcome ``UsageRecord/Outcome/pending``) before its request is sent,
    /// unless `refusal` objects to what `windows` hold then (one ``Spending`` each, in order,
    /// `pending` not included). Reading the windows and writing the row are one step no other
    /// writer can come between, in this process or another sharing the ledger: that is what makes
    /// a hard budget hold when many requests start at once.
    ///
    /// Returns the new row's id, or the refusal (nothing is written then). Throws only when the
    /// ledger cannot be read or written.
    func reserve(_ pending: UsageRecord, against windows: [SpendingWindow],
                 refusal: @escaping @Sendable ([Spending]) -> BudgetExceededError?) async throws -> Result<UsageRowID, BudgetExceededError>
    /// Rewrites the row `reserve` wrote with how its request ended.
    func settle(_ id: UsageRowID, as final: UsageRecord) async
}

/// A ledger row, as ``UsageLedger/reserve(_:against:refusal:)`` numbered it.
public struct UsageRowID: Sendable, Hashable {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
}

/// The ledger rows a budget counts: one provider's or everyone's (nil), from `start` (inclusive)
/// to `end` (exclusive).
public struct SpendingWindow: Sendable, Hashable {
    public var provider: String?
    public var start: Date
    public var end: Date

    public init(provider: String?, start: Date, end: Date) {
        self.provider = provider
        self.start = start
        self.end = end
    }

    public func contains(_ record: UsageRecord) -> Bool {
        record.time >= start && record.time < end && (provider == nil || provider == record.model.provider)
    }
}

/// Dollars (exact, in nano-dollars) and tokens spent over a period, and apart from them what
/// requests not yet settled have reserved.
public struct Spending: Sendable, Hashable {
    public var nanoDollars: Int64
    public var tokens: Int
    /// The estimates of `pending` rows: requests in flight, or whose process ended before they did.
    public var reservedNanoDollars: Int64
    public var reservedTokens: Int

    public init(nanoDollars: Int64 = 0, tokens: Int = 0, reservedNanoDollars: Int64 = 0, reservedTokens: Int = 0) {
        self.nanoDollars = nanoDollars
        self.tokens = tokens
        self.reservedNanoDollars = reservedNanoDollars
        self.reservedTokens = reservedTokens
    }

    public var dollars: Double { Double(nanoDollars) / 1e9 }
    public var reservedDollars: Double { Double(reservedNanoDollars) / 1e9 }
    /// Spent and reserved together: what a budget can no longer give out.
    public var usedNanoDollars: Int64 { nanoDollars &+ reservedNanoDollars }
    public var usedTokens: Int { tokens &+ reservedTokens }

    public static func + (a: Spending, b: Spending) -> Spending {
        Spending(nanoDollars: a.nanoDollars &+ b.nanoDollars, tokens: a.tokens &+ b.tokens,
                 reservedNanoDollars: a.reservedNanoDollars &+ b.reservedNanoDollars, reservedTokens: a.reservedTokens &+ b.reservedTokens)
    }

    /// Dollars as nano-dollars, rounded: the ledger sums integers, so totals match rows exactly.
    public static func nanos(_ dollars: Double) -> Int64 {
        guard dollars.isFinite else { return 0 }
        return Int64((dollars * 1e9).rounded().clamped(to: -9e18...9e18))
    }
}
