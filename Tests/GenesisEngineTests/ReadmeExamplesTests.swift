import Foundation
import GenesisEngine
import GenesisProviders
import Testing

/// The README's library examples, as written there (the registry runs the simulator instantly
/// instead of in real time). If one of these stops compiling, the README is wrong.
@Suite("README examples")
struct ReadmeExamplesTests {
    let registry: ModelRegistry = {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        return ModelRegistry(configuration: configuration)
    }()

    @Test func initializeAndGenerate() async throws {
        try await registry.initializeProvider("sim")
        let response = try await registry.generateText(
            provider: "sim",
            model: "balanced",
            prompt: "Your prompt here",
            maxTokens: 1000
        )
        print(response.text, response.usage.outputTokens, response.finishReason, response.cost?.dollars ?? .nan)
        #expect(response.finishReason == .stop)
    }

    @Test func streaming() async throws {
        var sawCompletion = false
        for try await event in registry.streamGenerate(provider: "sim", model: "fast", prompt: "Your prompt") {
            switch event {
            case .text(let delta): print(delta, terminator: "")
            case .retry(let notice): print("retrying \(notice.model) in \(notice.delay)")
            case .fallback(let notice): print("\(notice.from) failed; \(notice.to) takes over")
            case .completed(let result): print("\n\(result.usage.outputTokens) tokens, TTFT \(result.timeToFirstToken!)"); sawCompletion = true
            default: break
            }
        }
        #expect(sawCompletion)
    }

    /// The README names an OpenAI embedding model; the simulated one answers the same call here.
    @Test func embeddings() async throws {
        let vectors = try await registry.embed("sim:embed", texts: ["first text", "second"])
        let alike = VectorSimilarity.cosine(vectors[0], vectors[1])   // -1 to 1
        #expect(vectors.count == 2 && (-1...1).contains(alike))
        await #expect(throws: InvalidRequestError.self) { try await InstantEchoProvider().embed(EmbeddingRequest(model: "m", texts: ["x"])) }
    }

    @Test func chatMessages() async throws {
        let request = GenerationRequest(
            model: "sim:deep",
            messages: [
                .system("You are terse."),
                .user("What is a token bucket?"),
                .assistant("A rate limiter."),
                ChatMessage(role: .user, parts: [.text("And this diagram?"), .image(.url("https://example.com/bucket.png"))]),
            ],
            parameters: GenerationParameters(maxTokens: 200, temperature: 0, stopSequences: ["\n\n\n"])
        )
        let answer = try await registry.generate(request)
        #expect(answer.usage.outputTokens <= 200)
    }

    @Test func batch() async throws {
        let results = await registry.batchGenerate(provider: "sim", model: "fast",
                                                   prompts: ["one", "two", "three"], batchSize: 2)
        for result in results {
            switch result {
            case .success(let answer): print(answer.text.prefix(40))
            case .failure(let error): print("failed: \(error)")
            }
        }
        #expect(results.count == 3)
    }

    @Test func customProvider() async throws {
        try await registry.addProvider(name: "echo", provider: EchoProvider(), requestsPerMinute: 60)
        let shout = try await registry.generateText(provider: "echo", model: "shout", prompt: "hello there")
        registry.removeProvider("echo")
        #expect(shout.text == "HELLO THERE ")
    }

