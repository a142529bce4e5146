import Histogram

/// Running statistics of one model: counts, latency and time-to-first-token distributions (HDR
/// histograms, in microseconds), throughput, tokens and cost, and recent outcomes for health.
struct ModelMetrics: Sendable {
    var requests = 0
    var successes = 0
    var errors: [ErrorCategory: Int] = [:]
    var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    var timeToFirstToken = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// Tokens per second times 100, so two decimals survive the integer histogram.
    var throughput = Histogram<UInt64>(highestTrackableValue: 100_000_000, numberOfSignificantValueDigits: .three)
    var inputTokens = 0
    var outputTokens = 0
    var estimatedUsageCount = 0
    var costDollars = 0.0
    var unpricedRequests = 0
    var cacheHits = 0
    /// The last outcomes, newest last, true for a failure.
    var recentFailures: [Bool] = []
    var lastError: String?
    var lastHealthCheck: HealthReport?

    static let recentWindow = 20

    mutating func recordSuccess(_ result: GenerationResult) {
        requests += 1
        successes += 1
        if result.isCached { cacheHits += 1 }
        _ = latency.record(result.latency.microseconds)
        if let ttft = result.timeToFirstToken { _ = timeToFirstToken.record(ttft.microseconds) }
        if let rate = result.tokensPerSecond { _ = throughput.record(UInt64(rate * 100)) }
        inputTokens += result.usage.inputTokens
        outputTokens += result.usage.outputTokens
        if result.usage.isEstimated { estimatedUsageCount += 1 }
        if let cost = result.cost { costDollars += cost.dollars } else { unpricedRequests += 1 }
        remember(failed: false)
    }

    mutating func recordFailure(_ error: any GenesisError, partialUsage: Usage?, cost: Cost?) {
        requests += 1
        errors[error.category, default: 0] += 1
        if let partialUsage {
            inputTokens += partialUsage.inputTokens
            outputTokens += partialUsage.outputTokens
        }
        if let cost { costDollars += cost.dollars }
        lastError = error.description
        // A cancel or a bad request says nothing about the model's health.
        let local = (error as? RateLimitError)?.isLocal == true
        if !local, ![.cancelled, .invalidRequest, .budgetExceeded, .configuration].contains(error.category) { remember(failed: true) }
    }

    private mutating func remember(failed: Bool) {
        recentFailures.append(failed)
        if recentFailures.count > Self.recentWindow { recentFailures.removeFirst(recentFailures.count - Self.recentWindow) }
    }

    var recentErrorRate: Double? {
        recentFailures.isEmpty ? nil : Double(recentFailures.count { $0 }) / Double(recentFailures.count)
    }

    /// ok under 10% recent failures, degraded under 50%, down at 50% or more or with an open
    /// breaker; a failed health check makes it at least degraded; unknown with no data.
    func health(breakerOpen: Bool) -> HealthState {
        if breakerOpen { return .down }
        var state: HealthState
        if let rate = recentErrorRate {
            state = rate >= 0.5 ? .down : rate >= 0.1 ? .degraded : .ok
        } else {
            state = lastHealthCheck?.state ?? .unknown
        }
        if let check = lastHealthCheck, check.state == .down, state == .ok { state = .degraded }
        return state
    }

    func snapshot(model: ModelID, breakerOpen: Bool, rateLimit: RateLimitStatus) -> MetricsSnapshot {
        func percentiles(_ h: Histogram<UInt64>) -> Percentiles? {
            h.totalCount == 0 ? nil : Percentiles(
                p50: .microseconds(Int64(h.valueAtPercentile(50))), p95: .microseconds(Int64(h.valueAtPercentile(95))),
                p99: .microseconds(Int64(h.valueAtPercentile(99))), max: .microseconds(Int64(h.max)))
        }
        return MetricsSnapshot(
            model: model, requests: requests, successes: successes, errors: errors,
            latency: percentiles(latency), timeToFirstToken: percentiles(timeToFirstToken),
            tokensPerSecondMedian: throughput.totalCount == 0 ? nil : Double(throughput.valueAtPercentile(50)) / 100,
            inputTokens: inputTokens, outputTokens: outputTokens, estimatedUsageCount: estimatedUsageCount,
            costDollars: costDollars, unpricedRequests: unpricedRequests, cacheHits: cacheHits,
            recentErrorRate: recentErrorRate, health: health(breakerOpen: breakerOpen), lastError: lastError,
            rateLimit: rateLimit)
    }
}

/// p50, p95, p99 and max of a distribution.
public struct Percentiles: Sendable, Hashable {
    public var p50: Duration
    public var p95: Duration
    public var p99: Duration
    public var max: Duration
}

/// A model's metrics at one moment: what `providerMetrics` and `monitorModel` hand out.
public struct MetricsSnapshot: Sendable, Hashable {
    public var model: ModelID
    public var requests: Int
    public var successes: Int
    public var errors: [ErrorCategory: Int]
    public var latency: Percentiles?
    public var timeToFirstToken: Percentiles?
    public var tokensPerSecondMedian: Double?
    public var inputTokens: Int
    public var outputTokens: Int
    /// Answers whose usage the engine had to estimate.
    public var estimatedUsageCount: Int
    public var costDollars: Double
    /// Answers from models with no known price: their cost is unknown, not zero.
    public var unpricedRequests: Int
    public var cacheHits: Int
    public var recentErrorRate: Double?
    public var health: HealthState
    public var lastError: String?
    /// Rate-limit headroom of the model's provider.
    public var rateLimit: RateLimitStatus

    public var errorCount: Int { errors.values.reduce(0, +) }
}

/// A provider's metrics: every model it served, and the totals.
public struct ProviderMetrics: Sendable, Hashable {
    public var provider: String
    public var models: [MetricsSnapshot]
    public var health: HealthState
    public var rateLimit: RateLimitStatus

    public var requests: Int { models.reduce(0) { $0 + $1.requests } }
    public var errorCount: Int { models.reduce(0) { $0 + $1.errorCount } }
    public var inputTokens: Int { models.reduce(0) { $0 + $1.inputTokens } }
    public var outputTokens: Int { models.reduce(0) { $0 + $1.outputTokens } }
    public var costDollars: Double { models.reduce(0) { $0 + $1.costDollars } }
}
