/// Skips a model whose circuit breaker is open (it failed repeatedly and is cooling down).
struct CircuitBreaking<Next: ModelStep>: ModelStep {
    let next: Next

    func handle(_ model: ModelID, _ request: GenerationRequest, version: String?,
                _ context: inout RequestContext) async throws -> ModelOutcome {
        guard context.registry.fallbacks.allowRequest(to: model) else {
            let error = ProviderError(.overloaded, provider: model.provider, model: model.model,
                                      message: "skipped: cooling down after repeated failures (circuit breaker open)")
            context.failures.append(FailedAttempt(model: model, attempt: 0, error: error))
            return .failed(error)
        }
        return try await next.handle(model, request, version: version, &context)
    }
}

/// Tells the circuit breaker how each attempt went. Failures that say nothing about the model
/// (a cancelled request, our own limiter's refusal) leave it as it was.
struct BreakerRecording<Next: CallStep>: CallStep {
    let next: Next

    func handle(_ attempt: Attempt) async throws -> GenerationResult {
        let (registry, model) = (attempt.registry, attempt.model)
        do {
            let result = try await next.handle(attempt)
            registry.fallbacks.recordSuccess(model)
            return result
        } catch {
            let failure = registry.normalize(error, model)
            if failure.category == .cancelled || Task.isCancelled || (failure as? RateLimitError)?.isLocal == true {
                registry.fallbacks.recordAbandoned(model)
            } else {
                registry.fallbacks.recordFailure(model, failure)
            }
            throw failure
        }
    }
}
