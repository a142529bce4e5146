import Clocks
import Synchronization

/// Fallback chains between models and a circuit breaker per model.
///
/// `addFallback(primary:fallback:)` appends to the primary's chain; a fallback's own fallbacks
/// follow it, without repeats. Which failures move on to the next model is ``policy``; a model
/// whose breaker is open is skipped until it half-opens and is probed back.
///
/// Every request asks it several things, so its state sits behind a lock rather than in an
/// actor: a call is a few hundred nanoseconds on the caller's thread, never a hop between
/// executors (which cost the request path microseconds each).
public final class FallbackManager: Sendable {
    public static let defaultPolicy: Set<ErrorCategory> = [.rateLimit, .overloaded, .server, .timeout, .network, .contextTooLong, .brokenStream]

    private struct State {
        var policy: Set<ErrorCategory>
        var chains: [ModelID: [ModelID]] = [:]
        var breakers: [ModelID: CircuitBreaker] = [:]
    }

    private let state: Mutex<State>
    private let settings: CircuitBreaker.Settings
    private let clock: AnyClock<Duration>
    private let origin: AnyClock<Duration>.Instant

    public init(policy: Set<ErrorCategory> = FallbackManager.defaultPolicy,
                breaker settings: CircuitBreaker.Settings = .init(),
                rules: [FallbackRule] = [],
                clock: AnyClock<Duration> = AnyClock(ContinuousClock())) {
        var initial = State(policy: policy)
        for rule in rules where rule.primary != rule.fallback {
            if !initial.chains[rule.primary, default: []].contains(rule.fallback) { initial.chains[rule.primary, default: []].append(rule.fallback) }
        }
        state = Mutex(initial)
        self.settings = settings
        self.clock = clock
        origin = clock.now
    }

    /// Failures that hand the request to the next model in the chain.
    public var policy: Set<ErrorCategory> { state.withLock { $0.policy } }

    public func addFallback(primary: ModelID, fallback: ModelID) {
        guard primary != fallback else { return }
        state.withLock { state in
            if !state.chains[primary, default: []].contains(fallback) { state.chains[primary, default: []].append(fallback) }
        }
    }

    public func removeFallbacks(for primary: ModelID) {
        state.withLock { $0.chains[primary] = nil }
    }

    public func setPolicy(_ categories: Set<ErrorCategory>) {
        state.withLock { $0.policy = categories }
    }

    /// The models to try for `primary`, in order: itself, its fallbacks, their fallbacks.
    public func chain(for primary: ModelID) -> [ModelID] {
        state.withLock { state in
            var result = [primary], index = 0
            while index < result.count {
                for next in state.chains[result[index]] ?? [] where !result.contains(next) { result.append(next) }
                index += 1
            }
            return result
        }
    }

    /// Whether a failure of this kind hands over to the next model.
    public func fallsBack(on error: any GenesisError) -> Bool {
        policy.contains(error.category)
    }

    /// Asks the model's breaker to let a request through now (a probe when half-open).
    public func allowRequest(to model: ModelID) -> Bool {
        let now = elapsed
        return state.withLock { [settings] in $0.breakers[model, default: CircuitBreaker(settings: settings)].allowRequest(at: now) }
    }

    public func recordSuccess(_ model: ModelID) {
        let now = elapsed
        state.withLock { [settings] in $0.breakers[model, default: CircuitBreaker(settings: settings)].recordSuccess(at: now) }
    }

    /// Counts a failure against the model's breaker when it says something about the model's
    /// health (not a bad request, a missing key or a cancel).
    public func recordFailure(_ model: ModelID, _ error: any GenesisError) {
        let healthFailures: Set<ErrorCategory> = [.rateLimit, .overloaded, .server, .timeout, .network, .brokenStream]
        let now = elapsed
        state.withLock { [settings] state in
            if healthFailures.contains(error.category) {
                state.breakers[model, default: CircuitBreaker(settings: settings)].recordFailure(at: now)
            } else {
                state.breakers[model]?.recordAbandoned()
            }
        }
    }

    public func recordAbandoned(_ model: ModelID) {
        state.withLock { _ = $0.breakers[model]?.recordAbandoned() }
    }

    /// The breaker's state for display: closed, open (cooling down) or half-open (probing).
    public func breakerState(_ model: ModelID) -> CircuitBreaker.State {
        state.withLock { $0.breakers[model]?.state ?? .closed }
    }

    public func isCoolingDown(_ model: ModelID) -> Bool {
        let now = elapsed
        return state.withLock { state in
            guard let breaker = state.breakers[model] else { return false }
            return !breaker.wouldAllow(at: now)
        }
    }

    private var elapsed: Duration { origin.duration(to: clock.now) }
}
