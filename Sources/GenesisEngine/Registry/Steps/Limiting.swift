/// Waits for the rate limiters (what was learned about the model first, then the provider's
/// configured limit), at most until the deadline or the provider's `max_queue_wait`; settles
/// the tokens booked against what the attempt used, and learns from a provider's 429.
struct Limiting<Next: CallStep>: CallStep {
    let next: Next

    func handle(_ attempt: Attempt) async throws -> GenerationResult {
        let (registry, entry, model) = (attempt.registry, attempt.entry, attempt.model)
        let estimate = TokenEstimator.estimate(attempt.request).totalTokens.clamped(to: 0...Int(Int32.max))
        let remaining = registry.clock.now.duration(to: attempt.deadline)
        let maxWait = min(entry.maxQueueWait ?? remaining, remaining)
        let modelLimiter = entry.learned.existing(attempt.served)
        let modelReservation = try await modelLimiter?.acquire(estimatedTokens: estimate, maxWait: maxWait, model: model.model)
        let reservation: RateLimiter.Reservation
        do {
            reservation = try await entry.limiter.acquire(estimatedTokens: estimate, maxWait: maxWait, model: model.model)
        } catch {
            if let modelLimiter, let modelReservation { modelLimiter.reconcile(modelReservation, actualTokens: 0) }
            throw error
        }
        func reconcile(_ tokens: Int) {
            entry.limiter.reconcile(reservation, actualTokens: tokens)
            if let modelLimiter, let modelReservation { modelLimiter.reconcile(modelReservation, actualTokens: tokens) }
        }
        do {
            var result = try await next.handle(attempt)
            reconcile(result.usage.totalTokens)
            result.queueWait = reservation.waited
            return result
        } catch {
            reconcile(attempt.progress.usage(attempt.request)?.totalTokens ?? 0)
            if let limited = error as? RateLimitError, !limited.isLocal {
                var snapshot = limited.snapshot ?? RateLimitSnapshot()
                snapshot.retryAfter = limited.retryAfter ?? snapshot.retryAfter
                entry.learned.learn(snapshot, model: attempt.served)
            }
            throw error
        }
    }
}
