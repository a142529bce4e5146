import Clocks
import Synchronization

/// Rate limits learned from a provider's answers, one limiter per model: OpenAI, Anthropic and
/// Gemini enforce their limits per model, and the headers (and a 429's Retry-After) describe the
/// model that was called, not the provider's other models (PROTOCOLS 9.6). A model's limiter
/// exists once something was learned about it; until then its requests only meet the
/// provider's configured limits.
final class ModelLimiters: Sendable {
    let provider: String
    private let clock: AnyClock<Duration>
    private let limiters = Mutex<[String: RateLimiter]>([:])

    init(provider: String, clock: AnyClock<Duration>) {
        self.provider = provider
        self.clock = clock
    }

    /// The model's limiter, if anything was learned about it.
    func existing(_ model: String) -> RateLimiter? {
        limiters.withLock { $0[model] }
    }

    /// Every model's learned limits.
    var all: [RateLimiter] { limiters.withLock { Array($0.values) } }

    /// What the provider said about `model`'s limits.
    func learn(_ snapshot: RateLimitSnapshot, model: String) {
        let limiter = limiters.withLock { limiters in
            if let limiter = limiters[model] { return limiter }
            let limiter = RateLimiter(provider: provider, requestsPerMinute: nil, tokensPerMinute: nil, clock: clock)
            limiters[model] = limiter
            return limiter
        }
        limiter.learn(from: snapshot)
    }
}

extension RateLimitStatus {
    /// Whichever of two limits holds a request back longer; the one with limits when only one has.
    func binding(_ other: RateLimitStatus) -> RateLimitStatus {
        if other.nextStartIn != nextStartIn { return other.nextStartIn > nextStartIn ? other : self }
        let limited = requestsPerMinute != nil || tokensPerMinute != nil
        return limited ? self : other
    }
}
