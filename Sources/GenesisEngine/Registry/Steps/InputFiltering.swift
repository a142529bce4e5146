/// Applies the content rules to the prompt: redacts, warns, or refuses the request before
/// anything is sent.
struct InputFiltering<Next: RequestStep>: RequestStep {
    let next: Next

    func handle(_ request: GenerationRequest, _ context: inout RequestContext) async throws -> GenerationResult {
        let registry = context.registry
        let filter = registry.configuration.security.filter
        guard filter.applies(to: .input) else { return try await next.handle(request, &context) }
        let (filtered, matches, blockedBy): (GenerationRequest, [FilterMatch], FilterRule?)
        do { (filtered, matches, blockedBy) = try Self.filter(request, filter) } catch {
            await context.accounting.record(model: request.model, error: error, outcome: .refused)
            throw error
        }
        context.accounting.inputMatches = matches
        for match in matches where match.action != .redact || blockedBy != nil {
            registry.logger.warning("content rule matched the prompt", metadata: ["genesis.rule": "\(match.rule)", "genesis.action": "\(match.action.rawValue)",
                                                                                 "genesis.count": "\(match.count)"])
        }
        if let blockedBy {
            let model = request.model
            let error = ContentBlockedError(provider: model.provider, model: model.model, rule: blockedBy.name, direction: .input)
            await context.accounting.record(model: model, error: error, outcome: .refused)
            throw error
        }
        return try await next.handle(filtered, &context)
    }

    /// The request with input rules applied to its text parts: what matched and whether a rule blocks it.
    static func filter(_ request: GenerationRequest, _ filter: ContentFilter) throws(ContentRuleTooSlowError) -> (GenerationRequest, [FilterMatch], FilterRule?) {
        var request = request
        var matches: [FilterMatch] = []
        var blocked: FilterRule?
        for m in request.messages.indices where request.messages[m].role != .assistant {
            for p in request.messages[m].parts.indices {
                guard case .text(let text) = request.messages[m].parts[p] else { continue }
                let (filtered, found, blockedBy): (String, [FilterMatch], FilterRule?)
                do { (filtered, found, blockedBy) = try filter.apply(text, direction: .input) } catch { throw error.on(request.model) }
                request.messages[m].parts[p] = .text(filtered)
                blocked = blocked ?? blockedBy
                for match in found {
                    if let i = matches.firstIndex(where: { $0.rule == match.rule }) { matches[i].count += match.count } else { matches.append(match) }
                }
            }
        }
        return (request, matches, blocked)
    }
}
