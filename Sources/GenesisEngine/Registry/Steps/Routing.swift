/// Sends the request down its route: the model asked for, then its fallbacks while the
/// fallback policy allows, each announced (``GenerationEvent/fallback(_:)``) and logged.
struct Routing<Next: ModelStep>: RequestStep {
    let next: Next

    func handle(_ request: GenerationRequest, _ context: inout RequestContext) async throws -> GenerationResult {
        let registry = context.registry
        let route = registry.route(for: request, options: context.options)
        var last: (model: ModelID, error: any GenesisError)?
        for model in route.chain {
            if let last {
                guard registry.fallbacks.fallsBack(on: last.error) else { break }
                context.emit?(.fallback(FallbackNotice(from: last.model, to: model, reason: last.error.description, category: last.error.category)))
                registry.logger.notice("falling back", metadata: ["genesis.from": "\(last.model)", "genesis.to": "\(model)",
                                                                  "genesis.error": "\(last.error.category.rawValue)"])
            }
            switch try await next.handle(model, request, version: route.versions[model], &context) {
            case .served(let result): return result
            case .failed(let error): last = (model, error)
            case .skipped: continue
            }
        }
        throw last?.error ?? ConfigurationError(message: "no model to try for \(request.model)")
    }
}
