import GenesisTestSupport
import Foundation
import GenesisEngine
@testable import GenesisProviders
import NIOCore
import NIOHTTP1
import Testing

@Suite("Adapter behaviour: keys, timeouts, cancellation, the engine")
struct AdapterBehaviourTests {
    @Test func keysRotateRoundRobinAndARejectedKeyIsSetAside() async throws {
        let unauthorized = Fixtures.http("openai-error-401.http"), answer = Fixtures.http("openai-nonstream.http")
        let server = try await FakeServer { request in
            request.header("authorization") == "Bearer sk-bad-key-000000000000"
                ? FakeServer.Response(status: 401, headers: unauthorized.headers, chunks: [unauthorized.body])
                : FakeServer.Response(status: 200, headers: answer.headers, chunks: [answer.body])
        }
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider("openai", baseURL: server.baseURL, keys: ["sk-bad-key-000000000000", "sk-good-key-11111111111"])
        do {
            _ = try await provider.generate(TestAdapters.request)
            Issue.record("the bad key should fail")
        } catch let error as ProviderError {
            #expect(error.category == .authentication && error.isRetryable == true) // another key is left: worth another attempt
            #expect(!error.description.contains("sk-bad-key-000000000000") && error.description.contains("…0000"))
        }
        for _ in 0..<3 { _ = try await provider.generate(TestAdapters.request) } // only the good key from now on
        #expect(server.requests.map { $0.header("authorization") ?? "" }.filter { $0.contains("bad") }.count == 1)
        let usage = (provider as? OpenAIProvider)?.chat.keys.usage ?? []
        #expect(usage.map(\.uses) == [1, 3] && usage.map(\.rejected) == [true, false])
        #expect(usage.map(\.masked) == ["…0000", "…1111"] && usage.map(\.source) == ["TEST_KEY_0", "TEST_KEY_1"])
    }

