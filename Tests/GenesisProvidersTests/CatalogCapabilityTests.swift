import GenesisEngine
@testable import GenesisProviders
import Testing

/// What a model takes comes from the catalog where it lists the model (PROTOCOLS 9.3, 9.5), and
/// from name families for ids it does not list.
@Suite("The catalog says what a model takes")
struct CatalogCapabilityTests {
    static func request(_ model: String, temperature: Double? = 0.5, reasoning: ReasoningLevel? = nil) -> ProviderRequest {
        ProviderRequest(model: model, messages: [.user("Why is the sky blue?")],
                        parameters: GenerationParameters(maxTokens: 300, temperature: temperature, reasoning: reasoning))
    }

    /// A catalog of one provider's models, as an imported one would be.
    static func catalog(_ prices: [ModelPrice]) -> PriceMemo { PriceMemo(PriceTable(prices)) }

    @Test("an OpenAI model the catalog marks responses goes to the Responses API, whatever its name")
    func responsesModeFromTheCatalog() {
        let shipped = OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: "http://x/v1")
        #expect(shipped.servesOnlyResponses("gpt-daybreak-red-latest")) // mode responses in LiteLLM, no -pro or -codex in its name
        #expect(!shipped.servesOnlyResponses("gpt-5.5") && shipped.servesOnlyResponses("gpt-5.5-pro"))
        let imported = OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: "http://x/v1",
                                        catalog: Self.catalog([ModelPrice(provider: "openai", model: "gpt-9-agent", inputPerMillion: 1, outputPerMillion: 1, mode: "responses")]))
        #expect(imported.servesOnlyResponses("gpt-9-agent") && imported.servesOnlyResponses("gpt-9-agent-2027-01-15"))
        let compatible = OpenAIChatFormat(provider: "openai", dialect: .compatible, baseURL: "http://x/v1")
        #expect(!compatible.servesOnlyResponses("gpt-daybreak-red-latest"))
    }

    @Test("a Claude model the catalog says refuses sampling gets adaptive thinking and no temperature, even where its family says otherwise")
    func anthropicSamplingFromTheCatalog() throws {
        let format = AnthropicFormat(provider: "anthropic", baseURL: "http://x")
        // claude-sonnet-5: the family table gives budget thinking; LiteLLM says supports_sampling_params false.
        let spec = try format.chatRequest(Self.request("claude-sonnet-5", reasoning: .high), stream: true, key: nil)
        #expect(spec.body?["thinking"]?["type"]?.string == "adaptive" && spec.body?["temperature"] == nil)
        #expect(spec.notes == ["claude-sonnet-5 takes no temperature or top_p; sent without them"])
        // A model no family knows, that an imported catalog describes.
        let imported = AnthropicFormat(provider: "anthropic", baseURL: "http://x", catalog: Self.catalog([
            ModelPrice(provider: "anthropic", model: "claude-quill-6", inputPerMillion: 1, outputPerMillion: 5, supportsReasoning: true, supportsSampling: false),
            ModelPrice(provider: "anthropic", model: "claude-lark-6", inputPerMillion: 1, outputPerMillion: 5, supportsReasoning: true),
        ]))
        let quill = try imported.chatRequest(Self.request("claude-quill-6", reasoning: .low), stream: true, key: nil)
        #expect(quill.body?["thinking"]?["type"]?.string == "adaptive" && quill.body?["output_config"]?["effort"]?.string == "low")
        let lark = try imported.chatRequest(Self.request("claude-lark-6", temperature: nil, reasoning: .low), stream: true, key: nil)
        #expect(lark.body?["thinking"]?["type"]?.string == "enabled") // reasons, takes sampling: a thinking budget
    }

    @Test("a Gemini model the catalog says refuses sampling is sent no temperature, with a notice")
    func geminiSamplingFromTheCatalog() throws {
        let format = GeminiFormat(provider: "gemini", baseURL: "http://x")
        let refusing = try format.chatRequest(Self.request("gemini-3.6-flash"), stream: true, key: nil)
        #expect(refusing.body?["generationConfig"]?["temperature"] == nil && refusing.body?["generationConfig"]?["maxOutputTokens"]?.int == 300)
        #expect(refusing.notes == ["gemini-3.6-flash takes no temperature or top_p; sent without them"])
        let taking = try format.chatRequest(Self.request("gemini-3.5-flash"), stream: true, key: nil)
        #expect(taking.body?["generationConfig"]?["temperature"]?.double == 0.5 && taking.notes.isEmpty)
    }

    @Test("Anthropic's 1-hour cache writes are counted apart, merged across message_start and message_delta")
    func anthropicHourLongCacheWrites() throws {
        let start = try #require(AnthropicFormat.usage(JSONValue.parse(#"{"input_tokens":10,"cache_creation_input_tokens":3000,"cache_read_input_tokens":500,"cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":2000},"output_tokens":1}"#), merging: nil))
        #expect(start.inputTokens == 3510 && start.cacheWriteTokens == 3000 && start.cacheWrite1hTokens == 2000 && start.cachedInputTokens == 500)
        let end = try #require(AnthropicFormat.usage(JSONValue.parse(#"{"output_tokens":420}"#), merging: start))
        #expect(end.cacheWrite1hTokens == 2000 && end.outputTokens == 420 && end.inputTokens == 3510)
    }
}
