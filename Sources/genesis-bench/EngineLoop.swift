import GenesisEngine

/// The in-memory engine path, one request after another off the main actor, for profiling.
enum EngineLoop {
    /// Mean microseconds per request over `seconds`.
    static func run(seconds: Double) async throws -> Double {
        var configuration = GenesisConfiguration()
        configuration.cache.policy = .never
        configuration.fallbacks = []
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "bench", provider: Enforcing(base: InstantProvider(tokens: 1)))
        let request = GenerationRequest(model: ModelID(provider: "bench", model: "instant"), prompt: "hello", parameters: .init(maxTokens: 16))
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        while (clock.now - start).seconds < seconds {
            for _ in 0..<1000 { _ = try await registry.generate(request) }
            count += 1000
        }
        return (clock.now - start).seconds * 1e6 / Double(count)
    }
}

/// The instant provider, claiming to keep the deadline itself as the HTTP adapters do, so the
/// loop measures the path those take (no watchdog task).
private struct Enforcing: Provider {
    let base: InstantProvider
    var name: String { base.name }
    var enforcesDeadline: Bool { true }
    func listModels() async throws -> [ModelInfo] { try await base.listModels() }
    func generate(_ request: ProviderRequest) async throws -> ProviderResponse { try await base.generate(request) }
    func stream(_ request: ProviderRequest) async throws -> ProviderStream { try await base.stream(request) }
}
