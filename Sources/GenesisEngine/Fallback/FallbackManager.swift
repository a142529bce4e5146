import Clocks

/// Fallback chains between models and a circuit breaker per model.
///
/// `addFallback(primary:fallback:)` appends to the primary's chain; a fallback's own fallbacks
/// follow it, without repeats. Which failures move on to the next model is ``policy``; a model
/// whose breaker is open is skipped until it half-opens and is probed back.
public actor FallbackManager {
    /// Failures that hand the request to the next model in the chain.
    public var policy: Set<ErrorCategory>
    public static let defaultPolicy: Set<ErrorCategory> = [.rateLimit, .overloaded, .server, .timeout, .network, .contextTooLong, .brokenStream]

    private var chains: [ModelID: [ModelID]] = [:]
    private var breakers: [ModelID: CircuitBreaker] = [:]
    private let settings: CircuitBreaker.Settings
    private let clock: AnyClock<Duration>
    private let origin: AnyClock<Duration>.Instant

    public init(policy: Set<ErrorCategory> = FallbackManager.defaultPolicy,
                breaker settings: CircuitBreaker.Settings = .init(),
                rules: [FallbackRule] = [],
                clock: AnyClock<Duration> = AnyClock(ContinuousClock())) {
        self.policy = policy
        self.settings = settings
        self.clock = clock
        origin = clock.now
        for rule in rules where rule.primary != rule.fallback {
            if !chains[rule.primary, default: []].contains(rule.fallback) { chains[rule.primary, default: []].append(rule.fallback) }
        }
    }

    public func addFallback(primary: ModelID, fallback: ModelID) {
        guard primary != fallback else { return }
        var chain = chains[primary, default: []]
        if !chain.contains(fallback) { chain.append(fallback) }
        chains[primary] = chain
    }

    public func removeFallbacks(for primary: ModelID) {
        chains[primary] = nil
    }

    public func setPolicy(_ categories: Set<ErrorCategory>) {
        policy = categories
    }

    /// The models to try for `primary`, in order: itself, its fallbacks, their fallbacks.
    public func chain(for primary: ModelID) -> [ModelID] {
        var result = [primary], index = 0
        while index < result.count {
            for next in chains[result[index]] ?? [] where !result.contains(next) { result.append(next) }
            index += 1
        }
        return result
    }

    /// Whether a failure of this kind hands over to the next model.
    public func fallsBack(on error: any GenesisError) -> Bool {
        policy.contains(error.category)
    }

    /// Asks the model's breaker to let a request through now (a probe when half-open).
    public func allowRequest(to model: ModelID) -> Bool {
        breakers[model, default: CircuitBreaker(settings: settings)].allowRequest(at: elapsed)
    }

    public func recordSuccess(_ model: ModelID) {
        breakers[model, default: CircuitBreaker(settings: settings)].recordSuccess(at: elapsed)
    }

    /// Counts a failure against the model's breaker when it says something about the model's
    /// health (not a bad request, a missing key or a cancel).
    public func recordFailure(_ model: ModelID, _ error: any GenesisError) {
        let healthFailures: Set<ErrorCategory> = [.rateLimit, .overloaded, .server, .timeout, .network, .brokenStream]
        if healthFailures.contains(error.category) {
            breakers[model, default: CircuitBreaker(settings: settings)].recordFailure(at: elapsed)
        } else {
            breakers[model]?.recordAbandoned()
        }
    }

    public func recordAbandoned(_ model: ModelID) {
        breakers[model]?.recordAbandoned()
    }

    /// The breaker's state for display: closed, open (cooling down) or half-open (probing).
    public func breakerState(_ model: ModelID) -> CircuitBreaker.State {
        breakers[model]?.state ?? .closed
    }

    public func isCoolingDown(_ model: ModelID) -> Bool {
        guard let breaker = breakers[model] else { return false }
        return !breaker.wouldAllow(at: elapsed)
    }

    private var elapsed: Duration { origin.duration(to: clock.now) }
}
