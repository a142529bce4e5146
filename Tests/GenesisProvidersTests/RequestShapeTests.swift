import GenesisTestSupport
import Foundation
import GenesisEngine
@testable import GenesisProviders
import Testing

/// What each adapter puts on the wire, checked by a fake server of that provider.
@Suite("Requests as each provider documents them")
struct RequestShapeTests {
    static let image = ImageSource.data(Data([0x89, 0x50, 0x4E, 0x47]), mediaType: "image/png")

    static let chat = ProviderRequest(
        model: "m",
        messages: [.user("Earlier question"), .assistant("Earlier answer"), .system("Be brief."),
                   ChatMessage(role: .user, parts: [.text("What is this?"), .image(image)])],
        parameters: GenerationParameters(maxTokens: 300, temperature: 0.5, stopSequences: ["END"], seed: 42))

    /// Sends `request` to a fake server that answers with `fixture`, and returns what it saw.
    func capture(_ kind: String, _ request: ProviderRequest = chat, stream: Bool, fixture: String) async throws -> FakeServer.Request {
        let body = fixture.hasSuffix(".http") ? Fixtures.http(fixture).body : Fixtures.bytes(fixture)
        let server = try await FakeServer { _ in FakeServer.Response(headers: [("content-type", stream ? "text/event-stream" : "application/json")], chunks: [body]) }
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider(kind, baseURL: server.baseURL)
        if stream { _ = await TestAdapters.consume(provider, request) } else { _ = try? await provider.generate(request) }
        return try #require(server.requests.first)
    }

    @Test func openAISendsBearerSystemFirstPartsAndAsksForUsageInTheStream() async throws {
        let sent = try await capture("openai", stream: true, fixture: "openai-stream-basic.sse")
        #expect(sent.method == "POST" && sent.uri == "/v1/chat/completions")
        #expect(sent.header("authorization") == "Bearer \(TestAdapters.key)")
        #expect(sent.header("content-type") == "application/json")
        let body = try #require(sent.json)
        let messages = try #require(body["messages"]?.array)
        #expect(messages.map { $0["role"]?.string } == ["system", "user", "assistant", "user"])
        #expect(messages[0]["content"]?.string == "Be brief.")
        let parts = try #require(messages[3]["content"]?.array)
        #expect(parts[0]["type"]?.string == "text" && parts[1]["image_url"]?["url"]?.string == "data:image/png;base64,iVBORw==")
        #expect(body["max_tokens"]?.int == 300 && body["temperature"]?.double == 0.5 && body["seed"]?.int == 42)
        #expect(body["stop"]?.array?.first?.string == "END")
        #expect(body["stream"]?.bool == true && body["stream_options"]?["include_usage"]?.bool == true)
    }

    @Test func openAIReasoningModelsGetMaxCompletionTokensAndNoTemperature() async throws {
        var request = Self.chat
        request.model = "o3-mini"
        let sent = try await capture("openai", request, stream: false, fixture: "openai-nonstream.http")
        let body = try #require(sent.json)
        #expect(body["max_completion_tokens"]?.int == 300 && body["max_tokens"] == nil && body["temperature"] == nil)
        #expect(body["stream"]?.bool == false && body["stream_options"] == nil)
    }

    @Test("reasoning models are told by family, in any case and fine-tuned, and nothing else is one")
    func reasoningModelFamilies() {
        for id in ["o1", "o1-preview", "O3-MINI", "o4-mini-2025-04-16", "gpt-5", "gpt-5-nano", "gpt-5.1", "gpt-5.2-pro", "ft:o4-mini-2025-04-16:org::abc", "o3:custom"] {
            #expect(OpenAIChatFormat.isReasoningModel(id), "\(id)")
        }
        for id in ["", "o", "o2", "o10", "gpt-4o", "gpt-50", "gpt-5o", "ft:", "ft:gpt-4o-mini", "xo1", "o1x"] {
            #expect(!OpenAIChatFormat.isReasoningModel(id), "\(id)")
        }
    }

    @Test func aRejectedMaxTokensIsResentOnceUnderTheOtherName() async throws {
        let rejection = Fixtures.http("openai-error-400-max-tokens.http"), answer = Fixtures.http("openai-nonstream.http")
        let server = try await FakeServer { request in
            let body = JSONValueForTests.parse(request.body)
            return body?["max_tokens"] != nil
                ? FakeServer.Response(status: rejection.status, headers: rejection.headers, chunks: [rejection.body])
                : FakeServer.Response(status: 200, headers: answer.headers, chunks: [answer.body])
        }
        defer { Task { await server.shutdown() } }
        var request = Self.chat
        request.model = "gpt-9-reasoner" // not known to be a reasoning model: the API says so
        let response = try await TestAdapters.provider("openai", baseURL: server.baseURL).generate(request)
        #expect(!response.text.isEmpty)
        #expect(server.requests.count == 2 && server.requests[1].json?["max_completion_tokens"]?.int == 300)
    }

