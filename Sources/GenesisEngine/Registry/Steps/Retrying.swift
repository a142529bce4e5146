/// Makes attempts on one model until one answers, retrying failures the retry policy allows
/// while the request's deadline leaves room for the backoff. Never retries once output was
/// shown: the caller keeps the partial text.
struct Retrying<Next: AttemptStep>: ModelStep {
    let next: Next

    func handle(_ model: ModelID, _ request: GenerationRequest, version: String?,
                _ context: inout RequestContext) async throws -> ModelOutcome {
        let registry = context.registry
        let entry: ProviderEntry
        do {
            entry = try await registry.entry(for: model.provider)
        } catch {
            registry.fallbacks.recordAbandoned(model)
            let failure = registry.normalize(error, model)
            if model == request.model { throw failure }
            // An unusable fallback (unknown provider, no key) is skipped; the failure that
            // led here stays the one that decides what happens next.
            context.failures.append(FailedAttempt(model: model, attempt: 0, error: failure))
            return .skipped
        }
        var retry = registry.configuration.retry
        if let attempts = context.options.maxAttempts { retry.maxAttempts = max(1, attempts) }
        let clock = registry.clock
        var number = 1
        while true {
            let attempt = Attempt(number, on: model, entry: entry, version: version, request: request, context)
            do {
                return .served(try await next.handle(attempt, &context))
            } catch let refusal as AttemptRefused {
                return .failed(refusal.error)
            } catch {
                let failure = registry.normalize(error, model)
                if failure.category == .cancelled { throw error }
                context.failures.append(FailedAttempt(model: model, attempt: number, error: failure))
                registry.logger.warning("attempt failed", metadata: ["genesis.model": "\(model)", "genesis.attempt": "\(number)",
                                                                     "genesis.error": "\(failure.category.rawValue)", "genesis.status": "\(failure.status ?? 0)"])
                // Text was shown: never restart silently; the caller keeps the partial text.
                if context.progress.hasOutput { throw failure }
                if clock.now >= context.deadline { throw failure }
                if retry.shouldRetry(failure, attempt: number) {
                    let delay = retry.delay(after: number, error: failure, unit: registry.random())
                    if clock.now.advanced(by: delay) < context.deadline {
                        context.emit?(.retry(RetryNotice(model: model, attempt: number, delay: delay, reason: failure.description)))
                        do { try await clock.sleep(for: delay) } catch { throw CancellationFailure(provider: model.provider, model: model.model) }
                        if registry.fallbacks.allowRequest(to: model) {
                            number += 1
                            continue
                        }
                    }
                }
                return .failed(failure)
            }
        }
    }
}

/// An attempt refused before it was sent (a hard budget with no room): the model is done, and
/// the refusal goes to the fallback policy without a retry.
struct AttemptRefused: Error {
    let error: any GenesisError
}
