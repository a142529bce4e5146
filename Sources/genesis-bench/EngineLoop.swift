import Foundation
import GenesisEngine

/// The in-memory engine path, one request after another off the main actor, for profiling.
enum EngineLoop {
    /// A registry with one instant provider (no cache, no fallbacks), and a request for it.
    static func registry() async throws -> (ModelRegistry, GenerationRequest) {
        var configuration = GenesisConfiguration()
        configuration.cache.policy = .never
        configuration.fallbacks = []
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "bench", provider: Enforcing(base: InstantProvider(tokens: 1)))
        return (registry, GenerationRequest(model: ModelID(provider: "bench", model: "instant"), prompt: "hello", parameters: .init(maxTokens: 16)))
    }

    /// Mean microseconds per request over `seconds`.
    static func run(seconds: Double) async throws -> Double {
        let (registry, request) = try await registry()
        let clock = ContinuousClock()
        if let megabytes = ProcessInfo.processInfo.environment["GENESIS_BENCH_THRASH_MB"].flatMap(Int.init) {
            // Caches cold before each request, as they are after a network round trip.
            var buffer = [UInt8](repeating: 1, count: megabytes << 20)
            var total = Duration.zero, count = 0, sink = 0
            while total.seconds < seconds {
                for i in stride(from: 0, to: buffer.count, by: 64) { buffer[i] &+= 1; sink &+= Int(buffer[i]) }
                let start = clock.now
                _ = try await registry.generate(request)
                total += clock.now - start
                count += 1
            }
            if sink == 42 { print(sink) }
            return total.seconds * 1e6 / Double(count)
        }
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
