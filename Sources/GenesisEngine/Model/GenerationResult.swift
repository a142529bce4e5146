import Foundation

/// A finished answer with everything needed to account for it.
public struct GenerationResult: Sendable, Hashable {
    /// The model that actually served the answer (after fallbacks).
    public var model: ModelID
    /// The provider's own id of the version that served it, when known (e.g. `gpt-4-0613`).
    public var servedVersion: String?
    public var text: String
    /// The model's reasoning (or the provider's summary of it); empty when there was none.
    public var reasoning = ""
    /// How long the model reasoned: from its first reasoning to its first answer text (or the end).
    public var reasoningTime: Duration?
    /// What was changed in the request so that the model took it (see ``GenerationEvent/notice(_:)``).
    public var notices: [String] = []
    public var finishReason: FinishReason
    /// The provider's own word for why it stopped, when it gave one.
    public var rawFinishReason: String?
    public var usage: Usage
    /// Dollars, from the provider's usage and the price table; nil when the model has no price.
    public var cost: Cost?
    /// From the request's start (first attempt) to the last byte.
    public var latency: Duration
    /// How long the attempt that served the answer waited for the rate limiter (part of `latency`).
    public var queueWait: Duration = .zero
    /// Time to first token of the attempt that served the answer; nil for non-streamed answers.
    public var timeToFirstToken: Duration?
    /// Attempts that failed before this answer, in order: retries and fallbacks.
    public var failedAttempts: [FailedAttempt]
    /// Whether the answer came from the cache rather than a provider.
    public var isCached: Bool
    /// Whether a simulated provider produced it.
    public var isSimulated: Bool
    /// What content rules matched in the prompt and the answer (counts, never the text).
    public var filterMatches: [FilterMatch] = []
    /// When JSON output was asked for: nil if the answer parses, otherwise why not.
    public var jsonProblem: String?

    public init(model: ModelID, servedVersion: String? = nil, text: String, finishReason: FinishReason,
                usage: Usage, cost: Cost?, latency: Duration, timeToFirstToken: Duration? = nil,
                failedAttempts: [FailedAttempt] = [], isCached: Bool = false, isSimulated: Bool = false) {
        self.model = model
        self.servedVersion = servedVersion
        self.text = text
        self.finishReason = finishReason
        self.rawFinishReason = nil
        self.usage = usage
        self.cost = cost
        self.latency = latency
        self.timeToFirstToken = timeToFirstToken
        self.failedAttempts = failedAttempts
        self.isCached = isCached
        self.isSimulated = isSimulated
    }

    /// Output tokens per second of generation (after the first token when it is known). Output
    /// tokens include the reasoning's, so a model that reasoned first is timed from its first
    /// reasoning, not from its first answer text.
    public var tokensPerSecond: Double? {
        var generating = latency - (timeToFirstToken ?? .zero)
        if let reasoningTime, timeToFirstToken != nil { generating += reasoningTime }
        let seconds = generating.seconds
        guard usage.outputTokens > 0, seconds > 0 else { return nil }
        return Double(usage.outputTokens) / seconds
    }
}

/// An attempt that failed on the way to an answer.
public struct FailedAttempt: Sendable, Hashable {
    public var model: ModelID
    public var attempt: Int
    public var category: ErrorCategory
    public var status: Int?
    public var message: String

    public init(model: ModelID, attempt: Int, error: any GenesisError) {
        self.model = model
        self.attempt = attempt
        self.category = error.category
        self.status = error.status
        self.message = error.description
    }
}

/// A price in US dollars, marked when computed from estimated usage.
public struct Cost: Sendable, Hashable, Codable {
    public var dollars: Double
    public var isEstimated: Bool

    public init(dollars: Double, isEstimated: Bool = false) {
        self.dollars = dollars
        self.isEstimated = isEstimated
    }

    /// Dollars with enough decimals that small costs are visible: `$0`, `$0.000123`, `$1.2345`.
    public static func format(_ dollars: Double) -> String {
        dollars == 0 ? "$0" : "$" + DecimalText.fixed(dollars, places: dollars < 0.01 ? 6 : 4)
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }

    /// The duration in whole milliseconds, rounded.
    public var milliseconds: Int { Int((seconds * 1000).rounded()) }

    /// The duration in whole microseconds, rounded down, never negative.
    public var microseconds: UInt64 { UInt64(max(0, seconds * 1e6)) }
}
