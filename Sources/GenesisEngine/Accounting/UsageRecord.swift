import Foundation
import Synchronization

/// One row of the usage ledger: one request sent to a provider (every attempt of a retry or
/// fallback is its own row), or one answered from the cache, or one refused before sending.
///
/// It names the key that was used by its id (e.g. `OPENAI_API_KEY …wxyz`), never the key.
public struct UsageRecord: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        case ok, error, cancelled, cached
        /// Refused before anything was sent (budget, content filter, invalid input).
        case refused
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

/// Where the registry writes its usage rows and reads what was spent (for budgets). Storage
/// implements it on SQLite; without one, budgets count in memory from the process's start.
public protocol UsageLedger: Sendable {
    /// Records one row. Called on the request path; should return once the row is durable.
    func record(_ record: UsageRecord) async
    /// What was spent from `start` (inclusive) to `end` (exclusive), for one provider or all (nil).
    func spending(provider: String?, from start: Date, to end: Date) async throws -> Spending
}

/// Dollars (exact, in nano-dollars) and tokens spent over a period.
public struct Spending: Sendable, Hashable {
    public var nanoDollars: Int64
    public var tokens: Int

    public init(nanoDollars: Int64 = 0, tokens: Int = 0) {
        self.nanoDollars = nanoDollars
        self.tokens = tokens
    }

    public var dollars: Double { Double(nanoDollars) / 1e9 }

    /// Dollars as nano-dollars, rounded: the ledger sums integers, so totals match rows exactly.
    public static func nanos(_ dollars: Double) -> Int64 {
        guard dollars.isFinite else { return 0 }
        return Int64((dollars * 1e9).rounded().clamped(to: -9e18...9e18))
    }
}

/// One attempt's context shared with the provider: the deadline it must keep, and what only the
/// provider knows, for the ledger: which key it used.
///
/// The registry sets a report as a task-local around each attempt; adapters read the deadline
/// and note the key id in it (``AttemptReport/noteKey(_:)``), which reaches tasks they start
/// for streaming.
public final class AttemptReport: Sendable {
    @TaskLocal public static var current: AttemptReport?
    private let key = Mutex<String?>(nil)
    /// When the request's time is up, all retries and fallbacks included. Providers that
    /// ``Provider/enforcesDeadline`` stop by it.
    public let deadline: ContinuousClock.Instant?
    /// How often a streamed answer may be read once its text flows (``RequestOptions/readPacing``);
    /// nil reads every packet as it comes.
    public let readPacing: Duration?

    public init(deadline: ContinuousClock.Instant? = nil, readPacing: Duration? = nil) {
        self.deadline = deadline
        self.readPacing = readPacing
    }

    public static func noteKey(_ id: String) { current?.key.withLock { $0 = id } }
    public var keyID: String? { key.withLock { $0 } }

    private let executor = Mutex<(any TaskExecutor)?>(nil)
    /// A provider whose stream is read on a thread of its own (an HTTP adapter: the connection's
    /// event loop) names it here; the engine then consumes that stream with the executor
    /// preferred, so each chunk is handled on the thread that read it (no hand-over per chunk).
    /// Whatever runs there must never block.
    public static func noteStreamExecutor(_ executor: (any TaskExecutor)?) { current?.executor.withLock { $0 = executor } }
    public var streamExecutor: (any TaskExecutor)? { executor.withLock { $0 } }
}
