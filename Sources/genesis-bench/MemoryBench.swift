import GenesisEngine
import Histogram

/// The engine next to a provider that answers without any I/O: the engine's own cost, with
/// nothing to hide it. Runs off the main actor, as a library caller's tasks do (on the main
/// actor every call would pay two hops to and from the main thread).
enum MemoryBench {
    struct Figures {
        var bare: Histogram<UInt64>
        var engine: Histogram<UInt64>
        var overheadRange: (Double, Double)
        var streaming: [[String: JSONValue]]
    }

    static func run(iterations: Int, streams: [Int], tokens: Int) async throws -> Figures {
        let provider = InstantProvider(tokens: tokens)
        var configuration = GenesisConfiguration()
        configuration.cache.policy = .never
        configuration.fallbacks = []
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "bench", provider: provider)
        let request = GenerationRequest(model: ModelID(provider: "bench", model: "instant"), prompt: "hello", parameters: .init(maxTokens: 16))
        let bareRequest = ProviderRequest(model: "instant", messages: request.messages, parameters: request.parameters)
        for _ in 0..<1000 { _ = try await registry.generate(request); _ = try await provider.generate(bareRequest) } // warm-up

        // Five alternating rounds; the round with the median engine overhead is reported, since a
        // 2-core machine's scheduling moves single rounds by microseconds.
        var rounds: [(bare: Histogram<UInt64>, engine: Histogram<UInt64>)] = []
        for _ in 0..<5 {
            let bare = try await measure(iterations / 5) { _ = try await provider.generate(bareRequest) }
            let engine = try await measure(iterations / 5) { _ = try await registry.generate(request) }
            rounds.append((bare, engine))
        }
        func overhead(_ round: (bare: Histogram<UInt64>, engine: Histogram<UInt64>)) -> Double {
            microseconds(round.engine, 50) - microseconds(round.bare, 50)
        }
        rounds.sort { overhead($0) < overhead($1) }

        func throughput(concurrent: Int, viaEngine: Bool) async throws -> Double {
            let (total, seconds) = try await concurrently(concurrent) {
                var count = 0
                if viaEngine {
                    for try await event in registry.stream(request) { if case .text = event { count += 1 } }
                } else {
                    for try await event in try await provider.stream(bareRequest) { if case .text = event { count += 1 } }
                }
                return count
            }
            return Double(total) / seconds
        }
        var rows: [[String: JSONValue]] = []
        for concurrent in streams {
            _ = try await throughput(concurrent: concurrent, viaEngine: true) // warm-up
            let bareRate = try await throughput(concurrent: concurrent, viaEngine: false)
            let engineRate = try await throughput(concurrent: concurrent, viaEngine: true)
            rows.append(["streams": .number(Double(concurrent)), "tokens_per_s": .number(engineRate.rounded(.down)),
                         "bare_tokens_per_s": .number(bareRate.rounded(.down)), "ratio": .number((engineRate / bareRate * 1000).rounded() / 1000)])
        }
        let median = rounds[rounds.count / 2]
        return Figures(bare: median.bare, engine: median.engine, overheadRange: (overhead(rounds.first!), overhead(rounds.last!)),
                       streaming: rows)
    }
}
