/// Answers a cacheable request from the cache, and keeps the answer of one that missed.
struct Caching<Next: RequestStep>: RequestStep {
    let next: Next

    func handle(_ request: GenerationRequest, _ context: inout RequestContext) async throws -> GenerationResult {
        let registry = context.registry
        let policy = context.options.cachePolicy ?? registry.configuration.cache.policy
        guard registry.isCacheable(request, policy: policy) else { return try await next.handle(request, &context) }
        let key = CacheKey(request)
        if let hit = await registry.cache.get(key) {
            let result = served(hit, context)
            await context.accounting.record(result: result, outcome: .cached, keyID: nil)
            return result
        }
        let result = try await next.handle(request, &context)
        if result.finishReason != .cancelled { await registry.cache.set(key, result) }
        return result
    }

    /// The cached answer as this request's: free, with its own latency, streamed when asked.
    private func served(_ hit: GenerationResult, _ context: RequestContext) -> GenerationResult {
        let registry = context.registry
        var result = hit
        result.isCached = true
        result.failedAttempts = []
        result.latency = context.start.duration(to: registry.clock.now)
        result.timeToFirstToken = context.streaming ? result.latency : nil
        result.cost = hit.cost.map { Cost(dollars: 0, isEstimated: $0.isEstimated) } // a cached answer costs nothing
        if context.streaming, let emit = context.emit {
            emit(.started(model: result.model, attempt: 1))
            if !result.reasoning.isEmpty { emit(.reasoning(result.reasoning)) }
            emit(.text(result.text))
            emit(.usage(result.usage))
            emit(.finish(result.finishReason))
        }
        registry.metrics.recordSuccess(result.model, result)
        return result
    }
}
