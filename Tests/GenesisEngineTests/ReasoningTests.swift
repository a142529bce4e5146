import Foundation
import GenesisEngine
import Testing

/// A provider that streams the events it is given, then fails with `error` if there is one.
final class EventsProvider: Provider {
    let name = "events"
    let events: [ProviderEvent]
    let error: (any Error & Sendable)?

    init(_ events: [ProviderEvent], thenFail error: (any Error & Sendable)? = nil) {
        self.events = events
        self.error = error
    }

    func listModels() async throws -> [ModelInfo] { [ModelInfo(id: ModelID(provider: name, model: "m"))] }

    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        let (stream, continuation) = ProviderStream.makeStream()
        for event in events { continuation.yield(event) }
        continuation.finish(throwing: error)
        return stream
    }
}

@Suite("Reasoning and usage details through the engine")
struct ReasoningTests {
    static func registry(_ provider: EventsProvider, ledger: MemoryLedger? = nil) async throws -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.retry.maxAttempts = 1
        let registry = ModelRegistry(configuration: configuration, environment: [:], ledger: ledger)
        try await registry.addProvider(name: "events", provider: provider)
        return registry
    }

    static let thinking: [ProviderEvent] = [
        .reasoning("First, the user"), .reasoning(" wants a river."), .text("The Loire"), .text(" is long."),
        .usage(Usage(inputTokens: 2012, outputTokens: 96, cachedInputTokens: 1700, cacheWriteTokens: 300, reasoningTokens: 40)),
        .finish(.stop),
    ]

    @Test("reasoning streams as its own events before the answer, and is never part of the answer's text")
    func reasoningIsNotText() async throws {
        let registry = try await Self.registry(EventsProvider(Self.thinking))
        var reasoning = "", text = "", order: [String] = []
        var final: GenerationResult?
        for try await event in registry.streamGenerate(provider: "events", model: "m", prompt: "a river?") {
            switch event {
            case .reasoning(let delta): reasoning += delta; order.append("reasoning")
            case .text(let delta): text += delta; order.append("text")
            case .completed(let result): final = result
            default: break
            }
        }
        #expect(reasoning == "First, the user wants a river." && text == "The Loire is long.")
        #expect(order == ["reasoning", "reasoning", "text", "text"])
        let result = try #require(final)
        #expect(result.text == text && result.reasoning == reasoning)
        #expect(result.reasoningTime != nil)
        #expect(result.usage.cachedInputTokens == 1700 && result.usage.cacheWriteTokens == 300 && result.usage.reasoningTokens == 40)
        let whole = try await registry.generateText(provider: "events", model: "m", prompt: "a river?")
        #expect(whole.text == "The Loire is long." && whole.reasoning == "First, the user wants a river.")
    }

    @Test("a model that reasoned first is timed from its first reasoning: its output tokens include the reasoning's")
    func throughputCountsTheReasoning() {
        var result = GenerationResult(model: "events:m", text: "The Loire is long.", finishReason: .stop,
                                      usage: Usage(inputTokens: 5, outputTokens: 400, reasoningTokens: 300), cost: nil,
                                      latency: .seconds(10), timeToFirstToken: .seconds(8))
        #expect(result.tokensPerSecond == 200, "no reasoning time known: from the first answer text")
        result.reasoningTime = .seconds(6) // reasoning from 2 s to 8 s, the answer from 8 s to 10 s
        #expect(result.tokensPerSecond == 50)
    }

    @Test("a stream that fails after the provider reported its usage is accounted with that usage, not an estimate")
    func reportedUsageIsKept() async throws {
        let ledger = MemoryLedger()
        let cut = ProviderError(.brokenStream, provider: "events", model: "m", message: "cut")
        let registry = try await Self.registry(EventsProvider([.usage(Usage(inputTokens: 1020, outputTokens: 1)), .reasoning("Hmm"), .text("Half an")],
                                                              thenFail: cut), ledger: ledger)
        await #expect(throws: ProviderError.self) { for try await _ in registry.streamGenerate(provider: "events", model: "m", prompt: "hi") {} }
        let row = try #require(ledger.records.last)
        #expect(row.inputTokens == 1020, "the input the provider reported, not an estimate of the prompt")
        #expect(row.outputTokens >= 2 && row.tokensEstimated, "output it had not counted yet is estimated from what was shown")
    }

    @Test("a stream that fails before any usage or text is recorded as estimated, not as a plain 0/0")
    func nothingReportedIsEstimated() async throws {
        let ledger = MemoryLedger()
        let registry = try await Self.registry(EventsProvider([], thenFail: ProviderError(.brokenStream, provider: "events", model: "m", message: "cut")),
                                               ledger: ledger)
        await #expect(throws: ProviderError.self) { for try await _ in registry.streamGenerate(provider: "events", model: "m", prompt: "hello there") {} }
        let row = try #require(ledger.records.last)
        #expect(row.tokensEstimated && row.inputTokens > 0)
    }

    @Test("output reported without its input (Ollama's cached prompt) keeps the output and estimates the input")
    func outputWithoutInput() async throws {
        let registry = try await Self.registry(EventsProvider([.text("ok"), .usage(Usage(inputTokens: 0, outputTokens: 44, isEstimated: true)), .finish(.stop)]))
        let result = try await registry.generateText(provider: "events", model: "m", prompt: "a prompt of some length")
        #expect(result.usage.outputTokens == 44 && result.usage.inputTokens > 0 && result.usage.isEstimated)
    }

    @Test("a held key in reasoning is masked like one in the answer")
    func keysInReasoning() async throws {
        let key = "sk-proj-REASONINGkey0123456789abcd"
        var configuration = GenesisConfiguration()
        configuration.kinds = .shipped
        let registry = ModelRegistry(configuration: configuration, environment: ["OPENAI_API_KEY": key])
        try await registry.addProvider(name: "events", provider: EventsProvider([.reasoning("the key is sk-proj-REA"), .reasoning("SONINGkey0123456789abcd."),
                                                                                   .text("done"), .finish(.stop)]))
        let result = try await registry.generateText(provider: "events", model: "m", prompt: "hi")
        #expect(result.reasoning == "the key is …abcd.")
    }
}

