import Foundation
import GenesisTestSupport
import Testing

/// `genesis ask/compare/models` against fake servers of real providers, found through the
/// environment variables a person would set.
@Suite("genesis CLI against providers")
struct ProviderCLITests {
    static let openAIStream = """
    data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

    data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Hello from "},"finish_reason":null}],"usage":null}

    data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"OpenAI 🍵"},"finish_reason":null}],"usage":null}

    data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null}

    data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":1000000,"completion_tokens":1000000,"total_tokens":2000000}}

    data: [DONE]


    """

    static let anthropicStream = """
    event: message_start
    data: {"type":"message_start","message":{"id":"m1","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[],"stop_reason":null,"usage":{"input_tokens":12,"output_tokens":1}}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello from Claude"}}

    event: message_delta
    data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":4}}

    event: message_stop
    data: {"type":"message_stop"}


    """

    /// A Responses stream: a reasoning summary, the answer, and usage with its details.
    static let responsesStream = """
    event: response.created
    data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-5.5-pro-2026-10-01","output":[],"usage":null}}

    event: response.reasoning_summary_part.added
    data: {"type":"response.reasoning_summary_part.added","sequence_number":1,"item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}

    event: response.reasoning_summary_text.delta
    data: {"type":"response.reasoning_summary_text.delta","sequence_number":2,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Greeting back."}

    event: response.output_text.delta
    data: {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":1,"content_index":0,"delta":"Hello from the Responses API 🍵"}

    event: response.completed
    data: {"type":"response.completed","sequence_number":4,"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-5.5-pro-2026-10-01","usage":{"input_tokens":9,"input_tokens_details":{"cached_tokens":0},"output_tokens":40,"output_tokens_details":{"reasoning_tokens":32},"total_tokens":49}}}


    """

    static let ollamaTags = #"{"models":[{"name":"llama3.2:3b","model":"llama3.2:3b","details":{"family":"llama","parameter_size":"3.2B","quantization_level":"Q4_K_M"}}]}"#

    func withServer(_ body: (FakeServer) async throws -> Void) async throws {
        let server = try await FakeServer { request in
            switch request.uri {
            case "/v1/chat/completions":
                return .init(headers: [("content-type", "text/event-stream"), ("x-ratelimit-limit-requests", "500")], chunks: [Array(Self.openAIStream.utf8)])
            case "/v1/responses":
                return .init(headers: [("content-type", "text/event-stream")], chunks: [Array(Self.responsesStream.utf8)])
            case "/v1/messages":
                return .init(headers: [("content-type", "text/event-stream")], chunks: [Array(Self.anthropicStream.utf8)])
            case "/api/tags":
                return .init(headers: [("content-type", "application/json")], chunks: [Array(Self.ollamaTags.utf8)])
            case "/v1/models":
                return .init(status: 401, headers: [("content-type", "application/json")],
                             chunks: [Array(#"{"error":{"message":"Incorrect API key provided: sk-test-****cdef","type":"invalid_request_error","code":"invalid_api_key"}}"#.utf8)])
            default:
                return .init(status: 404, chunks: [Array("no route".utf8)])
            }
        }
        do { try await body(server) } catch { await server.shutdown(); throw error }
        await server.shutdown()
    }

    func environment(_ server: FakeServer) -> [String: String] {
        ["OPENAI_API_KEY": "sk-test-0123456789abcdef", "OPENAI_BASE_URL": server.baseURL + "/v1",
         "ANTHROPIC_API_KEY": "sk-ant-test-0123456789", "ANTHROPIC_BASE_URL": server.baseURL,
         "OLLAMA_HOST": server.baseURL, "GENESIS_DISCOVER_LOCAL": "0"]
    }

    @Test func aModelServedOnlyOnTheResponsesAPIIsAskedThere() async throws {
        try await withServer { server in
            let result = try await CLI.run(["ask", "-m", "openai:gpt-5.5-pro", "--json", "hi"], environment: environment(server))
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(result.json)
            #expect(json["text"] as? String == "Hello from the Responses API 🍵" && json["reasoning"] as? String == "Greeting back.")
            #expect(json["finish_reason"] as? String == "stop" && json["finish_reason_raw"] as? String == "completed")
            #expect(json["served_version"] as? String == "gpt-5.5-pro-2026-10-01")
            let usage = try #require(json["usage"] as? [String: Any])
            #expect(usage["input_tokens"] as? Int == 9 && usage["output_tokens"] as? Int == 40 && usage["reasoning_tokens"] as? Int == 32)
            #expect(server.requests.map(\.uri) == ["/v1/responses"]) // never tried on Chat Completions first
            let request = try #require(server.requests.first)
            let sent = try #require((try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any])
            #expect(sent["model"] as? String == "gpt-5.5-pro" && sent["store"] as? Bool == false)
            #expect((sent["reasoning"] as? [String: Any])?["summary"] as? String == "auto")
        }
    }

    @Test func askStreamsARealProvidersAnswerWithUsageAndCost() async throws {
        try await withServer { server in
            let result = try await CLI.run(["ask", "-m", "openai:gpt-4o-mini", "--json", "hi"], environment: environment(server))
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(result.json)
            #expect(json["text"] as? String == "Hello from OpenAI 🍵")
            #expect(json["finish_reason"] as? String == "length" && json["finish_reason_raw"] as? String == "length")
            #expect((json["usage"] as? [String: Any])?["output_tokens"] as? Int == 1_000_000)
            #expect(json["cost_usd"] as? Double == 0.75) // 1M in x $0.15 + 1M out x $0.60
            #expect(json["served_version"] as? String == "gpt-4o-mini-2024-07-18" && json["simulated"] as? Bool == false)
            let sent = try #require(server.requests.first { $0.uri == "/v1/chat/completions" })
            #expect(sent.header("authorization") == "Bearer sk-test-0123456789abcdef")
            #expect(!result.stdout.contains("sk-test-0123456789abcdef") && !result.stderr.contains("sk-test-0123456789abcdef"))
        }
    }

    @Test func compareRunsHostedAndSimulatedModelsSideBySide() async throws {
        try await withServer { server in
            let result = try await CLI.run(["compare", "-m", "openai:gpt-4o-mini", "-m", "anthropic:claude-3-5-haiku-latest", "-m", "sim:fast", "--json", "hi"],
                                     environment: environment(server))
            #expect(result.status == 0, "\(result.stderr)")
            let results = try #require(result.json?["results"] as? [[String: Any]])
            #expect(results.map { $0["text"] as? String ?? "" }.prefix(2) == ["Hello from OpenAI 🍵", "Hello from Claude"])
            #expect((results[1]["usage"] as? [String: Any])?["input_tokens"] as? Int == 12)
            #expect(results[2]["simulated"] as? Bool == true)
        }
    }

    @Test func twoEnvironmentsServingOneModelAtDifferentVersionsAreComparedEachAtItsOwn() async throws {
        try await withServer { server in
            let env = environment(server).merging(try StorageCLITests.environment()) { $1 }
            for (name, version) in [("staging", "2024-07-18"), ("production", "gpt-4o-mini-2024-05-01")] {
                let deployed = try await CLI.run(["deploy", "openai:gpt-4o-mini", "--env", name, "--version", version], environment: env)
                #expect(deployed.status == 0, "\(deployed.stderr)")
            }
            let result = try await CLI.run(["compare", "--env", "staging", "--env", "production", "--json", "hi"], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            let results = try #require(result.json?["results"] as? [[String: Any]])
            #expect(results.map { $0["environment"] as? String } == ["staging", "production"])
            // Each request carried its own environment's version; neither pin leaked into the other.
            let sent = server.requests.filter { $0.uri == "/v1/chat/completions" }.compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any]
            }.compactMap { $0["model"] as? String }
            #expect(sent.sorted() == ["gpt-4o-mini-2024-05-01", "gpt-4o-mini-2024-07-18"])
            let text = try await CLI.run(["compare", "--env", "staging", "-m", "openai:gpt-4o-mini", "hi"], environment: env)
            #expect(text.stdout.contains("── staging: openai:gpt-4o-mini ──") && text.stdout.contains("── openai:gpt-4o-mini ──"))
            let last = server.requests.filter { $0.uri == "/v1/chat/completions" }.suffix(2).compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any]
            }.compactMap { $0["model"] as? String }
            #expect(last.sorted() == ["gpt-4o-mini", "gpt-4o-mini-2024-07-18"])
        }
    }

