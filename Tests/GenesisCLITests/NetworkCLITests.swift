import Foundation
import GenesisTestSupport
import Testing

/// `genesis` behind a proxy, as a person behind a corporate proxy runs it: HTTPS_PROXY and
/// SSL_CERT_FILE in the environment, or `[network]` in the configuration.
@Suite("genesis through a proxy, with certificate authorities of one's own")
struct NetworkCLITests {
    static let completion = #"{"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gpt-5.5-2026-04-23","choices":[{"index":0,"message":{"role":"assistant","content":"Through the tunnel."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}"#

    @Test("genesis ask reaches an https provider through HTTPS_PROXY (tinyproxy), trusting SSL_CERT_FILE",
          .enabled(if: TinyProxy.isInstalled && TestCertificates.canMake, "tinyproxy and openssl are needed (CI installs them)"))
    func askThroughTheEnvironmentsProxy() async throws {
        let proxy = try await TinyProxy()
        defer { proxy.stop() }
        let certificates = try await TestCertificates.make()
        let server = try await FakeServer(tls: try certificates.serverContext()) { _ in
            FakeServer.Response(status: 200, headers: [("content-type", "application/json")], chunks: [Array(Self.completion.utf8)])
        }
        defer { Task { await server.shutdown() } }
        let env = try StorageCLITests.environment().merging([
            "OPENAI_API_KEY": "sk-test-0123456789abcdef", "OPENAI_BASE_URL": server.baseURL + "/v1", "GENESIS_DISCOVER_LOCAL": "0",
            "HTTPS_PROXY": proxy.url, "SSL_CERT_FILE": certificates.authority,
        ]) { $1 }
        let result = try await CLI.run(["ask", "-m", "openai:gpt-5.5", "--no-stream", "Hello?"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Through the tunnel.\n")
        #expect(proxy.logged.contains("CONNECT 127.0.0.1:\(server.port)"))
        #expect(server.requests.first?.uri == "/v1/chat/completions")
    }

    @Test("a proxy that cannot be reached is named, with where it was set and what to do; exit code 7")
    func anUnreachableProxy() async throws {
        let env = try StorageCLITests.environment(config: """
            [network]
            proxy = "http://127.0.0.1:\(try TinyProxy.freePort())"
            """).merging(["OPENAI_API_KEY": "sk-test-0123456789abcdef", "OPENAI_BASE_URL": "https://api.example.invalid/v1",
                          "GENESIS_DISCOVER_LOCAL": "0"]) { $1 }
        let result = try await CLI.run(["ask", "-m", "openai:gpt-5.5", "--no-stream", "Hello?"], environment: env)
        #expect(result.status == 7)
        #expect(result.stderr.contains("cannot reach the proxy at 127.0.0.1:") && result.stderr.contains("([network] proxy)"))
    }

    @Test("a [network] proxy that is not an HTTP proxy URL is refused with file, line and key")
    func aBadProxySetting() async throws {
        let env = try StorageCLITests.environment(config: "[network]\nproxy = \"socks5://127.0.0.1:1080\"\n")
        let result = try await CLI.run(["models"], environment: env)
        #expect(result.status == 2)
        #expect(result.stderr.contains("config.toml:2 network.proxy: socks5 proxies are not supported"))
    }
}