@Suite("Rate limits learned per model")
struct ModelRateLimitTests {
    @Test("limits a model's answer announces hold back that model, not the provider's other models; configured limits stay provider-wide")
    func learnedPerModel() async throws {
        var snapshot = RateLimitSnapshot(requestLimit: 3, requestsRemaining: 0, requestsReset: .seconds(60))
        snapshot.retryAfter = .seconds(60)
        let provider = EventsProvider([.rateLimits(snapshot), .text("ok"), .usage(Usage(inputTokens: 1, outputTokens: 1)), .finish(.stop)])
        var configuration = GenesisConfiguration()
        configuration.retry.maxAttempts = 1
        let registry = ModelRegistry(configuration: configuration, environment: [:])
        try await registry.addProvider(name: "events", provider: provider)
        // A deadline well short of the minute gpt-x is told to wait, and far longer than any request takes.
        let soon = RequestOptions(timeout: .seconds(30))
        _ = try await registry.generate(GenerationRequest(model: "events:gpt-x", prompt: "hi"), options: soon)
        // Told "3 a minute, none left" about gpt-x: another model of the provider goes at once...
        _ = try await registry.generate(GenerationRequest(model: "events:gpt-4o-mini", prompt: "hi"), options: soon)
        // ...and gpt-x itself waits (past this request's deadline, so it is refused at once).
        await #expect(throws: RateLimitError.self) {
            try await registry.generate(GenerationRequest(model: "events:gpt-x", prompt: "hi"), options: soon)
        }
        let status = await registry.modelMetrics(provider: "events", model: "gpt-x")
        #expect(status.rateLimit.requestsPerMinute == 3, "the side panel shows the learned limit where it binds")
    }
}