    @Test func modelsListsLocalModelsAndReportsAProviderThatRefusesTheKey() async throws {
        try await withServer { server in
            let result = try await CLI.run(["models", "--json"], environment: environment(server))
            #expect(result.status == 0)
            let ids = (result.json?["models"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.contains("ollama:llama3.2:3b") && ids.contains("sim:fast"))
            #expect(ids.contains("openai:gpt-5.5")) // configured, offered even though the listing failed
            let errors = (result.json?["errors"] as? [String] ?? []).joined()
            #expect(errors.contains("openai") && errors.contains("authentication_error") && !errors.contains("sk-test-0123456789abcdef"))
        }
    }

    @Test func anImageFileIsSentAsBytesAndAMissingOneIsAClearError() async throws {
        try await withServer { server in
            let file = CLI.home.appendingPathComponent("pixel.png")
            try FileManager.default.createDirectory(at: CLI.home, withIntermediateDirectories: true)
            try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).write(to: file)
            let result = try await CLI.run(["ask", "-m", "openai:gpt-4o-mini", "--image", file.path, "What is this?"], environment: environment(server))
            #expect(result.status == 0, "\(result.stderr)")
            let body = String(decoding: try #require(server.requests.first { $0.uri == "/v1/chat/completions" }).body, as: UTF8.self)
            #expect(body.contains("data:image/png;base64,iVBORw0KGgo="))
            let missing = try await CLI.run(["ask", "-m", "sim:fast", "--image", "/nonexistent/cat.png", "hi"])
            #expect(missing.status == 8 && missing.stderr.contains("/nonexistent/cat.png"))
        }
    }

    @Test func aTextFileNamedPngIsRefusedBeforeAnythingIsSent() async throws {
        try await withServer { server in
            let file = CLI.home.appendingPathComponent("notes.png")
            try FileManager.default.createDirectory(at: CLI.home, withIntermediateDirectories: true)
            try Data("not an image\n".utf8).write(to: file)
            let result = try await CLI.run(["ask", "-m", "openai:gpt-4o-mini", "--image", file.path, "What is this?"], environment: environment(server))
            #expect(result.status == 8 && result.stderr.contains("is not a PNG, JPEG, GIF or WebP image"), "\(result.stderr)")
            #expect(!server.requests.contains { $0.uri == "/v1/chat/completions" })
        }
    }

    @Test func aProviderErrorExitsWithItsCodeAndSaysWhatToDo() async throws {
        try await withServer { server in
            var env = environment(server)
            env["OPENAI_BASE_URL"] = server.baseURL + "/nowhere/v1"
            let result = try await CLI.run(["ask", "-m", "openai:gpt-4o-mini", "--retries", "0", "hi"], environment: env)
            #expect(result.status == 5) // a 404 from OpenAI is an unknown model
            #expect(result.stderr.contains("openai:gpt-4o-mini") && result.stderr.contains("genesis models"))
        }
    }
}
