import Foundation
import GenesisEngine
@testable import GenesisProviders
import GenesisTestSupport
import Testing

/// Proxies as curl reads them from the environment, and `[network]`: which proxy a request goes
/// through, and requests through a real one (tinyproxy): plain http forwarded, https tunnelled
/// by CONNECT, credentials, NO_PROXY; and certificate authorities of one's own.
@Suite("Proxies and certificate authorities")
struct ProxyTests {
    static func rules(_ environment: [String: String], _ settings: NetworkSettings = NetworkSettings()) -> ProxyRules {
        ProxyRules(settings: settings, environment: environment)
    }

    static func proxy(_ rules: ProxyRules, _ url: String) throws -> String? {
        let target = try Target.parse(url)
        return try rules.route(scheme: target.scheme, host: target.host).map { "\($0.proxy) \($0.source)" }
    }

    @Test("https URLs use https_proxy or HTTPS_PROXY, http URLs http_proxy, either ALL_PROXY; lower case first")
    func whichVariable() throws {
        let env = ["HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128", "http_proxy": "plain:8080", "ALL_PROXY": "http://all:1"]
        #expect(try Self.proxy(Self.rules(env), "https://api.openai.com/v1") == "lower:3128 https_proxy")
        #expect(try Self.proxy(Self.rules(env), "http://example.com/") == "plain:8080 http_proxy")
        #expect(try Self.proxy(Self.rules(["ALL_PROXY": "http://all:1"]), "http://example.com/") == "all:1 ALL_PROXY")
        #expect(try Self.proxy(Self.rules(["HTTPS_PROXY": "http://only-https:1"]), "http://example.com/") == nil)
        #expect(try Self.proxy(Self.rules(["HTTP_PROXY": "http://upper:1"]), "http://example.com/") == "upper:1 HTTP_PROXY")
        // In a CGI program a request header can set HTTP_PROXY (httpoxy): not read there.
        #expect(try Self.proxy(Self.rules(["HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"]), "http://example.com/") == nil)
        #expect(try Self.proxy(Self.rules([:]), "https://api.anthropic.com") == nil)
    }

    @Test("[network] proxy and no_proxy go over the environment")
    func configurationWins() throws {
        let rules = Self.rules(["HTTPS_PROXY": "http://env:1", "NO_PROXY": "api.openai.com"],
                               NetworkSettings(proxy: "http://corp:3128", noProxy: "internal.example"))
        #expect(try Self.proxy(rules, "https://api.openai.com") == "corp:3128 [network] proxy")
        #expect(try Self.proxy(rules, "https://llm.internal.example") == nil)
        #expect(try Self.proxy(rules, "http://example.com") == "corp:3128 [network] proxy")
    }

    @Test("NO_PROXY: a name and every name under it, a leading dot alike, IPs, IPv4 blocks, * for all; case ignored", arguments: [
        ("example.com", "example.com", true), ("example.com", "api.EXAMPLE.com", true), (".example.com", "api.example.com", true),
        (".example.com", "example.com", true), ("example.com", "badexample.com", false), ("10.0.0.0/8", "10.1.2.3", true),
        ("10.0.0.0/8", "11.1.2.3", false), ("127.0.0.1", "127.0.0.1", true), ("localhost, 192.168.1.0/24", "192.168.1.77", true),
        ("*", "anything.at.all", true), ("", "example.com", false), ("[::1]", "::1", true),
    ])
    func noProxy(list: String, host: String, bypassed: Bool) {
        #expect(NoProxy(list).matches(host) == bypassed)
    }

    @Test("a proxy URL: credentials become Basic authorization and are never shown; what is not an HTTP proxy is named")
    func proxyAddresses() throws {
        let proxy = try #require(ProxyAddress.parse("http://al%40ice:s3cr%3At@proxy.corp:3128"))
        #expect(proxy.description == "proxy.corp:3128")
        #expect(proxy.authorization == "Basic " + Data("al@ice:s3cr:t".utf8).base64EncodedString())
        #expect(ProxyAddress.parse("proxy.corp")?.port == 1080)
        #expect(ProxyAddress.problem("socks5://proxy:1080")?.hasPrefix("socks5 proxies are not supported") == true)
        #expect(ProxyAddress.problem("https://proxy:443")?.contains("not supported") == true)
        #expect(ProxyAddress.problem("http://") != nil)
        // A variable that names no usable proxy fails the requests it would carry, naming itself.
        let error = #expect(throws: TransportError.self) { try Self.proxy(Self.rules(["HTTPS_PROXY": "socks5://proxy:1080"]), "https://api.openai.com") }
        #expect(error == .proxy("HTTPS_PROXY socks5 proxies are not supported; give an HTTP proxy, http://host:port"))
        #expect(try Self.proxy(Self.rules(["HTTPS_PROXY": "socks5://proxy:1080"]), "http://example.com") == nil) // it carries no http request
    }