    @Test func theEngineRetriesARejectedKeyWithTheNextOne() async throws {
        let unauthorized = Fixtures.http("openai-error-401.http"), answer = Fixtures.http("openai-nonstream.http")
        let server = try await FakeServer { request in
            request.header("authorization")?.contains("bad") == true
                ? FakeServer.Response(status: 401, headers: unauthorized.headers, chunks: [unauthorized.body])
                : FakeServer.Response(status: 200, headers: answer.headers, chunks: [answer.body])
        }
        defer { Task { await server.shutdown() } }
        var configuration = GenesisConfiguration()
        configuration.retry = RetryPolicy(baseDelay: .milliseconds(1))
        configuration.providers["openai"] = ProviderConfiguration(kind: "openai", baseURL: server.baseURL + "/v1", apiKeyEnvironment: ["K1", "K2"])
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory,
                                     environment: ["K1": "sk-bad-key-000000000000", "K2": "sk-good-key-11111111111"])
        let result = try await registry.generateText(provider: "openai", model: "gpt-4o-mini", prompt: "hi", temperature: 1)
        #expect(result.failedAttempts.map(\.category) == [.authentication] && !result.text.isEmpty)
    }

    @Test func aKeyEchoedByTheProviderIsRedacted() {
        let text = Redactor.redact("Incorrect API key provided: sk-proj-****************************wxyz and AIzaSyA1234567890abcdefghijklmnopqrstuv",
                                   keys: ["my-secret-key-123456"])
        #expect(!text.contains("sk-proj-****") && text.contains("…wxyz") && !text.contains("AIzaSyA1234567890"))
        #expect(Redactor.redact("key my-secret-key-123456 leaked", keys: ["my-secret-key-123456"]) == "key …3456 leaked")
    }

    @Test func aMissingKeyIsReportedWithTheVariableToSet() async throws {
        let provider = HTTPChatProvider(name: "anthropic", format: AnthropicFormat(provider: "anthropic", baseURL: "http://127.0.0.1:9"),
                                        keys: APIKeyRing(provider: "anthropic", variables: ["ANTHROPIC_API_KEY"], environment: [:]),
                                        connectTimeout: .seconds(1), idleTimeout: .seconds(1), logger: .init(label: "t"))
        do {
            try await provider.initialize()
            Issue.record("expected an error")
        } catch let error as ProviderError {
            #expect(error.category == .authentication && error.message.contains("ANTHROPIC_API_KEY"))
        }
    }

    @Test func aRefusedConnectionIsANetworkErrorThatSaysWhatToCheck() async throws {
        let provider = TestAdapters.provider("ollama", baseURL: "http://127.0.0.1:9")
        do {
            _ = try await provider.generate(TestAdapters.request)
            Issue.record("expected an error")
        } catch let error as ProviderError {
            #expect(error.category == .network && error.message.contains("127.0.0.1:9") && error.message.contains("running"))
        }
    }

    @Test func aStalledStreamFailsAtTheIdleTimeoutKeepingItsText() async throws {
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")],
                                chunks: [Array(#"data: {"choices":[{"index":0,"delta":{"content":"partial"},"finish_reason":null}]}"#.utf8) + [10, 10]],
                                cutOff: false, delay: .zero)
        }
        defer { Task { await server.shutdown() } }
        // The fake ends the response properly, so stall it differently: a server that never finishes.
        let stalled = try await FakeServer { _ in FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: [], delay: .seconds(30)) }
        defer { Task { await stalled.shutdown() } }
        let outcome = await TestAdapters.consume(TestAdapters.provider("openai", baseURL: stalled.baseURL, idleTimeout: .milliseconds(300)), TestAdapters.request)
        #expect((outcome.error as? ProviderError)?.category == .timeout)
        let complete = await TestAdapters.consume(TestAdapters.provider("openai", baseURL: server.baseURL), TestAdapters.request)
        #expect(complete.text == "partial" && (complete.error as? ProviderError)?.category == .brokenStream) // no [DONE]
    }

    @Test("rate-limit headers are read whatever their case; an answer without any has no snapshot")
    func rateLimitHeadersInAnyCase() {
        let format = OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: "http://127.0.0.1/v1")
        let shouted = HTTPHeaders([("Content-Type", "application/json"), ("X-RateLimit-Remaining-Requests", "9"), ("X-RATELIMIT-LIMIT-TOKENS", "500")])
        let snapshot = format.rateLimits(from: shouted)
        #expect(snapshot?.requestsRemaining == 9 && snapshot?.tokenLimit == 500)
        #expect(format.rateLimits(from: HTTPHeaders([("content-type", "application/json"), ("x-ratelimit", "1"), ("x-request-id", "r")])) == nil)
    }

    @Test func headersTeachTheRateLimiterAndABrokenStreamKeepsItsTextThroughTheEngine() async throws {
        let bytes = Fixtures.bytes("openai-stream-midway.sse")
        let headers = [("content-type", "text/event-stream"), ("x-ratelimit-limit-requests", "7"), ("x-ratelimit-remaining-requests", "5"),
                       ("x-ratelimit-reset-requests", "6m0s")]
        let server = try await FakeServer { _ in FakeServer.Response(headers: headers, chunks: [bytes], cutOff: true) }
        defer { Task { await server.shutdown() } }
        var configuration = GenesisConfiguration()
        configuration.providers["openai"] = ProviderConfiguration(kind: "openai", baseURL: server.baseURL + "/v1", apiKeyEnvironment: ["K"])
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory, environment: ["K": "sk-test-123456789012"])
        var text = ""
        do {
            for try await event in registry.streamGenerate(provider: "openai", model: "gpt-4o-mini", prompt: "hi") {
                if case .text(let delta) = event { text += delta }
            }
            Issue.record("the stream should break")
        } catch let error as ProviderError {
            #expect(error.category == .brokenStream)
        }
        #expect(text == Fixtures.expected["openai-stream-midway.sse"]?["text"]?.string)
        #expect(server.requests.count == 1) // never restarted after text was shown
        let limits = await registry.providerMetrics("openai").rateLimit
        #expect(limits.requestsPerMinute == 7)
    }

    @Test func cancellingTheConsumerClosesTheConnection() async throws {
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")],
                                chunks: [Array(#"data: {"choices":[{"index":0,"delta":{"content":"first"},"finish_reason":null}]}"#.utf8) + [10, 10]],
                                delay: .zero)
        }
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider("openai", baseURL: server.baseURL)
        let stream = try await provider.stream(TestAdapters.request)
        var iterator = stream.makeAsyncIterator()
        _ = try await iterator.next() // the first event arrived; now walk away
        let consumer = Task { for try await _ in stream {} }
        consumer.cancel()
        _ = await consumer.result
        #expect(server.requests.count == 1)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["OPENAI_API_KEY"] != nil, "set OPENAI_API_KEY to run the live OpenAI check"))
    func liveOpenAIAnswers() async throws {
        try await liveCheck(kind: "openai", model: "gpt-4o-mini")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["ANTHROPIC_API_KEY"] != nil, "set ANTHROPIC_API_KEY to run the live Anthropic check"))
    func liveAnthropicAnswers() async throws {
        try await liveCheck(kind: "anthropic", model: "claude-3-5-haiku-latest")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["GEMINI_API_KEY"] != nil || ProcessInfo.processInfo.environment["GOOGLE_API_KEY"] != nil,
                   "set GEMINI_API_KEY to run the live Gemini check"))
    func liveGeminiAnswers() async throws {
        try await liveCheck(kind: "gemini", model: "gemini-2.0-flash")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["MISTRAL_API_KEY"] != nil, "set MISTRAL_API_KEY to run the live Mistral check"))
    func liveMistralAnswers() async throws {
        try await liveCheck(kind: "mistral", model: "mistral-small-latest")
    }

    func liveCheck(kind: String, model: String) async throws {
        var configuration = GenesisConfiguration()
        await ProviderDiscovery.discover(into: &configuration, environment: ProcessInfo.processInfo.environment)
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory)
        let result = try await registry.generateText(provider: kind, model: model, prompt: "Say hello in one word.", maxTokens: 20)
        #expect(!result.text.isEmpty && !result.usage.isEstimated)
    }
}

