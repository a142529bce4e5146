import GenesisEngine
@testable import GenesisProviders
import Testing

/// `--reasoning LEVEL` as each provider takes it, and what an adapter changes so that a model
/// takes the request, said as notices.
@Suite("Reasoning settings as each provider takes them")
struct ReasoningRequestTests {
    static func request(_ model: String, _ level: ReasoningLevel?, maxTokens: Int? = 300, temperature: Double? = 0.5) -> ProviderRequest {
        ProviderRequest(model: model, messages: [.user("Why is the sky blue?")],
                        parameters: GenerationParameters(maxTokens: maxTokens, temperature: temperature, reasoning: level))
    }

    static func body(_ spec: HTTPRequestSpec) -> JSONValue { spec.body ?? .null }

    @Test("OpenAI chat: reasoning_effort, max as max (xhigh on a compatible server); none as none; unset sends nothing")
    func openAI() throws {
        let format = OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: "http://x/v1")
        #expect(Self.body(try format.chatRequest(Self.request("gpt-5.1", .low), stream: true, key: nil))["reasoning_effort"]?.string == "low")
        #expect(Self.body(try format.chatRequest(Self.request("gpt-5.5", .max), stream: true, key: nil))["reasoning_effort"]?.string == "max")
        #expect(Self.body(try format.chatRequest(Self.request("gpt-5.5", .xhigh), stream: true, key: nil))["reasoning_effort"]?.string == "xhigh")
        let compatible = OpenAIChatFormat(provider: "deepseek", dialect: .compatible, baseURL: "http://x/v1")
        #expect(Self.body(try compatible.chatRequest(Self.request("deepseek-reasoner", .max), stream: true, key: nil))["reasoning_effort"]?.string == "xhigh")
        #expect(Self.body(try format.chatRequest(Self.request("gpt-5.1", .off), stream: true, key: nil))["reasoning_effort"]?.string == "none")
        #expect(Self.body(try format.chatRequest(Self.request("gpt-5.1", nil), stream: true, key: nil))["reasoning_effort"] == nil)
    }

    @Test("a model that refuses reasoning_effort gets the request again without it, with a notice")
    func refusedEffortIsDropped() throws {
        let format = OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: "http://x/v1")
        let original = try format.chatRequest(Self.request("gpt-4o", .high), stream: true, key: nil)
        let refusal = HTTPErrorDetails(status: 400, headers: [:], body: Array(#"{"error":{"message":"Unrecognized request argument supplied: reasoning_effort","type":"invalid_request_error","param":"reasoning_effort","code":"unsupported_parameter"}}"#.utf8))
        let retry = try #require(format.retryRequest(after: refusal, original: original))
        #expect(Self.body(retry)["reasoning_effort"] == nil && Self.body(retry)["temperature"]?.double == 0.5)
        #expect(retry.notes == ["the model refused reasoning_effort (unsupported_parameter); sent without it"])
    }

    @Test("Anthropic: a thinking budget of at least 1,024 below max_tokens, raised with a notice; no temperature with thinking")
    func anthropicBudget() throws {
        let format = AnthropicFormat(provider: "anthropic", baseURL: "http://x")
        let spec = try format.chatRequest(Self.request("claude-sonnet-4-6", .medium), stream: true, key: nil)
        let body = Self.body(spec)
        #expect(body["thinking"]?["type"]?.string == "enabled" && body["thinking"]?["budget_tokens"]?.int == 8192)
        #expect(body["max_tokens"]?.int == 8492, "the asked 300 tokens of answer on top of the budget")
        #expect(body["temperature"] == nil)
        #expect(spec.notes == ["max_tokens raised from 300 to 8492 to fit a thinking budget of 8192",
                               "thinking takes no temperature or top_p; sent without them"])
        let minimal = Self.body(try format.chatRequest(Self.request("claude-haiku-4-5", .minimal, maxTokens: nil, temperature: nil), stream: true, key: nil))
        #expect(minimal["thinking"]?["budget_tokens"]?.int == 1024 && minimal["max_tokens"]?.int == 4096)
        let off = Self.body(try format.chatRequest(Self.request("claude-sonnet-4-6", .off), stream: true, key: nil))
        #expect(off["thinking"] == nil && off["temperature"]?.double == 0.5)
    }

    @Test("Claude 3 and 3.5, which the catalog knows as models that do not think, are sent no thinking, with a notice")
    func anthropicWithoutThinking() throws {
        let format = AnthropicFormat(provider: "anthropic", baseURL: "http://x")
        let spec = try format.chatRequest(Self.request("claude-3-5-haiku", .high), stream: true, key: nil)
        #expect(Self.body(spec)["thinking"] == nil && Self.body(spec)["max_tokens"]?.int == 300 && Self.body(spec)["temperature"]?.double == 0.5)
        #expect(spec.notes == ["claude-3-5-haiku does not think; sent without thinking settings"])
        #expect(try format.chatRequest(Self.request("claude-3-opus", .off), stream: true, key: nil).notes.isEmpty)
        let sonnet = Self.body(try format.chatRequest(Self.request("claude-3-7-sonnet", .low), stream: true, key: nil))
        #expect(sonnet["thinking"]?["budget_tokens"]?.int == 2048, "3.7 Sonnet thinks")
    }

    @Test("Claude Opus 4.8 takes only adaptive thinking with an effort, and no sampling settings")
    func anthropicAdaptive() throws {
        let format = AnthropicFormat(provider: "anthropic", baseURL: "http://x")
        let spec = try format.chatRequest(Self.request("claude-opus-4-8", .max), stream: true, key: nil)
        let body = Self.body(spec)
        #expect(body["thinking"]?["type"]?.string == "adaptive" && body["output_config"]?["effort"]?.string == "max")
        #expect(body["temperature"] == nil && body["top_p"] == nil && body["max_tokens"]?.int == 300)
        #expect(spec.notes == ["claude-opus-4-8 takes no temperature or top_p; sent without them"])
        let xhigh = Self.body(try format.chatRequest(Self.request("claude-opus-4-8", .xhigh), stream: true, key: nil))
        #expect(xhigh["output_config"]?["effort"]?.string == "xhigh", "Anthropic's effort has xhigh between high and max")
        let unset = try format.chatRequest(Self.request("claude-opus-4-8-20261101", nil), stream: true, key: nil)
        #expect(Self.body(unset)["thinking"] == nil && Self.body(unset)["temperature"] == nil, "a dated snapshot is the same model")
        #expect(Self.body(try format.chatRequest(Self.request("claude-opus-4-1", nil), stream: true, key: nil))["temperature"]?.double == 0.5,
                "Opus 4.1 is not Opus 4.8")
    }

    @Test("Gemini: thought summaries asked for on thinking models; thinkingLevel on 3.x, thinkingBudget on 2.5")
    func gemini() throws {
        let format = GeminiFormat(provider: "gemini", baseURL: "http://x")
        func thinking(_ model: String, _ level: ReasoningLevel?) throws -> JSONValue? {
            Self.body(try format.chatRequest(Self.request(model, level), stream: true, key: nil))["generationConfig"]?["thinkingConfig"]
        }
        #expect(try thinking("gemini-3.5-flash", nil)?["includeThoughts"]?.bool == true)
        #expect(try thinking("gemini-3.5-flash", .high)?["thinkingLevel"]?.string == "HIGH")
        #expect(try thinking("gemini-2.5-flash", .off)?["thinkingBudget"]?.int == 0)
        #expect(try thinking("gemini-2.5-pro", .medium)?["thinkingBudget"]?.int == 8192)
        #expect(try thinking("gemini-2.0-flash", .high) == nil, "a model that does not think gets no thinking settings")
    }

    @Test("Gemini 2.5 Pro cannot stop thinking: none is the smallest budget, with a notice")
    func geminiProThinksAlways() throws {
        let format = GeminiFormat(provider: "gemini", baseURL: "http://x")
        let spec = try format.chatRequest(Self.request("gemini-2.5-pro", .off), stream: true, key: nil)
        let thinking = Self.body(spec)["generationConfig"]?["thinkingConfig"]
        #expect(thinking?["thinkingBudget"]?.int == 128 && thinking?["includeThoughts"]?.bool == false)
        #expect(spec.notes == ["gemini-2.5-pro cannot turn its thinking off; sent the smallest budget, 128 tokens"])
        #expect(try format.chatRequest(Self.request("gemini-2.5-pro-preview-06-05", .off), stream: true, key: nil).notes == [
            "gemini-2.5-pro-preview-06-05 cannot turn its thinking off; sent the smallest budget, 128 tokens"])
    }

    @Test("Gemini: a budget of 0 a model refuses becomes the smallest; a refused thinking level the next towards HIGH")
    func geminiRefusedThinking() throws {
        let format = GeminiFormat(provider: "gemini", baseURL: "http://x")
        func refusal(_ message: String) -> HTTPErrorDetails {
            HTTPErrorDetails(status: 400, headers: [:], body: Array(#"{"error":{"code":400,"message":"\#(message)","status":"INVALID_ARGUMENT"}}"#.utf8))
        }
        let off = try format.chatRequest(Self.request("gemini-2.5-flash-thinker", .off), stream: true, key: nil)
        let budget = try #require(format.retryRequest(after: refusal("Budget 0 is invalid. This model only works in thinking mode."), original: off))
        #expect(Self.body(budget)["generationConfig"]?["thinkingConfig"] == ["thinkingBudget": 128, "includeThoughts": false])
        #expect(budget.notes == ["gemini-2.5-flash-thinker cannot turn its thinking off; sent the smallest budget, 128 tokens"])

        let minimal = try format.chatRequest(Self.request("gemini-3.9-pro", .minimal), stream: true, key: nil)
        let low = try #require(format.retryRequest(after: refusal("Thinking level MINIMAL is not supported for this model."), original: minimal))
        #expect(Self.body(low)["generationConfig"]?["thinkingConfig"]?["thinkingLevel"]?.string == "LOW")
        #expect(Self.body(low)["generationConfig"]?["temperature"]?.double == 0.5)
        #expect(low.notes == ["gemini-3.9-pro refused thinking level MINIMAL; sent LOW"])
    }

    @Test("Mistral: its models take reasoning_effort none or high, so a level is sent as the nearer, with a notice")
    func mistralEfforts() throws {
        let format = OpenAIChatFormat(provider: "mistral", dialect: .mistral, baseURL: "http://x")
        func sent(_ model: String, _ level: ReasoningLevel) throws -> (String?, [String]) {
            let spec = try format.chatRequest(Self.request(model, level), stream: true, key: nil)
            return (Self.body(spec)["reasoning_effort"]?.string, spec.notes)
        }
        #expect(try sent("mistral-small-latest", .high) == ("high", []))
        #expect(try sent("mistral-small-latest", .off) == ("none", []))
        #expect(try sent("mistral-medium-3-5", .low) == ("high", ["mistral-medium-3-5 takes reasoning_effort none or high; sent high for low"]))
        #expect(try sent("mistral-small-latest", .minimal) == ("none", ["mistral-small-latest takes reasoning_effort none or high; sent none for minimal"]))
        #expect(try sent("mistral-small-latest", .max) == ("high", ["mistral-small-latest takes reasoning_effort none or high; sent high for max"]))
        #expect(try sent("mistral-large-latest", .low) == ("low", []), "a model the documentation does not list gets the effort as asked")
        #expect(try sent("zai-glm-5-3", .low) == ("low", []), "a model of another family on Mistral gets the effort as asked")
    }

    @Test("OpenAI takes four stop sequences and Gemini five: the rest are applied by Genesis")
    func stopSequenceLimits() throws {
        let stops = ["one", "two", "three", "four", "five", "six", "seven"]
        var request = Self.request("gpt-4.1", nil)
        request.parameters.stopSequences = stops
        let openAI = OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: "http://x/v1")
        #expect(Self.body(try openAI.chatRequest(request, stream: true, key: nil))["stop"] == .array(stops.prefix(4).map(JSONValue.string)))
        #expect(openAI.unsentStopSequences(request) == ["five", "six", "seven"])
        let compatible = OpenAIChatFormat(provider: "vllm", dialect: .compatible, baseURL: "http://x/v1")
        #expect(Self.body(try compatible.chatRequest(request, stream: true, key: nil))["stop"]?.array?.count == 7)
        #expect(compatible.unsentStopSequences(request).isEmpty)
        request.model = "gemini-2.5-flash"
        let gemini = GeminiFormat(provider: "gemini", baseURL: "http://x")
        #expect(Self.body(try gemini.chatRequest(request, stream: true, key: nil))["generationConfig"]?["stopSequences"]?.array?.count == 5)
        #expect(gemini.unsentStopSequences(request) == ["six", "seven"])
        request.model = "o3"
        #expect(openAI.unsentStopSequences(request) == stops, "a reasoning model is sent none")
    }

    @Test("Ollama: think false for none, a level for gpt-oss, true for other thinking models")
    func ollama() throws {
        let format = OllamaFormat(provider: "ollama", baseURL: "http://x")
        #expect(Self.body(try format.chatRequest(Self.request("qwen3:8b", .off), stream: true, key: nil))["think"]?.bool == false)
        #expect(Self.body(try format.chatRequest(Self.request("qwen3:8b", .high), stream: true, key: nil))["think"]?.bool == true)
        #expect(Self.body(try format.chatRequest(Self.request("gpt-oss:20b", .medium), stream: true, key: nil))["think"]?.string == "medium")
        #expect(Self.body(try format.chatRequest(Self.request("qwen3:8b", nil), stream: true, key: nil))["think"] == nil)
    }
}
