import Foundation
import GenesisTestSupport
import Testing

/// `genesis test-provider` against a fake OpenAI that follows the protocol, and one that does not.
@Suite("genesis test-provider")
struct TestProviderCLITests {
    /// An OpenAI-format server that honours max_tokens, stop and unknown models; `broken` leaves
    /// out usage and the finish reason and answers any model.
    static func server(broken: Bool) async throws -> FakeServer {
        try await FakeServer { request in
            if request.uri == "/v1/models" {
                return .init(headers: [("content-type", "application/json")],
                             chunks: [Array(#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"}]}"#.utf8)])
            }
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            let model = body["model"] as? String ?? ""
            if model != "gpt-4o-mini", !broken {
                return .init(status: 404, headers: [("content-type", "application/json")],
                             chunks: [Array(#"{"error":{"message":"The model `\#(model)` does not exist","type":"invalid_request_error","code":"model_not_found"}}"#.utf8)])
            }
            var words = ["Hello", " there,", " lighthouse", " friend!", " Nice", " to", " meet", " you."]
            var finish = "stop"
            if let stop = (body["stop"] as? [String])?.first, let cut = words.firstIndex(where: { $0.contains(stop) }), !broken {
                words = Array(words[..<cut])
            }
            if let max = body["max_tokens"] as? Int, words.count > max { words = Array(words.prefix(max)); finish = "length" }
            let usage = #"{"prompt_tokens":9,"completion_tokens":\#(words.count),"total_tokens":\#(9 + words.count)}"#
            if body["stream"] as? Bool == true {
                var events = words.map { #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"\#($0)"},"finish_reason":null}]}"# + "\n\n" }
                if !broken {
                    events.append(#"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"\#(finish)"}]}"# + "\n\n")
                    events.append(#"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":\#(usage)}"# + "\n\n")
                }
                events.append("data: [DONE]\n\n")
                return .init(headers: [("content-type", "text/event-stream")], chunks: events.map { Array($0.utf8) })
            }
            let text = words.joined()
            let whole = broken
                ? #"{"id":"c","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"\#(text)"},"finish_reason":"stop"}]}"#
                : #"{"id":"c","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"\#(text)"},"finish_reason":"\#(finish)"}],"usage":\#(usage)}"#
            return .init(headers: [("content-type", "application/json")], chunks: [Array(whole.utf8)])
        }
    }

    func run(broken: Bool) async throws -> CLI.Output {
        let server = try await Self.server(broken: broken)
        defer { Task { await server.shutdown() } }
        var env = try StorageCLITests.environment()
        env["OPENAI_API_KEY"] = "sk-test-0123456789abcdef"
        env["OPENAI_BASE_URL"] = server.baseURL + "/v1"
        env["GENESIS_DISCOVER_LOCAL"] = "0"
        return try await CLI.run(["test-provider", "openai:gpt-4o-mini", "--json"], environment: env)
    }

    @Test("a provider that follows the protocol passes every check")
    func conforming() async throws {
        let result = try await run(broken: false)
        let json = try #require(result.json)
        let checks = try #require(json["checks"] as? [[String: Any]])
        let failed = checks.filter { $0["passed"] as? Bool != true }.map { "\($0["name"]!): \($0["detail"]!)" }
        #expect(failed.isEmpty, "\(failed)")
        #expect(json["success"] as? Bool == true && result.status == 0)
        #expect(checks.count == 8 && checks.allSatisfy { $0["ms"] is Int && $0["detail"] is String })
    }

    @Test("a broken one fails exactly the checks it breaks, and success is false")
    func broken() async throws {
        let result = try await run(broken: true)
        let json = try #require(result.json)
        let checks = try #require(json["checks"] as? [[String: Any]])
        let failed = Set(checks.filter { $0["passed"] as? Bool == false }.compactMap { $0["name"] as? String })
        #expect(failed == ["usage reported", "max tokens gives finish reason length", "stop sequence stops",
                           "unknown model is model-not-found", "streamed has the shape of whole"])
        #expect(json["success"] as? Bool == false && result.status == 1)
    }

    @Test("the simulated provider passes every check")
    func simulated() async throws {
        let result = try await CLI.run(["test-provider", "sim:balanced", "--json"], environment: try StorageCLITests.environment())
        #expect(result.json?["success"] as? Bool == true && result.status == 0)
    }
}