@Suite("Older llama.cpp error lines")
struct LlamaCppErrorLineTests {
    @Test func anErrorFieldLineMidStreamIsAProviderErrorKeepingTheText() async throws {
        let body = """
        data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Seven is"}}],"object":"chat.completion.chunk"}

        error: {"code":500,"message":"slot unavailable","type":"server_error"}


        """
        let server = try await FakeServer { _ in FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: [Array(body.utf8)]) }
        defer { Task { await server.shutdown() } }
        let outcome = await TestAdapters.consume(TestAdapters.provider("llamacpp", baseURL: server.baseURL), TestAdapters.request)
        #expect(outcome.text == "Seven is")
        let error = try #require(outcome.error as? ProviderError)
        #expect(error.category == .server && error.message.contains("slot unavailable"))
    }

    @Test func theSpecificationalParserStillIgnoresUnknownFields() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("error: {}\n\n".utf8)).isEmpty)
    }
}

@Suite("Adapter streams: how deltas reach the engine")
struct DeltaHandOverTests {
    static func chunk(_ text: String) -> [UInt8] {
        Array(#"data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"#.utf8) + [10, 10]
    }
    static let done = Array(#"data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#.utf8)
        + Array("\n\ndata: [DONE]\n\n".utf8)

    static func deltas(_ response: FakeServer.Response) async throws -> [String] {
        let server = try await FakeServer { _ in response }
        defer { Task { await server.shutdown() } }
        var deltas: [String] = []
        for try await event in try await TestAdapters.provider("openai", baseURL: server.baseURL).stream(TestAdapters.request) {
            if case .text(let delta) = event { deltas.append(delta) }
        }
        return deltas
    }

    @Test("deltas decoded from one read are handed on as one; the text is the same")
    func oneReadIsOneDelta() async throws {
        let body = ["Seven", " is", " a", " prime"].map(Self.chunk).joined() + Self.done
        let deltas = try await Self.deltas(FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: [Array(body)]))
        #expect(deltas == ["Seven is a prime"])
    }

    @Test("deltas that arrive apart stay apart, so nothing waits for more text")
    func separateReadsStaySeparate() async throws {
        let chunks = ["Seven", " is", " prime"].map(Self.chunk) + [Self.done]
        let deltas = try await Self.deltas(FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: chunks,
                                                               interval: .milliseconds(60)))
        #expect(deltas == ["Seven", " is", " prime"])
    }
}