    @Test func realProviders() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)").path
        let environment = ["XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home, "ANTHROPIC_API_KEY": "sk-ant-readme-0123456789", "GENESIS_DISCOVER_LOCAL": "0"]
        let table = ProviderKindTable.standard
        var configuration = try ConfigLoader.load(path: nil, environment: environment, kinds: table.configurableKinds)
        await ProviderDiscovery.discover(into: &configuration, environment: environment, kinds: table) // keys, local servers
        let live = ModelRegistry(configuration: configuration, factory: table.factory, environment: environment)
        let claude = ModelID(parsing: "claude-opus-4-8", kinds: configuration.kinds)  // anthropic:claude-opus-4-8
        #expect(claude == ModelID(provider: "anthropic", model: "claude-opus-4-8"))
        #expect(live.providerNames.contains("anthropic"))
        #expect(live.heldKeys.redact("sk-ant-readme-0123456789") != "sk-ant-readme-0123456789")
        let alone = #expect(throws: ConfigurationError.self) { try ConfigLoader.parse("[providers.gpt]\nkind = \"openai\"\n", file: "config.toml") }
        #expect(alone?.description.contains("unknown kind \"openai\"; use one of: sim (read alone, the engine knows only the simulator") == true)
    }

    @Test func errorHandling() async throws {
        var caught: ErrorCategory?
        do {
            _ = try await registry.generateText(provider: "sim", model: "tiny", prompt: String(repeating: "long ", count: 5000))
        } catch let error as RateLimitError {
            print("rate limited (\(error.limit)); retry after \(error.retryAfter?.seconds ?? 0) s")
        } catch let error as ModelNotFoundError {
            print("no such model; try one of \(error.available)")
        } catch let error as ProviderError {
            print(error.category, error.status ?? 0, error)   // contextTooLong 400 sim:tiny HTTP 400 ...
            caught = error.category
        }
        #expect(caught == .contextTooLong)
    }

    @Test func rateLimiter() async throws {
        let limiter = RateLimiter(requestsPerMinute: 200, tokensPerMinute: 40000)
        let reservation = try await limiter.acquire(estimatedTokens: 1200, maxWait: .seconds(5))
        // ... call the model ...
        limiter.reconcile(reservation, actualTokens: 950)   // the usage the provider reported
        #expect(limiter.status().tokensInLastMinute == 950)
    }

    @Test func fallbacks() async throws {
        let fallbacks = registry.fallbacks
        fallbacks.addFallback(primary: "openai:gpt-5.5", fallback: "anthropic:claude-opus-4-8")
        fallbacks.addFallback(primary: "anthropic:claude-opus-4-8", fallback: "sim:balanced")
        let chain = fallbacks.chain(for: "openai:gpt-5.5")   // gpt-5.5, gpt-5.4-mini (a default rule), claude-opus-4-8, sim:balanced
        #expect(chain.map(\.model) == ["gpt-5.5", "gpt-5.4-mini", "claude-opus-4-8", "balanced"]) // the default config adds gpt-5.4-mini
    }

    @Test func caching() async throws {
        let request = GenerationRequest(model: "sim:fast", prompt: "cache me", parameters: .init(temperature: 0))
        let cache = CacheManager(capacity: 512, ttl: .seconds(3600))
        let key = CacheKey(request)              // stable hash of provider, model, messages and parameters
        if await cache.get(key) == nil {
            await cache.set(key, try await registry.generate(request))
        }
        #expect(await cache.get(key) != nil)
    }

    @Test func metricsAndVersions() async throws {
        _ = try await registry.generateText(provider: "sim", model: "balanced", prompt: "hi")
        let metrics = await registry.providerMetrics("sim")
        print(metrics.health, metrics.requests, metrics.costDollars, metrics.rateLimit.requestsInLastMinute)

        let monitor = Task {
            for await snapshot in registry.monitorModel(provider: "sim", model: "balanced") {
                print(snapshot.requests, snapshot.latency?.p95 ?? .zero, snapshot.timeToFirstToken?.p50 ?? .zero, snapshot.health)
                return snapshot.requests
            }
            return 0
        }
        #expect(await monitor.value == 1)

        registry.registerModelVersion(provider: "openai", model: "gpt-4", version: "0613")  // sent as gpt-4-0613
        #expect(registry.modelVersion(provider: "openai", model: "gpt-4") == "gpt-4-0613")
        #expect(metrics.requests == 1 && metrics.health == .ok)
    }
}

/// A custom provider that implements no embeddings: it gets the protocol's refusal.
private struct InstantEchoProvider: Provider {
    let name = "custom"
    func listModels() async throws -> [ModelInfo] { [] }
    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        ProviderStream { continuation in
            continuation.yield(.text(request.messages.last?.text ?? ""))
            continuation.yield(.finish(.stop))
            continuation.finish()
        }
    }
}
