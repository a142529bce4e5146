import GenesisTestSupport
import Foundation
import GenesisEngine
@testable import GenesisProviders
import Testing

/// PROTOCOLS 9.3: a 400 that names one optional setting as unsupported drops that setting and
/// sends the request again, with a notice, for every provider; a refused part of the prompt is
/// never dropped.
@Suite("Settings a model refuses are left out, for every provider")
struct ParameterDriftTests {
    static func error(_ status: Int, _ body: String) -> FakeServer.Response {
        FakeServer.Response(status: status, headers: [("content-type", "application/json")], chunks: [Array(body.utf8)])
    }

    static func answer(_ fixture: String) -> FakeServer.Response {
        let recorded = Fixtures.http(fixture)
        return FakeServer.Response(status: 200, headers: recorded.headers, chunks: [recorded.body])
    }

    /// A server that answers `refusal` to a request whose body `refuses`, and `fixture` to the rest.
    static func server(refusing refuses: @escaping @Sendable (JSONValueForTests?) -> Bool, with refusal: String,
                       answering fixture: String) async throws -> FakeServer {
        try await FakeServer { sent in refuses(JSONValueForTests.parse(sent.body)) ? Self.error(400, refusal) : Self.answer(fixture) }
    }

    /// ``request`` at `reasoning` (on `model`, or the unknown one), through `kind`'s adapter.
    static func ask(_ kind: String, model: String? = nil, reasoning: ReasoningLevel, topP: Double? = 0.9,
                    server: FakeServer) async throws -> ProviderResponse {
        var request = Self.request
        request.model = model ?? request.model
        request.parameters.topP = topP
        request.parameters.reasoning = reasoning
        return try await TestAdapters.provider(kind, baseURL: server.baseURL).generate(request)
    }

    static var request: ProviderRequest {
        var request = RequestShapeTests.chat
        request.model = "new-model-9" // unknown to Genesis: only the API's answer says what it refuses
        request.messages = [.user("What is this?")]
        request.parameters.topP = 0.9
        return request
    }

    @Test("the setting a refusal names is found in the provider's words, and only a setting that may be dropped", arguments: [
        ("`temperature` is deprecated for this model.", "temperature"),
        ("`temperature` and `top_p` cannot both be specified for this model. Please use only one.", "top_p"),
        ("top_k: Extra inputs are not permitted", "top_k"),
        ("The model does not support the parameter 'top_p'", "top_p"),
    ])
    func findingTheRefusedSetting(message: String, expected: String) {
        #expect(RefusedParameter.named(in: message, among: AnthropicFormat.droppable) == expected)
    }

    @Test("no setting is named when the message refuses none, names several, or names something else")
    func nothingToDrop() {
        #expect(RefusedParameter.named(in: "max_tokens: 100000 > 64000, which is the maximum", among: AnthropicFormat.droppable) == nil)
        #expect(RefusedParameter.named(in: "temperature: must be at most 1.0", among: AnthropicFormat.droppable) == nil) // a bad value, not a refused setting
        #expect(RefusedParameter.named(in: "top_p and top_k are not supported", among: AnthropicFormat.droppable) == nil)
        #expect(RefusedParameter.named(in: "messages: image is not supported", among: AnthropicFormat.droppable) == nil)
        #expect(RefusedParameter.named(in: "top_p_max is unsupported", among: ["top_p"]) == nil)
    }

