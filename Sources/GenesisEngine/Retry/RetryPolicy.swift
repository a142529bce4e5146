/// How the engine retries a failed attempt: bounded attempts, exponential backoff with full
/// jitter, and the provider's `Retry-After` honoured when it gives one.
///
/// The engine is the only retry loop; adapters never retry on their own.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per model, the first included (1 means no retry).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Which failures are worth another attempt on the same model.
    public var retryable: Set<ErrorCategory>

    public static let defaultRetryable: Set<ErrorCategory> = [.rateLimit, .overloaded, .server, .network, .timeout, .brokenStream]

    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(20),
                retryable: Set<ErrorCategory> = RetryPolicy.defaultRetryable) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryable = retryable
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether `error` after attempt number `attempt` (1-based) should be retried.
    public func shouldRetry(_ error: any GenesisError, attempt: Int) -> Bool {
        guard attempt < maxAttempts else { return false }
        // The provider's word (a quota, another key, x-should-retry) outranks the category.
        return error.isRetryable ?? retryable.contains(error.category)
    }

    /// The wait before attempt `attempt + 1`: the provider's Retry-After when given (never less),
    /// otherwise a random point in `0...min(maxDelay, baseDelay * 2^(attempt-1))` ("full jitter").
    /// - Parameter unit: a random number in `0..<1`, injected so tests are exact.
    public func delay(after attempt: Int, error: any GenesisError, unit: Double) -> Duration {
        if let limited = error as? RateLimitError, let retryAfter = limited.retryAfter { return retryAfter }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        return ceiling * min(max(unit, 0), 1)
    }
}