    @Test func responsesSendsInputItemsInstructionsMaxOutputTokensAndStoreFalse() async throws {
        let sent = try await capture("responses", stream: true, fixture: "openai-responses-stream-basic.sse")
        #expect(sent.method == "POST" && sent.uri == "/v1/responses")
        #expect(sent.header("authorization") == "Bearer \(TestAdapters.key)")
        let body = try #require(sent.json)
        #expect(body["model"]?.string == "m" && body["instructions"]?.string == "Be brief.")
        let input = try #require(body["input"]?.array)
        #expect(input.map { $0["role"]?.string } == ["user", "assistant", "user"]) // the system prompt is the instructions
        #expect(input[0]["content"]?.array?.first == .object(["type": .string("input_text"), "text": .string("Earlier question")]))
        #expect(input[1]["content"]?.array?.first?["type"]?.string == "output_text")
        let parts = try #require(input[2]["content"]?.array)
        #expect(parts.map { $0["type"]?.string } == ["input_text", "input_image"])
        #expect(parts[1]["image_url"]?.string == "data:image/png;base64,iVBORw==" && parts[1]["detail"]?.string == "auto")
        #expect(body["max_output_tokens"]?.int == 300 && body["temperature"]?.double == 0.5)
        #expect(body["store"]?.bool == false && body["stream"]?.bool == true)
        // Not on this API: the stop sequence is applied by Genesis, and there is no seed.
        for absent in ["messages", "max_tokens", "max_completion_tokens", "stop", "seed", "stream_options", "reasoning"] {
            #expect(body[absent] == nil, "\(absent)")
        }
    }

    @Test func aModelServedOnlyOnResponsesGoesThereAskingForItsReasoningSummary() async throws {
        var request = Self.chat
        request.model = "gpt-5.5-pro"
        request.parameters.reasoning = .max
        let sent = try await capture("openai", request, stream: false, fixture: "openai-responses-nonstream.http")
        #expect(sent.uri == "/v1/responses")
        let body = try #require(sent.json)
        #expect(body["reasoning"] == .object(["effort": .string("max"), "summary": .string("auto")]))
        #expect(body["temperature"] == nil && body["top_p"] == nil && body["stream"]?.bool == false)
    }

    @Test(arguments: [(ReasoningLevel.off, "none"), (.minimal, "minimal"), (.low, "low"), (.medium, "medium"), (.high, "high"), (.xhigh, "xhigh"), (.max, "max")])
    func theReasoningKnobIsTheResponsesEffort(level: ReasoningLevel, effort: String) {
        #expect(OpenAIEffort.value(level) == effort)
    }

    @Test func noReasoningAsksForNoSummaryAndJSONModeIsTheTextFormat() async throws {
        var request = Self.chat
        request.model = "o3-pro"
        request.parameters.reasoning = ReasoningLevel.off
        request.parameters.responseFormat = .json
        let sent = try await capture("openai", request, stream: false, fixture: "openai-responses-nonstream.http")
        let body = try #require(sent.json)
        #expect(body["reasoning"] == .object(["effort": .string("none")]))
        #expect(body["text"]?["format"]?["type"]?.string == "json_object")
    }