    static let answer = FakeServer.Response(status: 200, headers: [("content-type", "application/json")], chunks: [Array(#"{"ok":true}"#.utf8)])

    static func get(_ url: String, pool: ConnectionPool) async throws -> (Int, String) {
        let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: url), connectTimeout: .seconds(10),
                                                        idleTimeout: .seconds(30), pool: pool)
        return (response.status, String(decoding: try await response.collect(upTo: 1 << 20), as: UTF8.self))
    }

    @Test("plain http goes through tinyproxy in absolute form; https is tunnelled by CONNECT, TLS inside it",
          .enabled(if: TinyProxy.isInstalled && TestCertificates.canMake, "tinyproxy and openssl are needed (CI installs them)"))
    func throughARealProxy() async throws {
        let proxy = try await TinyProxy()
        defer { proxy.stop() }
        let plain = try await FakeServer { _ in Self.answer }
        defer { Task { await plain.shutdown() } }
        let certificates = try await TestCertificates.make()
        let secure = try await FakeServer(tls: try certificates.serverContext()) { _ in Self.answer }
        defer { Task { await secure.shutdown() } }
        let pool = ConnectionPool(network: NetworkSettings(proxy: proxy.url, caFile: certificates.authority), environment: [:])

        #expect(try await Self.get(plain.baseURL + "/v1/models", pool: pool) == (200, #"{"ok":true}"#))
        #expect(plain.requests.first?.uri == "/v1/models")
        #expect(proxy.logged.contains("GET http://127.0.0.1:\(plain.port)/v1/models"))

        #expect(try await Self.get(secure.baseURL + "/v1/models", pool: pool) == (200, #"{"ok":true}"#))
        #expect(secure.requests.first?.uri == "/v1/models")
        #expect(proxy.logged.contains("CONNECT 127.0.0.1:\(secure.port)"))
        // The tunnel's connection is kept and reused like any other.
        #expect(try await Self.get(secure.baseURL + "/v1/models", pool: pool).0 == 200)
        #expect(secure.acceptedConnections == 1)
    }

    @Test("a proxy that asks for credentials gets them from the proxy URL; without them the error says what to do",
          .enabled(if: TinyProxy.isInstalled && TestCertificates.canMake, "tinyproxy and openssl are needed (CI installs them)"))
    func proxyCredentials() async throws {
        let proxy = try await TinyProxy(user: "alice", password: "s3cret")
        defer { proxy.stop() }
        let certificates = try await TestCertificates.make()
        let secure = try await FakeServer(tls: try certificates.serverContext()) { _ in Self.answer }
        defer { Task { await secure.shutdown() } }
        let withCredentials = ConnectionPool(network: NetworkSettings(proxy: "http://alice:s3cret@127.0.0.1:\(proxy.port)", caFile: certificates.authority),
                                             environment: [:])
        #expect(try await Self.get(secure.baseURL + "/", pool: withCredentials).0 == 200)
        let without = ConnectionPool(network: NetworkSettings(proxy: proxy.url, caFile: certificates.authority), environment: [:])
        let error = await #expect(throws: TransportError.self) { try await Self.get(secure.baseURL + "/", pool: without) }
        #expect(error == .proxy("the proxy at 127.0.0.1:\(proxy.port) ([network] proxy) answered 407: it needs credentials; put them in the proxy URL, http://user:password@host:port"))
    }

    @Test("a host in NO_PROXY is reached straight; an unreachable proxy is named with where it was set",
          .enabled(if: TinyProxy.isInstalled, "tinyproxy is needed (CI installs it)"))
    func bypassAndDeadProxy() async throws {
        let plain = try await FakeServer { _ in Self.answer }
        defer { Task { await plain.shutdown() } }
        let deadPort = try TinyProxy.freePort()
        let bypassing = ConnectionPool(environment: ["http_proxy": "http://127.0.0.1:\(deadPort)", "no_proxy": "localhost,127.0.0.1"])
        #expect(try await Self.get(plain.baseURL + "/", pool: bypassing).0 == 200)
        let dead = ConnectionPool(environment: ["http_proxy": "http://127.0.0.1:\(deadPort)"])
        let error = await #expect(throws: TransportError.self) { try await Self.get(plain.baseURL + "/", pool: dead) }
        guard case .proxy(let words)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(words.hasPrefix("cannot reach the proxy at 127.0.0.1:\(deadPort) (http_proxy)") && words.contains("NO_PROXY"))
    }

    @Test("an https server signed by an authority of one's own is trusted through SSL_CERT_FILE or [network] ca_file, and only then",
          .enabled(if: TestCertificates.canMake, "openssl is needed"))
    func ownCertificateAuthority() async throws {
        let certificates = try await TestCertificates.make()
        let secure = try await FakeServer(tls: try certificates.serverContext()) { _ in Self.answer }
        defer { Task { await secure.shutdown() } }
        await #expect(throws: (any Error).self) { try await Self.get(secure.baseURL + "/", pool: ConnectionPool(environment: [:])) }
        #expect(try await Self.get(secure.baseURL + "/", pool: ConnectionPool(environment: ["SSL_CERT_FILE": certificates.authority])).0 == 200)
        #expect(try await Self.get(secure.baseURL + "/", pool: ConnectionPool(environment: ["SSL_CERT_DIR": certificates.directory.path])).0 == 200)
        #expect(try await Self.get(secure.baseURL + "/", pool: ConnectionPool(network: NetworkSettings(caFile: certificates.authority), environment: [:])).0 == 200)
        let missing = await #expect(throws: TransportError.self) {
            try await Self.get(secure.baseURL + "/", pool: ConnectionPool(environment: ["SSL_CERT_FILE": "/nonexistent/ca.pem"]))
        }
        guard case .trust(let words)? = missing else { Issue.record("\(String(describing: missing))"); return }
        #expect(words.hasPrefix("SSL_CERT_FILE=/nonexistent/ca.pem cannot be read as PEM certificates"))
    }
}

