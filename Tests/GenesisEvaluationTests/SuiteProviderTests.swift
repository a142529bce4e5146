import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Synchronization
import Testing

/// A suite's own `providers:`, as promptfoo's documentation writes them: the ids name Genesis
/// models, each provider's `config` becomes its requests' settings, and what Genesis cannot serve
/// is refused by name.
@Suite("Suite providers")
struct SuiteProviderTests {
    @Test("promptfoo's ids name the Genesis model that speaks the same API",
          arguments: [
            ("openai:gpt-4.1", "openai:gpt-4.1"), ("openai:chat:gpt-5.2", "openai:gpt-5.2"), ("openai:responses:gpt-5.5", "openai:gpt-5.5"),
            ("anthropic:messages:claude-sonnet-4-6", "anthropic:claude-sonnet-4-6"), ("anthropic:claude-opus-4-8", "anthropic:claude-opus-4-8"),
            ("google:gemini-2.5-pro", "gemini:gemini-2.5-pro"), ("mistral:magistral-medium-latest", "mistral:magistral-medium-latest"),
            ("ollama:chat:llama3.3:70b", "ollama:llama3.3:70b"), ("ollama:llama3.2", "ollama:llama3.2"),
            ("ollama:completion:qwen3", "ollama:qwen3"), ("echo", "sim:echo"), ("sim:fast", "sim:fast"),
            ("deepseek:deepseek-chat", "deepseek:deepseek-chat"),
          ])
    func ids(id: String, model: String) throws {
        #expect(try PromptfooProviders.model(id).description == model)
    }