    @Test func theAPIAndStoreAreTakenFromTheProvidersConfiguration() async throws {
        let answer = Fixtures.http("openai-responses-nonstream.http")
        let server = try await FakeServer { _ in FakeServer.Response(status: 200, headers: answer.headers, chunks: [answer.body]) }
        defer { Task { await server.shutdown() } }
        var openAI = ProviderConfiguration(kind: "openai", baseURL: server.baseURL + "/v1", apiKeyEnvironment: ["K"])
        openAI.modelAPIs = ["gpt-4.1": .responses]
        openAI.storesResponses = true
        var configuration = GenesisConfiguration()
        configuration.providers["openai"] = openAI
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory, environment: ["K": TestAdapters.key])
        let result = try await registry.generateText(provider: "openai", model: "gpt-4.1", prompt: "hi", temperature: 1)
        #expect(result.text.hasPrefix("Darjeeling"))
        #expect(server.requests.first?.uri == "/v1/responses" && server.requests.first?.json?["store"]?.bool == true)
    }

    @Test func anthropicSendsItsHeadersRequiredMaxTokensAndATopLevelSystem() async throws {
        var request = Self.chat
        request.parameters.maxTokens = nil
        request.messages.insert(.user("and another"), at: 1) // two user turns in a row get merged
        let sent = try await capture("anthropic", request, stream: true, fixture: "anthropic-stream-basic.sse")
        #expect(sent.uri == "/v1/messages")
        #expect(sent.header("x-api-key") == TestAdapters.key && sent.header("anthropic-version") == "2023-06-01")
        #expect(sent.header("authorization") == nil)
        let body = try #require(sent.json)
        #expect(body["max_tokens"]?.int == AnthropicFormat.defaultMaxTokens)
        #expect(body["system"]?.string == "Be brief.")
        let messages = try #require(body["messages"]?.array)
        #expect(messages.map { $0["role"]?.string } == ["user", "assistant", "user"])
        #expect(messages.allSatisfy { $0["role"]?.string != "system" })
        let image = try #require(messages[2]["content"]?.array?[1])
        #expect(image["type"]?.string == "image" && image["source"]?["type"]?.string == "base64")
        #expect(image["source"]?["media_type"]?.string == "image/png" && image["source"]?["data"]?.string == "iVBORw==")
        #expect(body["stop_sequences"]?.array?.first?.string == "END" && body["stream"]?.bool == true)
    }

    @Test func geminiPutsTheKeyInAHeaderNeverInTheURL() async throws {
        let sent = try await capture("gemini", stream: true, fixture: "gemini-stream-basic.sse")
        #expect(sent.uri == "/v1beta/models/m:streamGenerateContent?alt=sse")
        #expect(sent.header("x-goog-api-key") == TestAdapters.key && !sent.uri.contains("key="))
        let body = try #require(sent.json)
        #expect(body["systemInstruction"]?["parts"]?.array?.first?["text"]?.string == "Be brief.")
        let contents = try #require(body["contents"]?.array)
        #expect(contents.map { $0["role"]?.string } == ["user", "model", "user"])
        #expect(contents[2]["parts"]?.array?[1]["inline_data"]?["mime_type"]?.string == "image/png")
        let config = try #require(body["generationConfig"])
        #expect(config["maxOutputTokens"]?.int == 300 && config["temperature"]?.double == 0.5)
        #expect(config["stopSequences"]?.array?.first?.string == "END")
        #expect(body["max_tokens"] == nil)
    }

    @Test func geminiStripsTheModelsPrefixAndUsesGenerateContentWhenNotStreaming() async throws {
        var request = Self.chat
        request.model = "models/gemini-2.0-flash"
        let sent = try await capture("gemini", request, stream: false, fixture: "gemini-nonstream.http")
        #expect(sent.uri == "/v1beta/models/gemini-2.0-flash:generateContent")
    }

    @Test func mistralSendsNoOpenAIOnlyFieldsAndItsOwnSeed() async throws {
        let sent = try await capture("mistral", stream: true, fixture: "mistral-stream.sse")
        #expect(sent.uri == "/v1/chat/completions" && sent.header("authorization") == "Bearer \(TestAdapters.key)")
        let body = try #require(sent.json)
        #expect(body["stream_options"] == nil && body["seed"] == nil && body["random_seed"]?.int == 42)
        #expect(body["max_tokens"]?.int == 300 && body["max_completion_tokens"] == nil)
        let parts = try #require(body["messages"]?.array?[3]["content"]?.array)
        #expect(parts[1]["image_url"]?.string == "data:image/png;base64,iVBORw==")
    }

    @Test func mistralFineTunedModelsAreSentByTheirFullId() async throws {
        var request = Self.chat
        request.model = "ft:open-mistral-7b:587a6b29:20240514:7e773925"
        let sent = try await capture("mistral", request, stream: false, fixture: "mistral-nonstream.http")
        #expect(sent.json?["model"]?.string == "ft:open-mistral-7b:587a6b29:20240514:7e773925")
    }

    @Test func ollamaSendsOptionsImagesAndAnExplicitStreamFalse() async throws {
        let sent = try await capture("ollama", stream: false, fixture: "ollama-chat-nonstream.http")
        #expect(sent.uri == "/api/chat" && sent.header("authorization") == "Bearer \(TestAdapters.key)")
        let body = try #require(sent.json)
        #expect(body["stream"]?.bool == false)
        #expect(body["options"]?["num_predict"]?.int == 300 && body["options"]?["temperature"]?.double == 0.5)
        #expect(body["options"]?["stop"]?.array?.first?.string == "END")
        let last = try #require(body["messages"]?.array?.last)
        #expect(last["images"]?.array?.first?.string == "iVBORw==" && last["content"]?.string == "What is this?")
    }

    @Test func llamaCppUsesTheOpenAIShapeUnderItsHostRoot() async throws {
        let sent = try await capture("llamacpp", stream: true, fixture: "llamacpp-stream.sse")
        #expect(sent.uri == "/v1/chat/completions")
        #expect(sent.json?["stream_options"]?["include_usage"]?.bool == true)
    }

    @Test(arguments: ["OLLAMA_HOST=localhost", "OLLAMA_HOST=10.0.0.5:9999", "OLLAMA_HOST=https://ollama.example.com", "OLLAMA_HOST=0.0.0.0"])
    func ollamaHostAcceptsEveryDocumentedForm(setting: String) {
        let value = String(setting.dropFirst("OLLAMA_HOST=".count))
        let expected = ["localhost": "http://localhost:11434", "10.0.0.5:9999": "http://10.0.0.5:9999",
                        "https://ollama.example.com": "https://ollama.example.com:11434", "0.0.0.0": "http://127.0.0.1:11434"]
        #expect(OllamaFormat.baseURL(fromHost: value) == expected[value])
    }
}