    @Test("Anthropic: a model that says temperature is deprecated is asked again without it, with a notice")
    func anthropic() async throws {
        let server = try await FakeServer { sent in
            let body = JSONValueForTests.parse(sent.body)
            if body?["temperature"] != nil {
                return Self.error(400, #"{"type":"error","error":{"type":"invalid_request_error","message":"`temperature` is deprecated for this model."},"request_id":"req_011"}"#)
            }
            if body?["top_p"] != nil {
                return Self.error(400, #"{"type":"error","error":{"type":"invalid_request_error","message":"`top_p` is deprecated for this model."}}"#)
            }
            return Self.answer("anthropic-nonstream.http")
        }
        defer { Task { await server.shutdown() } }
        var request = Self.request
        request.parameters.topP = nil
        let response = try await TestAdapters.provider("anthropic", baseURL: server.baseURL).generate(request)
        #expect(!response.text.isEmpty)
        #expect(server.requests.count == 2 && server.requests[1].json?["temperature"] == nil)
        #expect(server.requests[1].json?["max_tokens"]?.int == 300) // what was not refused stays
        #expect(response.notices == ["new-model-9 refused temperature; sent without it"])
    }

    @Test("Gemini: an unknown generationConfig field or a refused thinking level is left out, the rest of the config kept")
    func gemini() async throws {
        let server = try await FakeServer { sent in
            let config = JSONValueForTests.parse(sent.body)?["generationConfig"]
            if config?["topP"] != nil {
                return Self.error(400, #"{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"topP\" at 'generation_config': Cannot find field.","status":"INVALID_ARGUMENT"}}"#)
            }
            if config?["thinkingConfig"]?["thinkingLevel"] != nil {
                return Self.error(400, #"{"error":{"code":400,"message":"Thinking level is not supported for this model.","status":"INVALID_ARGUMENT"}}"#)
            }
            return Self.answer("gemini-nonstream.http")
        }
        defer { Task { await server.shutdown() } }
        var request = Self.request
        request.model = "gemini-3.9-flash"
        request.parameters.reasoning = .high
        let response = try await TestAdapters.provider("gemini", baseURL: server.baseURL).generate(request)
        #expect(!response.text.isEmpty && server.requests.count == 3)
        let last = try #require(server.requests.last?.json?["generationConfig"])
        #expect(last["topP"] == nil && last["thinkingConfig"]?["thinkingLevel"] == nil)
        #expect(last["temperature"]?.double == 0.5 && last["maxOutputTokens"]?.int == 300 && last["thinkingConfig"]?["includeThoughts"]?.bool == true)
        #expect(response.notices == ["gemini-3.9-flash refused topP; sent without it", "gemini-3.9-flash refused thinkingLevel; sent without it"])
    }

    @Test("Mistral: a 422 whose detail names an extra field is sent again without that field")
    func mistral() async throws {
        let server = try await FakeServer { sent in
            JSONValueForTests.parse(sent.body)?["top_p"] != nil
                ? Self.error(422, #"{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","top_p"],"msg":"Extra inputs are not permitted","input":0.9}]},"type":"invalid_request_error","param":null,"code":null}"#)
                : Self.answer("mistral-nonstream.http")
        }
        defer { Task { await server.shutdown() } }
        let response = try await TestAdapters.provider("mistral", baseURL: server.baseURL).generate(Self.request)
        #expect(!response.text.isEmpty && server.requests.count == 2 && server.requests[1].json?["top_p"] == nil)
        #expect(server.requests[1].json?["temperature"]?.double == 0.5)
        #expect(response.notices == ["new-model-9 refused top_p; sent without it"])
    }

    @Test("Ollama: a model that does not think is asked again without think, so a reasoning default cannot fail every other model")
    func ollamaWithoutThinking() async throws {
        let server = try await Self.server(refusing: { $0?["think"] != nil }, with: #"{"error":"\"llama3.2\" does not support thinking"}"#,
                                           answering: "ollama-chat-nonstream.http")
        defer { Task { await server.shutdown() } }
        let response = try await Self.ask("ollama", model: "llama3.2", reasoning: .high, server: server)
        #expect(!response.text.isEmpty && server.requests.count == 2 && server.requests[1].json?["think"] == nil)
        #expect(server.requests[1].json?["options"]?["temperature"]?.double == 0.5)
        #expect(response.notices == ["llama3.2 refused thinking; sent without it"])
    }

    @Test("Anthropic: a model newer than the catalog that refuses thinking is asked again without it")
    func anthropicWithoutThinking() async throws {
        let server = try await Self.server(refusing: { $0?["thinking"] != nil },
                                           with: #"{"type":"error","error":{"type":"invalid_request_error","message":"'new-model-9' does not support thinking."}}"#,
                                           answering: "anthropic-nonstream.http")
        defer { Task { await server.shutdown() } }
        let response = try await Self.ask("anthropic", reasoning: .low, topP: nil, server: server)
        #expect(!response.text.isEmpty && server.requests.count == 2)
        let (thinking, plain) = (try #require(server.requests[0].json), try #require(server.requests[1].json))
        #expect(thinking["thinking"]?["budget_tokens"]?.int == 2048 && thinking["max_tokens"]?.int == 2348 && thinking["temperature"] == nil)
        // Without thinking, the request is what it would have been without a level: what thinking changed is undone.
        #expect(plain["thinking"] == nil && plain["max_tokens"]?.int == 300 && plain["temperature"]?.double == 0.5)
        #expect(response.notices == ["new-model-9 refused thinking; sent without it"])
    }

    @Test("Gemini: a model that refuses thinking levels altogether is sent none at once, whatever the level")
    func geminiWithoutThinkingLevels() async throws {
        let server = try await Self.server(refusing: { $0?["generationConfig"]?["thinkingConfig"]?["thinkingLevel"] != nil },
                                           with: #"{"error":{"code":400,"message":"Thinking level is not supported for this model.","status":"INVALID_ARGUMENT"}}"#,
                                           answering: "gemini-nonstream.http")
        defer { Task { await server.shutdown() } }
        let response = try await Self.ask("gemini", model: "gemini-3.9-flash", reasoning: .minimal, server: server)
        #expect(!response.text.isEmpty && server.requests.count == 2, "a level the message does not name is not stepped")
        #expect(response.notices == ["gemini-3.9-flash refused thinkingLevel; sent without it"])
    }

    @Test("a refusal of the prompt itself is an error, never a resend without it", arguments: ["anthropic", "gemini", "mistral"])
    func thePromptIsNeverDropped(kind: String) async throws {
        let server = try await FakeServer { _ in
            Self.error(400, #"{"type":"error","error":{"type":"invalid_request_error","message":"messages.0.content: image is not supported for this model","code":400,"status":"INVALID_ARGUMENT"}}"#)
        }
        defer { Task { await server.shutdown() } }
        await #expect(throws: ProviderError.self) { try await TestAdapters.provider(kind, baseURL: server.baseURL).generate(Self.request) }
        #expect(server.requests.count == 1)
    }
}
