/// Books each attempt against the budgets (and the ledger) before it is sent; a hard budget
/// with no room refuses it, which ends the attempts on this model.
struct Budgeting<Next: AttemptStep>: AttemptStep {
    let next: Next

    func handle(_ attempt: Attempt, _ context: inout RequestContext) async throws -> GenerationResult {
        if context.accounting.isActive {
            do {
                try await context.accounting.reserve(attempt.request, model: attempt.model)
            } catch {
                context.registry.fallbacks.recordAbandoned(attempt.model)
                await context.accounting.record(model: attempt.model, error: error, outcome: .refused)
                context.failures.append(FailedAttempt(model: attempt.model, attempt: 0, error: error))
                throw AttemptRefused(error: error)
            }
        }
        return try await next.handle(attempt, &context)
    }
}
