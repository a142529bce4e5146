import Synchronization

/// Owns every model's metrics and the live subscriptions of `monitorModel`.
///
/// Each recorded outcome pushes a fresh snapshot to that model's subscribers, so a monitor
/// wakes only when something happened: no polling. Every request records here, so the state
/// sits behind a lock (no executor hop); subscribers get their snapshots under it, so in order.
final class MetricsStore: Sendable {
    private struct State {
        var models: [ModelID: ModelMetrics] = [:]
        var healthChecks: [String: HealthReport] = [:]
        var subscribers: [ModelID: [Int: AsyncStream<MetricsSnapshot>.Continuation]] = [:]
        var nextSubscriber = 0
    }

    private let state = Mutex(State())
    /// Supplies breaker and limiter state for snapshots.
    private let context: @Sendable (ModelID) -> (breakerOpen: Bool, rateLimit: RateLimitStatus)

    init(context: @escaping @Sendable (ModelID) -> (breakerOpen: Bool, rateLimit: RateLimitStatus) = { _ in (false, .unlimited) }) {
        self.context = context
    }

    func recordSuccess(_ model: ModelID, _ result: GenerationResult) {
        // An answer says more than the health check before it (a gateway without a model list,
        // a blip at start-up): the provider's check is forgotten, for all its models.
        record(model, forgettingHealthCheck: true) { $0.recordSuccess(result) }
    }

    func recordFailure(_ model: ModelID, _ error: any GenesisError, partialUsage: Usage? = nil, cost: Cost? = nil) {
        record(model) { $0.recordFailure(error, partialUsage: partialUsage, cost: cost) }
    }

    func recordHealthCheck(provider: String, _ report: HealthReport) {
        let models = state.withLock { state in
            state.healthChecks[provider] = report
            return state.models.keys.filter { $0.provider == provider }
        }
        for model in models { record(model) { $0.lastHealthCheck = report } }
    }

    /// Changes one model's metrics and hands its subscribers the new snapshot, in the order
    /// the changes were made (under the lock, so a later snapshot is never overtaken).
    private func record(_ model: ModelID, forgettingHealthCheck: Bool = false, _ change: (inout ModelMetrics) -> Void) {
        let hasListeners = state.withLock { $0.subscribers[model]?.isEmpty == false }
        // Breaker and limiter state are read first, outside this lock: locks are never nested.
        let context = hasListeners ? self.context(model) : nil
        state.withLock { state in
            if forgettingHealthCheck, state.healthChecks.removeValue(forKey: model.provider) != nil {
                for key in state.models.keys where key.provider == model.provider { state.models[key]?.lastHealthCheck = nil }
            }
            change(&state.models[model, default: ModelMetrics()])
            guard let context, let listeners = state.subscribers[model], !listeners.isEmpty else { return }
            let current = Self.snapshot(model, state, context)
            for continuation in listeners.values { continuation.yield(current) }
        }
    }

    private static func snapshot(_ model: ModelID, _ state: State, _ context: (breakerOpen: Bool, rateLimit: RateLimitStatus)) -> MetricsSnapshot {
        var metrics = state.models[model] ?? ModelMetrics()
        if metrics.lastHealthCheck == nil { metrics.lastHealthCheck = state.healthChecks[model.provider] }
        return metrics.snapshot(model: model, breakerOpen: context.breakerOpen, rateLimit: context.rateLimit)
    }

    func snapshot(_ model: ModelID) -> MetricsSnapshot {
        let context = self.context(model)
        return state.withLock { Self.snapshot(model, $0, context) }
    }

    func providerMetrics(_ provider: String, rateLimit: RateLimitStatus) -> ProviderMetrics {
        let (models, lastCheck) = state.withLock { state in
            (state.models.keys.filter { $0.provider == provider }.sorted { $0.model < $1.model }, state.healthChecks[provider])
        }
        let snapshots = models.map(snapshot)
        let health = snapshots.map(\.health).max() ?? lastCheck?.state ?? .unknown
        return ProviderMetrics(provider: provider, models: snapshots, health: health, rateLimit: rateLimit)
    }

    func subscribe(_ model: ModelID, _ continuation: AsyncStream<MetricsSnapshot>.Continuation) {
        let context = self.context(model)
        let id = state.withLock { state in
            state.nextSubscriber += 1
            state.subscribers[model, default: [:]][state.nextSubscriber] = continuation
            continuation.yield(Self.snapshot(model, state, context)) // first, before any change it registered for
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers[model]?.removeValue(forKey: id) }
        }
    }
}
