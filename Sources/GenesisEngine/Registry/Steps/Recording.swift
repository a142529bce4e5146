/// Starts the attempt (``GenerationEvent/started(model:attempt:)``) and accounts for how it
/// ended: metrics, then the ledger row and budgets. An answer leaves here carrying the failed
/// attempts before it and every content rule that matched, prompt and answer.
struct Recording<Next: CallStep>: AttemptStep {
    let next: Next

    func handle(_ attempt: Attempt, _ context: inout RequestContext) async throws -> GenerationResult {
        let (registry, model, request) = (context.registry, attempt.model, attempt.request)
        context.emit?(.started(model: model, attempt: attempt.number))
        do {
            var result = try await next.handle(attempt)
            result.failedAttempts = context.failures
            result.filterMatches = context.accounting.inputMatches + result.filterMatches
            registry.metrics.recordSuccess(model, result)
            await context.accounting.record(result: result, outcome: .ok, keyID: attempt.context.keyID)
            return result
        } catch {
            let failure = registry.normalize(error, model)
            let usage = context.progress.usage(request), latency = context.start.duration(to: registry.clock.now)
            if failure.category == .cancelled || Task.isCancelled {
                registry.metrics.recordFailure(model, CancellationFailure(provider: model.provider, model: model.model), partialUsage: usage)
                await context.accounting.record(model: model, error: failure, outcome: .cancelled, usage: usage, latency: latency,
                                                keyID: attempt.context.keyID)
                throw CancellationFailure(provider: model.provider, model: model.model)
            }
            registry.metrics.recordFailure(model, failure, partialUsage: usage, cost: usage.flatMap { registry.prices.cost(of: $0, for: model) })
            await context.accounting.record(model: model, error: failure, outcome: .error, usage: usage, latency: latency,
                                            keyID: attempt.context.keyID)
            throw failure
        }
    }
}
