import Clocks
import GenesisEngine
import Logging
import Synchronization
import Testing

/// The README's custom provider, kept compiling and working here.
struct EchoProvider: Provider {
    let name = "echo"
    func listModels() async throws -> [ModelInfo] { [ModelInfo(id: ModelID(provider: name, model: "shout"))] }
    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        let words = (request.messages.last?.text ?? "").uppercased().split(separator: " ")
        return ProviderStream { continuation in
            for word in words { continuation.yield(.text(word + " ")) }
            continuation.yield(.usage(Usage(inputTokens: words.count, outputTokens: words.count)))
            continuation.yield(.finish(.stop))
            continuation.finish()
        }
    }
}

/// Collects log entries in memory (tests never bootstrap logging).
final class InMemoryLogHandler: LogHandler, Sendable {
    private let store = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
    var entries: [(message: String, metadata: Logger.Metadata)] { store.withLock { $0 } }
    var logLevel: Logger.Level { get { .trace } set {} }
    var metadata: Logger.Metadata { get { [:] } set {} }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? { get { nil } set {} }
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        store.withLock { $0.append(("\(message)", metadata ?? [:])) }
    }
}

@Suite("Model registry")
struct ModelRegistryTests {
    func simRegistry() -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        return ModelRegistry(configuration: configuration)
    }

    @Test func theSeedsExampleRunsOnTheSimulator() async throws {
        let registry = simRegistry()
        try await registry.initializeProvider("sim")
        let response = try await registry.generateText(provider: "sim", model: "balanced", prompt: "Your prompt here", maxTokens: 1000)
        #expect(!response.text.isEmpty && response.isSimulated && response.cost?.dollars == 0)
        #expect(response.usage.outputTokens > 0 && !response.usage.isEstimated)
    }

    @Test func aStreamYieldsStartedTextUsageFinishAndCompletedInOrder() async throws {
        let registry = simRegistry()
        var kinds: [String] = [], text = ""
        for try await event in registry.streamGenerate(provider: "sim", model: "fast", prompt: "streaming order", maxTokens: 12) {
            switch event {
            case .started: kinds.append("started")
            case .text(let t): text += t; if kinds.last != "text" { kinds.append("text") }
            case .usage: kinds.append("usage")
            case .finish(let reason): kinds.append("finish:\(reason.rawValue)")
            case .completed(let result): kinds.append("completed"); #expect(result.text == text && result.timeToFirstToken != nil)
            default: kinds.append("other")
            }
        }
        #expect(kinds == ["started", "text", "usage", "finish:length", "completed"])
    }

    @Test func aCustomProviderPlugsInByConforming() async throws {
        let registry = simRegistry()
        try await registry.addProvider(name: "echo", provider: EchoProvider())
        let result = try await registry.generateText(provider: "echo", model: "shout", prompt: "hello there")
        #expect(result.text == "HELLO THERE " && result.usage.outputTokens == 2)
        #expect(try await registry.listModels(provider: "echo").map(\.id) == ["echo:shout"])
        registry.removeProvider("echo")
        await #expect(throws: ConfigurationError.self) { try await registry.generateText(provider: "echo", model: "shout", prompt: "x") }
    }

    @Test func anUnknownProviderIsAConfigurationErrorNamingTheKnownOnes() async throws {
        let registry = simRegistry()
        do {
            _ = try await registry.generateText(provider: "nope", model: "x", prompt: "hi")
            Issue.record("expected an error")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("unknown provider \"nope\"") && error.description.contains("sim"))
            #expect(error.description.hasSuffix("Fix: add [providers.nope] to the configuration"), "\(error)")
        }
    }

    @Test("an unknown provider named after a kind says what would give it one: the kind's key, or its local server")
    func anUnknownProviderOfAKnownKindNamesTheFix() {
        var configuration = GenesisConfiguration()
        configuration.kinds = .shipped
        let registry = ModelRegistry(configuration: configuration)
        #expect(registry.unknownProvider("anthropic").description.contains(
            "Fix: set ANTHROPIC_API_KEY (or put a key in keys.toml under [anthropic]), or add [providers.anthropic] to the configuration"))
        #expect(registry.unknownProvider("ollama").description.contains(
            "Fix: start its server (found at http://127.0.0.1:11434, or where OLLAMA_HOST says), or add [providers.ollama] to the configuration with its base_url"))
    }

    @Test func aProviderKindWithoutAnAdapterSaysSo() async throws {
        var configuration = GenesisConfiguration()
        configuration.providers["openai"] = ProviderConfiguration(kind: "openai")
        let registry = ModelRegistry(configuration: configuration)
        await #expect(throws: ConfigurationError.self) { try await registry.initializeProvider("openai") }
    }

    @Test func aRegisteredVersionIsWhatIsSentAndRecorded() async throws {
        let fake = ScriptedProvider(["gpt-4-0613": [.answer("pinned")]])
        let registry = try await makeRegistry([fake])
        registry.registerModelVersion(provider: "fake", model: "gpt-4", version: "0613")
        let result = try await registry.generateText(provider: "fake", model: "gpt-4", prompt: "hi")
        #expect(result.text == "pinned" && result.servedVersion == "gpt-4-0613" && result.model.model == "gpt-4")
        #expect(fake.requests.last?.model == "gpt-4-0613")
        registry.registerModelVersion(provider: "fake", model: "gpt-4", version: "gpt-4-0314")
        #expect(registry.modelVersion(provider: "fake", model: "gpt-4") == "gpt-4-0314")
    }

    @Test func aVersionPinnedForOneRequestDoesNotReachAnother() async throws {
        let fake = ScriptedProvider(["gpt-4-0613": [.answer("June")], "gpt-4-0314": [.answer("March")], "gpt-4": [.answer("alias")]])
        let registry = try await makeRegistry([fake])
        registry.registerModelVersion(provider: "fake", model: "gpt-4", version: "0314")
        let request = GenerationRequest(model: "fake:gpt-4", prompt: "hi")
        async let june = registry.generate(request, options: RequestOptions(versions: ["fake:gpt-4": "0613"]))
        async let march = registry.generate(request)
        let (a, b) = try await (june, march)
        #expect(a.text == "June" && a.servedVersion == "gpt-4-0613")
        #expect(b.text == "March" && b.servedVersion == "gpt-4-0314") // the registry's pin still holds for the rest
        #expect(registry.modelVersion(provider: "fake", model: "gpt-4") == "gpt-4-0314")
    }

    @Test func chatMessagesAndParametersReachTheProvider() async throws {
        let fake = ScriptedProvider(["m": [.answer("ok")]])
        let registry = try await makeRegistry([fake]) { $0.defaults = GenerationParameters(maxTokens: 99, temperature: 0.3) }
        let messages: [ChatMessage] = [.system("be brief"), .user("hi"), .assistant("hello"),
                                       ChatMessage(role: .user, parts: [.text("what is this?"), .image(.url("https://example.com/cat.png"))])]
        _ = try await registry.generate(GenerationRequest(model: "fake:m", messages: messages, parameters: .init(stopSequences: ["END"])))
        let sent = try #require(fake.requests.last)
        #expect(sent.messages == messages)
        #expect(sent.parameters.maxTokens == 99 && sent.parameters.temperature == 0.3 && sent.parameters.stopSequences == ["END"])
    }

    @Test(arguments: [
        GenerationParameters(maxTokens: 0), GenerationParameters(temperature: 2.5), GenerationParameters(topP: -1),
    ])
    func impossibleParametersAreRefusedBeforeAnythingIsSent(parameters: GenerationParameters) async throws {
        let fake = ScriptedProvider(["m": [.answer("ok")]])
        let registry = try await makeRegistry([fake])
        await #expect(throws: InvalidRequestError.self) { try await registry.generate(GenerationRequest(model: "fake:m", prompt: "hi", parameters: parameters)) }
        #expect(fake.calls("m") == 0)
    }

    @Test func aRetryIsLoggedWithItsAttempt() async throws {
        let log = InMemoryLogHandler()
        let fake = ScriptedProvider(["m": [.fail(ProviderError.overloaded("m")), .answer("ok")]])
        var configuration = GenesisConfiguration()
        configuration.retry = RetryPolicy(baseDelay: .milliseconds(1))
        let registry = ModelRegistry(configuration: configuration, logger: Logger(label: "t") { _ in log })
        try await registry.addProvider(name: "fake", provider: fake)
        _ = try await registry.generateText(provider: "fake", model: "m", prompt: "hi")
        #expect(log.entries.contains { $0.metadata["genesis.attempt"] == "1" && $0.metadata["genesis.error"] == "overloaded_error" })
    }

    @Test func aWarnRuleMatchingTheAnswerIsLoggedWithoutTheMatchedText() async throws {
        let log = InMemoryLogHandler()
        var configuration = GenesisConfiguration()
        configuration.security.filter = try ContentFilter(rules: [FilterRule(name: "codenames", pattern: .words(["falcon"]), action: .warn,
                                                                             directions: [.output])])
        let registry = ModelRegistry(configuration: configuration, logger: Logger(label: "t") { _ in log })
        try await registry.addProvider(name: "fake", provider: ScriptedProvider(["m": [.answer("Project Falcon is on")]]))
        let result = try await registry.generate(GenerationRequest(model: "fake:m", prompt: "status?"))
        #expect(result.text == "Project Falcon is on") // warn changes nothing
        #expect(log.entries.contains { $0.metadata["genesis.rule"] == "codenames" && $0.metadata["genesis.action"] == "warn" })
        #expect(!log.entries.contains { "\($0.message) \($0.metadata)".localizedCaseInsensitiveContains("falcon") })
    }

    @Test func theLocalLimiterSendsOverflowToTheFallbackInsteadOfQueueingPastTheMaximumWait() async throws {
        let fake = ScriptedProvider(["a": [.answer("a")], "b": [.answer("b")]])
        let clock = TestClock<Duration>()
        let registry = try await makeRegistry([], clock: AnyClock(clock)) { $0.retry = .none }
        try await registry.addProvider(name: "fake", provider: fake, requestsPerMinute: 1, maxQueueWait: .seconds(1))
        try await registry.addProvider(name: "other", provider: ScriptedProvider(name: "other", ["b": [.answer("b")]]))
        _ = try await registry.generateText(provider: "fake", model: "a", prompt: "hi")
        let second = try await registry.generate(GenerationRequest(model: "fake:a", prompt: "hi"), options: RequestOptions(extraFallbacks: ["other:b"]))
        #expect(second.text == "b")
        #expect(second.failedAttempts.first?.category == .rateLimit)
    }

    @Test func cancellingAStreamStopsTheRequest() async throws {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 1
        let registry = ModelRegistry(configuration: configuration)
        let consumer = Task {
            var deltas = 0
            for try await event in registry.streamGenerate(provider: "sim", model: "deep", prompt: "a long answer please") {
                if case .text = event { deltas += 1; if deltas == 1 { withUnsafeCurrentTask { $0?.cancel() } } }
            }
            return deltas
        }
        let deltas = try await consumer.value
        #expect(deltas >= 1 && deltas < 5)
    }
}
