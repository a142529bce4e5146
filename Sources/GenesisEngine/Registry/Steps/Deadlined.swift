/// Runs the attempt under the request's deadline (``withDeadline(_:clock:enforcedByOperation:onTimeout:_:)``):
/// inline for a provider that keeps the deadline itself (``AttemptContext/deadline``), under a
/// watchdog for any other.
struct Deadlined<Next: CallStep>: CallStep {
    let next: Next

    func handle(_ attempt: Attempt) async throws -> GenerationResult {
        let (model, timeout) = (attempt.model, attempt.timeout)
        return try await withDeadline(attempt.deadline, clock: attempt.registry.clock, enforcedByOperation: attempt.entry.provider.enforcesDeadline,
                                      onTimeout: {
                                          ProviderError(.timeout, provider: model.provider, model: model.model,
                                                        message: "no complete answer within the request's deadline of \(Int(timeout.seconds)) s (all attempts and fallbacks included)")
                                      }) { try await next.handle(attempt) }
    }
}
