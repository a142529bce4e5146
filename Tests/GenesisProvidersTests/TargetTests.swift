@testable import GenesisProviders
import Testing

/// A request's URL, taken apart once: what the request line, the host header and the pool use.
@Suite("Request targets")
struct TargetTests {
    @Test("scheme, host, port, path and query, and the host header as HTTP/1.1 wants it")
    func parts() throws {
        let openai = try Target.parse("https://api.openai.com/v1/chat/completions")
        #expect(openai.scheme == "https" && openai.host == "api.openai.com" && openai.port == 443)
        #expect(openai.path == "/v1/chat/completions" && openai.hostHeader == "api.openai.com" && openai.key == "https://api.openai.com:443")

        let local = try Target.parse("HTTP://127.0.0.1:11434/api/chat?stream=true")
        #expect(local.scheme == "http" && local.port == 11434 && local.path == "/api/chat?stream=true")
        #expect(local.hostHeader == "127.0.0.1:11434" && local.key == "http://127.0.0.1:11434")

        let bare = try Target.parse("http://localhost")
        #expect(bare.port == 80 && bare.path == "/" && bare.hostHeader == "localhost")

        let gemini = try Target.parse("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse")
        #expect(gemini.path == "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse")
    }

    @Test("an IPv6 literal keeps its brackets in the host header")
    func ipv6() throws {
        let target = try Target.parse("http://[::1]:8080/v1/models")
        #expect(target.host == "::1" && target.hostHeader == "[::1]:8080" && target.port == 8080)
    }

    @Test("anything but an http(s) URL with a host is refused, every time it is asked", arguments: ["ftp://example.com/x", "not a url", "http://", "/v1/chat", ""])
    func refused(_ url: String) {
        for _ in 0..<2 { // the second time must not find a remembered answer
            #expect(throws: TransportError.invalidURL(url)) { try Target.parse(url) }
        }
    }
}
