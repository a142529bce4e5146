import Clocks
import Foundation
import GenesisEngine
@testable import GenesisProviders
import GenesisTestSupport
import Logging
import Testing

@Suite("Provider kinds: one table entry a kind")
struct ProviderKindTableTests {
    static let table = ProviderKindTable.standard

    @Test func theConfigurationAcceptsTheSimulatorAndTheRegisteredKindsInTheirOrder() {
        #expect(Self.table.configurableKinds == [.sim] + Self.table.kinds)
        #expect(ProviderAdapters.factory.kinds == Self.table.configurableKinds.map(\.name).sorted())
    }

    @Test func everyRegisteredKindHasAnAdapterAndDecodesItsTranscriptsUnderItsName() throws {
        for kind in Self.table.kinds {
            let configuration = ProviderConfiguration(kind: kind.name, baseURL: kind.requiresBaseURL ? "http://127.0.0.1:1/v1" : nil)
            #expect(throws: Never.self) { try Self.table.factory.make(name: kind.name, configuration: configuration, context: Self.context()) }
            #expect(throws: Never.self) { try TranscriptDecoder(format: .init(rawValue: kind.name)) }
        }
        #expect(Self.table.transcriptFormats.map(\.rawValue) == ["openai", "openai-responses", "anthropic", "gemini", "mistral", "ollama",
                                                                  "llamacpp", "openai-compatible", "openai-compatible-responses"])
    }

    @Test func anUnknownTranscriptFormatIsRefusedNamingTheFormatsThereAre() {
        #expect { try TranscriptDecoder(format: "smoke-signals") } throws: { error in
            let description = (error as? TranscriptDecoder.UnknownFormat)?.description ?? ""
            return description.hasPrefix(#"no transcript format "smoke-signals"; use one of: openai, openai-responses, anthropic"#)
        }
    }

    @Test func everyHostedKindNamesTheVariablesItsKeyIsReadFrom() {
        for kind in Self.table.kinds where kind.localServerVariable == nil && !kind.requiresBaseURL {
            #expect(!kind.keyVariables.isEmpty, "\(kind.name)")
        }
    }

    @Test func theKindsWithALocalServerAreTheOnesDiscoveryProbes() {
        #expect(Self.table.entries.filter { $0.localProbe != nil }.map(\.kind.name) == ["ollama", "llamacpp"])
        #expect(Self.table.kinds.filter { $0.localServerVariable != nil }.map(\.name) == ["ollama", "llamacpp"])
    }

    @Test func theKindsThatSpeakOpenAIsAPIsAreTheOnesWhereApiAndStoreMeanSomething() {
        let openAIKinds = Self.table.kinds.filter(\.speaksOpenAIAPIs).map(\.name)
        #expect(openAIKinds == ["openai", "openai-compatible"])
        #expect(Self.table.entries.filter { $0.transcriptFormats.count == 2 }.map(\.kind.name) == openAIKinds)
    }

    /// A server of the Chat Completions family Genesis has never heard of: its dialect and one
    /// entry in a table of the test's own, nothing else. The configuration, discovery, the
    /// adapter, key redaction, bare model names and transcript decoding all find it there.
    @Test func registeringAKindIsAllItTakes() async throws {
        let body = """
        data: {"choices":[{"index":0,"delta":{"content":"Hello"}}]}

        data: {"choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}

        data: [DONE]


        """
        let answer = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}"#
        let server = try await FakeServer { _ in FakeServer.Response(headers: [("content-type", "application/json")], chunks: [Array(answer.utf8)]) }
        defer { Task { await server.shutdown() } }
        let echo = ProviderKind(name: "echo", keyVariables: ["ECHO_API_KEY"], defaultBaseURL: server.baseURL, modelPrefixes: ["echo-"],
                                suggestedModels: ["echo-1"])
        let dialect = OpenAIChatFormat.Dialect(requiresKey: true, keyVariables: echo.keyVariables, apiPath: "/v2", seedField: "random_seed")
        let table = ProviderKindTable.standard.registering(.openAIChat(echo, dialect: dialect))
        let environment = ["ECHO_API_KEY": TestAdapters.key, "GENESIS_DISCOVER_LOCAL": "0"]

        // A configuration read with the table's kinds names it, and takes its key variables.
        let read = try ConfigLoader.parse("[providers.mine]\nkind = \"echo\"\n", file: "config.toml", kinds: table.configurableKinds)
        #expect(read.providers["mine"]?.apiKeyEnvironment == ["ECHO_API_KEY"])

        // Discovery finds it by its key.
        var configuration = GenesisConfiguration()
        await ProviderDiscovery.discover(into: &configuration, environment: environment, kinds: table)
        let found = try #require(configuration.providers["echo"])
        #expect(found.kind == "echo" && found.models == ["echo-1"] && found.apiKeyEnvironment == ["ECHO_API_KEY"])
        #expect(configuration.kinds.named("echo") == echo)
        #expect(ModelID(parsing: "echo-1", kinds: configuration.kinds) == ModelID(provider: "echo", model: "echo-1"))

        // Its adapter answers through the registry, at its default base URL and its dialect's path.
        let registry = ModelRegistry(configuration: configuration, factory: table.factory, environment: environment)
        let result = try await registry.generateText(provider: "echo", model: "echo-1", prompt: "Hi", maxTokens: 20)
        #expect(result.text == "Hello there")
        let request = try #require(server.requests.first)
        #expect(request.uri == "/v2/chat/completions" && request.header("authorization") == "Bearer \(TestAdapters.key)")
        // Its key variable is one the registry keeps out of what it returns.
        #expect(!registry.heldKeys.redact("key \(TestAdapters.key)").contains(TestAdapters.key))

        // Its streamed bodies decode under its name.
        let events = try TranscriptDecoder.decode(Array(body.utf8), format: "echo", kinds: table)
        #expect(events.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined() == "Hello there")
    }

    static func context() -> ProviderContext {
        ProviderContext(environment: [:], clock: AnyClock(ContinuousClock()), simulatorSpeed: 1,
                        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }
}
