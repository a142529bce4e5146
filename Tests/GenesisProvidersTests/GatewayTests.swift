import GenesisTestSupport
import Foundation
import GenesisEngine
@testable import GenesisProviders
import Synchronization
import Testing

/// `headers`, `key_header` and `query` in `[providers.NAME]`: what Azure OpenAI and the gateways
/// in front of providers need beside the API they copy.
@Suite("Gateways and Azure OpenAI: headers, the key's header, query parameters")
struct GatewayTests {
    static let azure = """
        [providers.azure]
        kind = "openai-compatible"
        base_url = "BASE/openai/deployments/gpt-4o"
        api_key_env = ["AZURE_OPENAI_API_KEY"]
        key_header = "api-key"
        query = { "api-version" = "2024-10-21" }
        headers = { "X-Title" = "genesis & co", "x-ms-client-request-id" = "run 1" }
        """

    @Test("an Azure deployment is asked at its path with api-version, the key in api-key and no Authorization, for chat, embeddings and the model list")
    func azureOpenAI() async throws {
        let answer = Fixtures.http("openai-nonstream.http")
        let server = try await FakeServer { sent in
            sent.uri.contains("/embeddings")
                ? FakeServer.Response(headers: [("content-type", "application/json")],
                                      chunks: [Array(#"{"data":[{"index":0,"embedding":[1.0,0.0]}],"usage":{"prompt_tokens":2}}"#.utf8)])
                : sent.uri.contains("/models")
                    ? FakeServer.Response(headers: [("content-type", "application/json")], chunks: [Array(#"{"object":"list","data":[{"id":"gpt-4o"}]}"#.utf8)])
                    : FakeServer.Response(status: 200, headers: answer.headers, chunks: [answer.body])
        }
        defer { Task { await server.shutdown() } }
        let configuration = try ConfigLoader.parse(Self.azure.replacingOccurrences(of: "BASE", with: server.baseURL), file: "config.toml",
                                                   kinds: ProviderKindTable.standard.configurableKinds)
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory,
                                     environment: ["AZURE_OPENAI_API_KEY": "azure-key-0123456789"])
        let result = try await registry.generate(GenerationRequest(model: ModelID(provider: "azure", model: "gpt-4o"), messages: [.user("hi")]))
        #expect(!result.text.isEmpty)
        _ = try await registry.embed(ModelID(provider: "azure", model: "text-embedding-3-small"), texts: ["hi"])
        _ = try await registry.listModels(provider: "azure")
        #expect(server.requests.count == 3)
        for sent in server.requests {
            #expect(sent.uri.hasPrefix("/openai/deployments/gpt-4o/") && sent.uri.hasSuffix("?api-version=2024-10-21"), "\(sent.uri)")
            #expect(sent.header("api-key") == "azure-key-0123456789" && sent.header("authorization") == nil)
            #expect(sent.header("x-title") == "genesis & co" && sent.header("x-ms-client-request-id") == "run 1")
        }
        #expect(server.requests.map { $0.uri.split(separator: "?")[0].split(separator: "/").last.map(String.init) } == ["completions", "embeddings", "models"])
    }

    @Test("a query is added after the format's own (Gemini's alt=sse), and a header of the format's name is replaced, not doubled")
    func addedToTheFormatsOwn() {
        var configuration = ProviderConfiguration(kind: "gemini")
        configuration.query = ["key": "a b&c"]
        configuration.headers = ["anthropic-version": "2024-01-01"]
        configuration.keyHeader = "x-portkey-api-key"
        let spec = HTTPRequestSpec(url: "https://gateway.example/v1beta/models/m:streamGenerateContent?alt=sse",
                                   headers: [("x-goog-api-key", "k1"), ("anthropic-version", "2023-06-01")])
        let sent = GatewaySettings(configuration).applied(to: spec)
        #expect(sent.url == "https://gateway.example/v1beta/models/m:streamGenerateContent?alt=sse&key=a%20b%26c")
        #expect(sent.headers.map { "\($0.0): \($0.1)" } == ["x-portkey-api-key: k1", "anthropic-version: 2024-01-01"])
        #expect(GatewaySettings().applied(to: spec).url == spec.url, "nothing configured, nothing changed")
    }

    @Test("a gateway's second secret in headers is held as keys are: masked in what Genesis prints")
    func secretHeadersAreHeld() throws {
        var configuration = GenesisConfiguration()
        var gateway = ProviderConfiguration(kind: "openai-compatible", baseURL: "http://127.0.0.1:1/v1")
        gateway.headers = ["X-Portkey-Virtual-Key": "vk-0123456789abcdef", "X-Title": "genesis evaluation run"]
        configuration.providers["portkey"] = gateway
        let held = HeldKeys(configuration: configuration, environment: [:], keys: ProviderKeys())
        let said = held.redact("the gateway refused vk-0123456789abcdef for genesis evaluation run")
        #expect(!said.contains("vk-0123456789abcdef") && said.contains("genesis evaluation run"), "\(said)")
    }

    @Test("a gateway without a model list is unknown after its check, not down; an answer clears a failed check")
    func healthWithoutAModelList() async throws {
        let answer = Fixtures.http("openai-nonstream.http")
        let lists = Mutex(0)
        let server = try await FakeServer { sent in
            guard sent.uri.contains("/models") else { return FakeServer.Response(status: 200, headers: answer.headers, chunks: [answer.body]) }
            // The first model list: not there (404); the second: the server fails (500).
            let status = lists.withLock { count in count += 1; return count == 1 ? 404 : 500 }
            return FakeServer.Response(status: status, headers: [("content-type", "application/json")],
                                       chunks: [Array(#"{"error":{"code":"\#(status)","message":"no"}}"#.utf8)])
        }
        defer { Task { await server.shutdown() } }
        let configuration = try ConfigLoader.parse(Self.azure.replacingOccurrences(of: "BASE", with: server.baseURL), file: "config.toml",
                                                   kinds: ProviderKindTable.standard.configurableKinds)
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory,
                                     environment: ["AZURE_OPENAI_API_KEY": "azure-key-0123456789"])
        let report = try await registry.checkHealth(provider: "azure")
        #expect(report.state == .unknown && report.message?.contains("no model list to check (HTTP 404)") == true, "\(report)")
        #expect(await registry.providerMetrics("azure").health == .unknown)
        let ask = GenerationRequest(model: ModelID(provider: "azure", model: "gpt-4o"), messages: [.user("hi")])
        _ = try await registry.generate(ask)
        #expect(await registry.providerMetrics("azure").health == .ok)
        #expect(try await registry.checkHealth(provider: "azure").state == .down)
        #expect(await registry.providerMetrics("azure").health == .degraded, "a failed check after answers")
        _ = try await registry.generate(ask)
        #expect(await registry.providerMetrics("azure").health == .ok, "an answer says more than the check before it")
    }

    @Test("a header Genesis sets, or one that would carry a key, is refused with its file, line and key", arguments: [
        ("headers = { Authorization = \"Bearer sk-abc\" }", "providers.gw.headers.Authorization", "Genesis sets Authorization itself"),
        ("headers = { \"bad name\" = \"x\" }", "providers.gw.headers.bad name", #""bad name" is not a header name"#),
        ("headers = { \"X-Two\" = \"a\\nb\" }", "providers.gw.headers.X-Two", "must be one line of text"),
        ("key_header = \"content-length\"", "providers.gw.key_header", #""content-length" cannot carry a key"#),
        ("query = { \"api-version\" = 2024 }", "providers.gw.query.api-version", "must be a string"),
        ("key_header = \"user-agent\"", "providers.gw.key_header", #""user-agent" cannot carry a key"#),
        ("key_header = \"proxy-authorization\"", "providers.gw.key_header", #""proxy-authorization" cannot carry a key"#),
        ("headers = { \"API-Key\" = \"sk-in-the-config\" }\nkey_header = \"api-key\"", "providers.gw.headers.API-Key", "is the key's header (key_header)"),
    ])
    func refusals(line: String, key: String, message: String) throws {
        let text = "[providers.gw]\nkind = \"openai-compatible\"\nbase_url = \"http://127.0.0.1:1/v1\"\n" + line
        do {
            _ = try ConfigLoader.parse(text, file: "config.toml", kinds: ProviderKindTable.standard.configurableKinds)
            Issue.record("\(line) should be refused")
        } catch {
            #expect(error.file == "config.toml" && error.line == 4 && error.key == key, "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
