import GenesisEngine
import Testing

/// Which of OpenAI's APIs a model goes to: the models served only on Responses, and `api` and
/// `store` in the configuration.
@Suite("OpenAI's Chat Completions and Responses APIs")
struct OpenAIAPITests {
    @Test("the models served only on the Responses API are known by name, and nothing else is one")
    func responsesOnlyNames() {
        for id in ["o1-pro", "o3-pro-2025-06-10", "gpt-5-pro", "gpt-5.5-pro", "GPT-5.4-PRO", "gpt-5-codex", "gpt-5.1-codex-mini",
                   "gpt-5.1-codex-max", "codex-mini-latest", "o3-deep-research", "o4-mini-deep-research-2025-06-26", "computer-use-preview"] {
            #expect(OpenAIAPI.servesOnlyResponses(id), "\(id)")
        }
        for id in ["", "gpt-5.5", "gpt-4o", "o3", "o3-mini", "gpt-5-nano", "professional", "gpt-5-prolific", "research-deep",
                   "computer-use", "gpt-4o-search-preview", "codexa-1"] {
            #expect(!OpenAIAPI.servesOnlyResponses(id), "\(id)")
        }
    }

    @Test func apiIsReadFromTheProviderAndItsModelBlocks() throws {
        let configuration = try ConfigLoader.parse("""
        [providers.openai]
        api = "chat"
        store = true

        [providers.openai.model."gpt-5.5-pro"]
        api = "responses"

        [providers.vllm]
        kind = "openai-compatible"
        base_url = "http://127.0.0.1:8000/v1"
        api = "responses"
        """, file: "config.toml", kinds: .shipped)
        let openAI = try #require(configuration.providers["openai"])
        #expect(openAI.api == .chat && openAI.modelAPIs == ["gpt-5.5-pro": .responses] && openAI.storesResponses)
        #expect(openAI.forcedAPI(for: "gpt-5.5-pro") == .responses && openAI.forcedAPI(for: "gpt-5.5") == .chat)
        #expect(configuration.providers["vllm"]?.api == .responses && configuration.providers["vllm"]?.storesResponses == false)
    }

    @Test func nothingSaidLeavesTheChoiceToTheAdapterAndResponsesUnstored() throws {
        let openAI = try #require(try ConfigLoader.parse("[providers.openai]\nrequests_per_minute = 5", file: "config.toml", kinds: .shipped).providers["openai"])
        #expect(openAI.api == nil && openAI.modelAPIs.isEmpty && openAI.forcedAPI(for: "gpt-5.5-pro") == nil && !openAI.storesResponses)
    }

    @Test func theSeedsModelBlockForcesItsModel() throws {
        let configuration = try ConfigLoader.parse(#"{"model_config": {"provider": "openai", "model": "my-proxy-pro", "api": "chat"}}"#, file: "genesis.json", kinds: .shipped)
        #expect(configuration.providers["openai"]?.modelAPIs == ["my-proxy-pro": .chat] && configuration.providers["openai"]?.api == nil)
    }

    @Test(arguments: [
        ("[providers.openai]\napi = \"completions\"", 2, "providers.openai.api", #"must be "chat" or "responses", got "completions"; delete the line to let Genesis choose per model"#),
        ("[providers.openai]\napi = 1", 2, "providers.openai.api", #"must be "chat" or "responses", got 1"#),
        ("[providers.openai]\nstore = \"yes\"", 2, "providers.openai.store", #"must be true (OpenAI keeps the responses) or false (it does not, the default), got "yes""#),
        ("[providers.openai.model.\"gpt-5.5-pro\"]\napi = \"respones\"", 2, "providers.openai.model.gpt-5.5-pro.api", #"must be "chat" or "responses", got "respones""#),
        ("[providers.openai.model.\"gpt-5.5-pro\"]\nendpoint = \"responses\"", 2, "providers.openai.model.gpt-5.5-pro.endpoint", "unknown key"),
        ("[providers.anthropic]\napi = \"responses\"", 2, "providers.anthropic.api",
         #"applies only to providers of kind "openai" or "openai-compatible", not "anthropic"; delete it"#),
        ("[providers.anthropic.model.\"claude-opus-4-8\"]\napi = \"chat\"", 2, "providers.anthropic.model.claude-opus-4-8.api",
         #"applies only to providers of kind "openai" or "openai-compatible""#),
        ("[providers.anthropic.model.\"claude-opus-4-8\"]\nreasoning = \"extreme\"", 2, "providers.anthropic.model.claude-opus-4-8.reasoning",
         #""extreme" is not a reasoning level; use one of none, minimal, low, medium, high, xhigh, max"#),
    ])
    func aWrongChoiceNamesFileLineAndKey(text: String, line: Int, key: String, message: String) throws {
        do {
            _ = try ConfigLoader.parse(text, file: "config.toml", kinds: .shipped)
            Issue.record("\(text) should be refused")
        } catch {
            #expect(error.file == "config.toml" && error.line == line && error.key == key)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test func aSeedForAnotherKindRefusesApi() throws {
        do {
            _ = try ConfigLoader.parse(#"{"model_config": {"provider": "mistral", "model": "mistral-small", "api": "responses"}}"#, file: "seed.json", kinds: .shipped)
            Issue.record("api for mistral should be refused")
        } catch {
            #expect(error.key == "model_config.api" && error.message.contains("applies only to providers of kind"))
        }
    }

    @Test("a model block's reasoning level, for any kind of provider, applies where a request sets none, over [defaults]")
    func reasoningPerModel() async throws {
        var configuration = try ConfigLoader.parse("""
        [defaults]
        reasoning = "low"

        [providers.anthropic.model."claude-opus-4-8"]
        reasoning = "max"

        [providers.openai.model."gpt-5.5"]
        reasoning = "none"
        api = "responses"
        """, file: "config.toml", kinds: .shipped)
        #expect(configuration.providers["anthropic"]?.modelReasoning == ["claude-opus-4-8": .max])
        #expect(configuration.providers["openai"]?.modelReasoning == ["gpt-5.5": .off] && configuration.providers["openai"]?.modelAPIs == ["gpt-5.5": .responses])
        configuration.providers["fake"] = ProviderConfiguration(kind: "sim")
        configuration.providers["fake"]?.modelReasoning = ["deep": .high]
        let registry = ModelRegistry(configuration: configuration)
        let provider = ScriptedProvider(["deep": [.answer("a"), .answer("b")], "plain": [.answer("c")]])
        try await registry.addProvider(name: "fake", provider: provider)
        _ = try await registry.generate(GenerationRequest(model: ModelID(provider: "fake", model: "deep"), prompt: "x"))
        _ = try await registry.generate(GenerationRequest(model: ModelID(provider: "fake", model: "deep"), prompt: "x", parameters: .init(reasoning: .minimal)))
        _ = try await registry.generate(GenerationRequest(model: ModelID(provider: "fake", model: "plain"), prompt: "x"))
        #expect(provider.requests.map(\.parameters.reasoning) == [.high, .minimal, .low])
    }
}
