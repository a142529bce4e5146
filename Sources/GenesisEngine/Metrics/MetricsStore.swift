/// Owns every model's metrics and the live subscriptions of `monitorModel`.
///
/// Each recorded outcome pushes a fresh snapshot to that model's subscribers, so a monitor
/// wakes only when something happened: no polling.
actor MetricsStore {
    private var models: [ModelID: ModelMetrics] = [:]
    private var healthChecks: [String: HealthReport] = [:]
    private var subscribers: [ModelID: [Int: AsyncStream<MetricsSnapshot>.Continuation]] = [:]
    private var nextSubscriber = 0
    /// Supplies breaker and limiter state for snapshots.
    private let context: @Sendable (ModelID) async -> (breakerOpen: Bool, rateLimit: RateLimitStatus)

    init(context: @escaping @Sendable (ModelID) async -> (breakerOpen: Bool, rateLimit: RateLimitStatus) = { _ in (false, .unlimited) }) {
        self.context = context
    }

    func recordSuccess(_ model: ModelID, _ result: GenerationResult) async {
        models[model, default: ModelMetrics()].recordSuccess(result)
        await publish(model)
    }

    func recordFailure(_ model: ModelID, _ error: any GenesisError, partialUsage: Usage? = nil, cost: Cost? = nil) async {
        models[model, default: ModelMetrics()].recordFailure(error, partialUsage: partialUsage, cost: cost)
        await publish(model)
    }

    func recordHealthCheck(provider: String, _ report: HealthReport) async {
        healthChecks[provider] = report
        for model in models.keys where model.provider == provider {
            models[model]?.lastHealthCheck = report
            await publish(model)
        }
    }

    func snapshot(_ model: ModelID) async -> MetricsSnapshot {
        let (breakerOpen, rateLimit) = await context(model)
        var metrics = models[model] ?? ModelMetrics()
        if metrics.lastHealthCheck == nil { metrics.lastHealthCheck = healthChecks[model.provider] }
        return metrics.snapshot(model: model, breakerOpen: breakerOpen, rateLimit: rateLimit)
    }

    func providerMetrics(_ provider: String, rateLimit: RateLimitStatus) async -> ProviderMetrics {
        var snapshots: [MetricsSnapshot] = []
        for model in models.keys.filter({ $0.provider == provider }).sorted(by: { $0.model < $1.model }) {
            snapshots.append(await snapshot(model))
        }
        let health = snapshots.map(\.health).max() ?? healthChecks[provider]?.state ?? .unknown
        return ProviderMetrics(provider: provider, models: snapshots, health: health, rateLimit: rateLimit)
    }

    func subscribe(_ model: ModelID, _ continuation: AsyncStream<MetricsSnapshot>.Continuation) async {
        nextSubscriber += 1
        let id = nextSubscriber
        subscribers[model, default: [:]][id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(model, id) }
        }
        continuation.yield(await snapshot(model))
    }

    private func unsubscribe(_ model: ModelID, _ id: Int) {
        subscribers[model]?[id] = nil
    }

    private func publish(_ model: ModelID) async {
        guard let listeners = subscribers[model], !listeners.isEmpty else { return }
        let current = await snapshot(model)
        for continuation in listeners.values { continuation.yield(current) }
    }
}