    @Test("ids Genesis cannot serve are refused with what they are",
          arguments: [
            ("openai:completion:gpt-3.5-turbo-instruct", "legacy text-completion models"),
            ("openai:embedding:text-embedding-3-small", "embedding models (openai:embedding:) are not supported"),
            ("file://custom_provider.js", "providers in files"), ("exec: python chain.py", "script providers (exec:)"),
            ("https://api.example.com/v1/chat/completions", "HTTP endpoint providers"),
            ("vertex:gemini-2.5-pro", "Vertex AI (vertex:) is not supported; google:MODEL"),
            ("gpt-4", "is not a model; write provider:model"),
          ])
    func refusedIDs(id: String, message: String) {
        #expect(throws: ProviderIDError.self) { try PromptfooProviders.model(id) }
        do { _ = try PromptfooProviders.model(id) } catch { #expect(error.message.contains(message), "\(error.message)") }
    }

    @Test("every form of the list loads: ids, objects, the older mapping, files of providers; config is each one's settings")
    func forms() throws {
        let suite = try SuiteFixtures.load("providers/suite.yaml")
        #expect(suite.providers.map(\.model.description) == ["sim:echo", "openai:gpt-5.2", "anthropic:claude-sonnet-4-6", "gemini:gemini-2.5-pro",
                                                             "ollama:llama3.3:70b", "mistral:magistral-medium-latest"])
        #expect(suite.providers.map(\.label) == [nil, nil, "claude, careful", "gemini", nil, "magistral"])
        #expect(suite.providers[2].parameters == GenerationParameters(maxTokens: 1000, temperature: 0))
        #expect(suite.providers[3].parameters == GenerationParameters(maxTokens: 256, temperature: 0.4))
        #expect(suite.providers[4].parameters == GenerationParameters(maxTokens: 1024, temperature: 0.7, stopSequences: ["\n\n"], seed: 42))
        #expect(suite.providers[5].parameters == GenerationParameters(topP: 0.9, responseFormat: .json))
        #expect(suite.providers[0].parameters == GenerationParameters())
    }

    @Test("the mapping form's own id wins over its key; OpenAI's efforts are Genesis's levels, xhigh and max apart")
    func mappingIDAndEffort() throws {
        let suite = try SuiteLoader.parse("prompts: [hi]\nproviders:\n  - openai:gpt-4.1: {id: 'anthropic:messages:claude-opus-4-8', config: {reasoning_effort: xhigh}}\n")
        #expect(suite.providers.map(\.model.description) == ["anthropic:claude-opus-4-8"])
        #expect(suite.providers[0].parameters.reasoning == .xhigh)
        let most = try SuiteLoader.parse("prompts: [hi]\nproviders:\n  - {id: 'openai:gpt-5.5', config: {reasoning_effort: max}}\n")
        #expect(most.providers[0].parameters.reasoning == .max)
    }

    @Test("one id alone, and targets: as promptfoo's other name for the list")
    func singleAndTargets() throws {
        let one = try SuiteLoader.parse("prompts: [hi]\nproviders: openai:gpt-4.1\n")
        #expect(one.providers.map(\.model.description) == ["openai:gpt-4.1"])
        let targets = try SuiteLoader.parse("prompts: [hi]\ntargets:\n  - id: echo\n    label: mirror\n")
        #expect(targets.providers.map(\.label) == ["mirror"])
    }

    @Test("what a provider entry cannot do here is named, with its place in the list",
          arguments: [
            ("providers:\n  - id: openai:gpt-4.1\n    config: {frequency_penalty: 0.5}\n", "providers[0].config.frequency_penalty", "is not supported; a provider's config may set temperature"),
            ("providers:\n  - id: openai:gpt-4.1\n    config: {apiBaseUrl: 'http://localhost:8080'}\n", "providers[0].config.apiBaseUrl", "[providers.NAME] base_url"),
            ("providers:\n  - echo\n  - id: openai:gpt-4.1\n    prompts: [first]\n", "providers[1].prompts", "limiting a provider to some prompts"),
            ("providers:\n  - echo\n  - 'exec: python chain.py'\n", "providers[1]", "\"exec: python chain.py\" script providers"),
            ("providers:\n  - openai:chat:gpt-4.1\n  - id: openai:gpt-4.1\n    config: {temperature: 1}\n", "providers",
             "\"openai:chat:gpt-4.1\" and \"openai:gpt-4.1\" are both openai:gpt-4.1"),
            ("providers: [echo]\ntargets: [echo]\n", "targets", "the same list; keep one"),
            ("providers:\n  - id: openai:gpt-4.1\n    config: {seed: 1e20}\n", "providers[0].config.seed", "must be a whole number"),
            ("providers:\n  - id: openai:gpt-4.1\n    config: {generationConfig: {maxOutputTokens: 0}}\n", "providers[0].config.generationConfig.maxOutputTokens", "at least 1"),
            ("providers:\n  - id: openai:gpt-4.1\n    config: {response_format: {type: json_schema, json_schema: {name: x}}}\n", "providers[0].config.response_format", "structured outputs"),
            ("providers:\n  - 'openai:chat:'\n", "providers[0]", "names no model"),
            ("providers:\n  - config: {temperature: 0}\n", "providers[0].id", "a provider needs an id"),
            ("providers:\n  - openai:gpt-4.1: x\n", "providers[0]", "the mapping form is {ID: {label, config}}"),
            ("providers:\n  - id: openai:gpt-4.1\n    config: {max_tokens: 0}\n", "providers[0].config.max_tokens", "at least 1"),
          ])
    func refusedEntries(yaml: String, field: String, message: String) {
        let error = SuiteFixtures.refusal("prompts: [hi]\n" + yaml)
        #expect(error?.field == field)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test("a grader named by a promptfoo id is the same Genesis model")
    func graderIDs() throws {
        let suite = try SuiteLoader.parse("""
            prompts: [hi]
            defaultTest:
              options:
                provider: openai:chat:gpt-4.1-mini
            tests:
              - assert: [{type: llm-rubric, value: polite, provider: anthropic:messages:claude-haiku-4-5}]
            """)
        #expect(suite.grader?.model.description == "openai:gpt-4.1-mini")
        #expect(suite.tests[0].assertions[0].provider?.model.description == "anthropic:claude-haiku-4-5")
    }

    @Test("each target is asked with its own settings over the evaluator's, and the report carries its label")
    func settingsReachTheModel() async throws {
        let seen = Mutex<[String: GenerationParameters]>([:])
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "fixed", provider: ScriptProvider(name: "fixed") { request, _ in
            seen.withLock { $0[request.model] = request.parameters }
            return "ok"
        })
        let suite = try SuiteLoader.parse("""
            prompts: [hi]
            providers:
              - id: fixed:cold
                label: cold
                config: {temperature: 0, max_tokens: 50}
              - fixed:plain
            """)
        let report = await ModelEvaluator(registry: registry, parameters: GenerationParameters(seed: 9, reasoning: .low))
            .run(suite, targets: suite.providers)
        #expect(report.models.map(\.label) == ["cold", nil])
        #expect(seen.withLock { $0["cold"] } == GenerationParameters(maxTokens: 50, temperature: 0, seed: 9, reasoning: .low))
        #expect(seen.withLock { $0["plain"] } == GenerationParameters(seed: 9, reasoning: .low))
        #expect(report.matrix().split(separator: "\n")[0].contains("cold") && report.matrix().contains("fixed:plain"))
    }

    @Test("echo answers with the prompt as sent: a lone message's text, or the conversation as JSON")
    func echo() async throws {
        let sim = SimulatedProvider(speed: 0)
        let one = try await sim.generate(ProviderRequest(model: "echo", messages: [.user("Summarize this: the fox")], parameters: .init()))
        #expect(one.text == "Summarize this: the fox")
        let chat = try await sim.generate(ProviderRequest(model: "echo", messages: [.system("Be brief."), .user("Hi")], parameters: .init()))
        #expect(JSONValue.parse(chat.text) == .array([["role": "system", "content": "Be brief."], ["role": "user", "content": "Hi"]]))
    }

    @Test("a test's own provider answers it in every column, with its config; defaultTest's is every test's")
    func testProvider() async throws {
        let suite = try SuiteLoader.parse("""
            prompts: ['Say {{word}}']
            tests:
              - description: echoed
                vars: {word: cheese}
                provider: echo
                assert: [{type: equals, value: Say cheese}]
              - description: asked
                vars: {word: hello}
                provider: {id: fixed:cold, config: {temperature: 0}}
            """)
        #expect(suite.tests.map { $0.provider?.model.description } == ["sim:echo", "fixed:cold"])
        #expect(suite.tests[1].provider?.parameters == GenerationParameters(temperature: 0))
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "fixed", provider: ScriptProvider(name: "fixed") { request, _ in "model \(request.model)" })
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:a", "fixed:b"])
        for column in report.models {
            #expect(column.cases.map { $0.runs.first?.text } == ["Say cheese", "model cold"])
        }
        let defaults = try SuiteLoader.parse("prompts: [hi]\ndefaultTest: {provider: echo}\ntests: [{}, {provider: sim:fast}]\n")
        #expect(defaults.tests.map { $0.provider?.model.description } == ["sim:echo", "sim:fast"])
        #expect(SuiteFixtures.refusal("prompts: [hi]\ntests: [{provider: [echo, sim:fast]}]\n")?.message.contains("must be one provider") == true)
    }
}
