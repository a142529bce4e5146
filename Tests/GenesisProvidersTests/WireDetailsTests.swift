import GenesisTestSupport
import Foundation
import GenesisEngine
@testable import GenesisProviders
import Testing

/// Details of the providers' documented behaviour that the recorded transcripts do not show:
/// settings a model refuses, refusals, and how an error names its cause.
@Suite("Provider wire details")
struct WireDetailsTests {
    static func refusal(_ param: String, code: String = "unsupported_parameter") -> FakeServer.Response {
        let body = #"{"error":{"message":"Unsupported parameter: '\#(param)' is not supported with this model.","type":"invalid_request_error","param":"\#(param)","code":"\#(code)"}}"#
        return FakeServer.Response(status: 400, headers: [("content-type", "application/json")], chunks: [Array(body.utf8)])
    }

    static let answer = Fixtures.http("openai-nonstream.http")
    static var ok: FakeServer.Response { FakeServer.Response(status: 200, headers: answer.headers, chunks: [answer.body]) }

    var request: ProviderRequest {
        var request = RequestShapeTests.chat
        request.model = "gpt-9-reasoner" // unknown to Genesis: only the API's answers tell what it refuses
        request.parameters.topP = 0.9
        return request
    }

    @Test func settingsTheModelRefusesAreLeftOutOneAfterAnother() async throws {
        let server = try await FakeServer { sent in
            let body = JSONValueForTests.parse(sent.body)
            if body?["top_p"] != nil { return Self.refusal("top_p") }
            if body?["stop"] != nil { return Self.refusal("stop") }
            return Self.ok
        }
        defer { Task { await server.shutdown() } }
        let response = try await TestAdapters.provider("openai", baseURL: server.baseURL).generate(request)
        #expect(!response.text.isEmpty)
        #expect(server.requests.count == 3)
        let last = try #require(server.requests.last?.json)
        #expect(last["top_p"] == nil && last["stop"] == nil)
        #expect(last["temperature"]?.double == 0.5 && last["max_tokens"]?.int == 300) // what was not refused stays
    }

    @Test func stopSequencesTheModelRefusesAreAppliedByGenesis() async throws {
        let server = try await FakeServer { sent in
            JSONValueForTests.parse(sent.body)?["stop"] != nil ? Self.refusal("stop") : Self.ok
        }
        defer { Task { await server.shutdown() } }
        var request = request
        request.parameters.stopSequences = [" the leaves"]
        let provider = TestAdapters.provider("openai", baseURL: server.baseURL)
        let whole = try await provider.generate(request)
        #expect(whole.text == "Oolong sits between green and black tea:" && whole.finishReason == .stop)
        #expect(whole.notices == ["the model refused stop (unsupported_parameter); sent without it"])
    }

    @Test func anUnsupportedValueFallsBackToTheModelsDefault() async throws {
        let server = try await FakeServer { sent in
            JSONValueForTests.parse(sent.body)?["temperature"] != nil ? Self.refusal("temperature", code: "unsupported_value") : Self.ok
        }
        defer { Task { await server.shutdown() } }
        _ = try await TestAdapters.provider("openai", baseURL: server.baseURL).generate(request)
        #expect(server.requests.count == 2 && server.requests[1].json?["temperature"] == nil)
    }

    @Test func aRefusedPartOfTheQuestionItselfIsNeverLeftOut() async throws {
        let server = try await FakeServer { _ in Self.refusal("messages") }
        defer { Task { await server.shutdown() } }
        await #expect(throws: ProviderError.self) { try await TestAdapters.provider("openai", baseURL: server.baseURL).generate(request) }
        #expect(server.requests.count == 1)
    }

    @Test func resendsStopAfterThree() async throws {
        let server = try await FakeServer { _ in Self.refusal("top_p") } // a server that keeps refusing what was already left out
        defer { Task { await server.shutdown() } }
        await #expect(throws: ProviderError.self) { try await TestAdapters.provider("openai", baseURL: server.baseURL).generate(request) }
        #expect(server.requests.count <= 4)
    }

    @Test func reasoningModelsAreSentOnlyTheSettingsTheyTake() async throws {
        var request = request
        request.model = "gpt-5.1"
        let server = try await FakeServer { _ in Self.ok }
        defer { Task { await server.shutdown() } }
        _ = try await TestAdapters.provider("openai", baseURL: server.baseURL).generate(request)
        let body = try #require(server.requests.first?.json)
        #expect(body["temperature"] == nil && body["top_p"] == nil && body["stop"] == nil && body["max_tokens"] == nil)
        #expect(body["max_completion_tokens"]?.int == 300 && body["seed"]?.int == 42)
        #expect(server.requests.count == 1)
    }

    @Test func aSeedBeyondWhatADoubleHoldsIsStillAnInteger() async throws {
        var request = request
        request.parameters.seed = (1 << 60) + 12_345
        let server = try await FakeServer { _ in Self.ok }
        defer { Task { await server.shutdown() } }
        _ = try await TestAdapters.provider("openai", baseURL: server.baseURL).generate(request)
        let raw = String(decoding: try #require(server.requests.first).body, as: UTF8.self)
        #expect(raw.contains(#""seed":12345"#), "\(raw)")
    }

    // MARK: OpenAI's Responses API

    static func answer(_ fixture: String) -> FakeServer.Response {
        let transcript = Fixtures.http(fixture)
        return FakeServer.Response(status: transcript.status, headers: transcript.headers, chunks: [transcript.body])
    }

    @Test func aModelChatSaysIsServedOnlyOnResponsesIsSentThereOnceAndRemembered() async throws {
        let server = try await FakeServer { sent in
            guard sent.uri == "/v1/responses" else { return Self.answer("openai-error-404-responses-only.http") }
            return sent.json?["stream"]?.bool == true
                ? FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: [Fixtures.bytes("openai-responses-stream-basic.sse")])
                : Self.answer("openai-responses-nonstream.http")
        }
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider("openai", baseURL: server.baseURL)
        var request = request
        request.model = "gpt-7-ultra" // no name tells: only the 404 does
        request.parameters.stopSequences = []
        let first = try await provider.generate(request)
        #expect(first.text.hasPrefix("Darjeeling") && first.finishReason == .stop)
        #expect(server.requests.map(\.uri) == ["/v1/chat/completions", "/v1/responses"])
        let second = await TestAdapters.consume(provider, request) // streamed, and straight there
        #expect(second.error == nil && second.text.hasPrefix("Pu-erh") && second.finish == .stop)
        #expect(server.requests.map(\.uri) == ["/v1/chat/completions", "/v1/responses", "/v1/responses"])
    }

    @Test func aForcedChatKeepsTheServersWordsAndSaysWhatToChange() async throws {
        let server = try await FakeServer { _ in Self.answer("openai-error-404-responses-only.http") }
        defer { Task { await server.shutdown() } }
        let chat = TestAdapters.provider("openai", baseURL: server.baseURL) as? OpenAIProvider
        let provider = try #require(chat.map { OpenAIProvider(chat: $0.chat, responses: $0.responses, api: .chat, modelAPIs: [:], memo: $0.memo) })
        var request = request
        request.model = "gpt-5.5-pro"
        do {
            _ = try await provider.generate(request)
            Issue.record("a forced chat cannot reach a Responses-only model")
        } catch let error as ProviderError {
            #expect(error.category == .modelNotFound && error.status == 404)
            #expect(error.message.contains("only supported in v1/responses") && error.message.contains(#"set api = "responses""#))
        }
        #expect(server.requests.map(\.uri) == ["/v1/chat/completions"])
    }

    /// Where `model` goes first, and "forced" when the configuration says so.
    func route(_ provider: OpenAIProvider, _ model: String) -> String {
        let route = provider.route(model)
        return route.api.rawValue + (route.forced ? " forced" : "")
    }

    @Test func whereEachModelGoesFirst() throws {
        let openAI = try #require(TestAdapters.provider("openai", baseURL: "http://127.0.0.1:9") as? OpenAIProvider)
        #expect(route(openAI, "gpt-5.5") == "chat" && route(openAI, "gpt-5.5-pro") == "responses" && route(openAI, "gpt-7-ultra") == "chat")
        openAI.memo.rememberResponsesOnly("gpt-7-ultra")
        #expect(route(openAI, "gpt-7-ultra") == "responses")
        let forced = OpenAIProvider(chat: openAI.chat, responses: openAI.responses, api: .responses, modelAPIs: ["gpt-5.5-pro": .chat], memo: openAI.memo)
        #expect(route(forced, "gpt-4o") == "responses forced" && route(forced, "gpt-5.5-pro") == "chat forced")
        // A compatible server's "-pro" model is its own: names decide nothing there.
        let compatible = ProviderAdapters.openAI(HTTPChatProvider(name: "vllm", format: OpenAIChatFormat(provider: "vllm", dialect: .compatible, baseURL: "http://127.0.0.1:9/v1"),
                                                                  keys: openAI.chat.keys, connectTimeout: .seconds(1), idleTimeout: .seconds(1), logger: openAI.chat.logger))
        #expect(route(compatible, "qwen3-coder-pro") == "chat")
    }

    static func summaryRefusal() -> FakeServer.Response { answer("openai-responses-error-400-summary.http") }

    @Test func aSummaryTheOrganisationMayNotHaveIsLeftOutAndRememberedForThatKey() async throws {
        let server = try await FakeServer { sent in
            JSONValueForTests.parse(sent.body)?["reasoning"]?["summary"] != nil ? Self.summaryRefusal() : Self.answer("openai-responses-nonstream.http")
        }
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider("openai", baseURL: server.baseURL, keys: ["sk-unverified-org-0000", "sk-another-org-111111"])
        var request = request
        request.model = "gpt-5.5-pro"
        request.parameters.reasoning = .high
        for _ in 0..<3 { _ = try await provider.generate(request) } // keys: unverified, another, unverified
        let sent = server.requests.map { ($0.header("authorization") ?? "", $0.json?["reasoning"]?["summary"]?.string) }
        #expect(sent.map { String($0.0.suffix(4)) } == ["0000", "0000", "1111", "1111", "0000"])
        #expect(sent.map(\.1) == ["auto", nil, "auto", nil, nil]) // asked once per key, then never for that key
        #expect(server.requests.allSatisfy { $0.json?["reasoning"]?["effort"]?.string == "high" }) // the rest of the request stays
    }

    @Test func aRefusedEffortBecomesTheNextOneTowardsMediumAndIsNotAskedAgain() async throws {
        let server = try await FakeServer { sent in
            let effort = JSONValueForTests.parse(sent.body)?["reasoning"]?["effort"]?.string ?? ""
            return ["max", "xhigh", "none", "minimal"].contains(effort) ? Self.refusal("reasoning.effort", code: "unsupported_value") : Self.answer("openai-responses-nonstream.http")
        }
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider("responses", baseURL: server.baseURL)
        var request = request
        request.model = "o3-pro"
        var notices: [[String]] = []
        for level in [ReasoningLevel.max, .off, .max, .off] {
            request.parameters.reasoning = level
            notices.append(try await provider.generate(request).notices)
        }
        #expect(server.requests.map { $0.json?["reasoning"]?["effort"]?.string } == ["max", "xhigh", "high", "none", "minimal", "low", "high", "low"])
        #expect(notices[0] == ["the model refused reasoning effort max; sent xhigh", "the model refused reasoning effort xhigh; sent high"])
        #expect(notices[2] == ["o3-pro refused reasoning effort max before; sent high"] && notices[3] == ["o3-pro refused reasoning effort none before; sent low"])
    }

    @Test func aRefusedChatEffortBecomesTheNextOneTowardsMediumWithANotice() async throws {
        let server = try await FakeServer { sent in
            let effort = JSONValueForTests.parse(sent.body)?["reasoning_effort"]?.string ?? ""
            return ["max", "xhigh", "none", "minimal"].contains(effort) ? Self.refusal("reasoning_effort", code: "unsupported_value") : Self.ok
        }
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider("openai", baseURL: server.baseURL)
        var request = request
        request.model = "o3"
        var notices: [[String]] = []
        for level in [ReasoningLevel.max, .off, .max] {
            request.parameters.reasoning = level
            notices.append(try await provider.generate(request).notices)
        }
        // Dropped, `max` would have run at o3's default (medium) and `none` at its default too;
        // once refused, an effort is not asked of the model again.
        #expect(server.requests.map { $0.json?["reasoning_effort"]?.string } == ["max", "xhigh", "high", "none", "minimal", "low", "high"])
        #expect(notices == [["the model refused reasoning_effort max (unsupported_value); sent xhigh",
                             "the model refused reasoning_effort xhigh (unsupported_value); sent high"],
                            ["the model refused reasoning_effort none (unsupported_value); sent minimal",
                             "the model refused reasoning_effort minimal (unsupported_value); sent low"],
                            ["o3 refused reasoning effort max before; sent high"]])
    }

    @Test func aModelThatDoesNotReasonIsSentNoReasoningAfterItSaysSo() async throws {
        let server = try await FakeServer { sent in
            JSONValueForTests.parse(sent.body)?["reasoning"] != nil ? Self.refusal("reasoning") : Self.answer("openai-responses-nonstream.http")
        }
        defer { Task { await server.shutdown() } }
        var request = request
        request.model = "gpt-4.1"
        request.parameters.reasoning = .low
        _ = try await TestAdapters.provider("responses", baseURL: server.baseURL).generate(request)
        #expect(server.requests.count == 2 && server.requests[1].json?["reasoning"] == nil)
        #expect(server.requests[1].json?["temperature"]?.double == 0.5) // not a reasoning model: its sampling is sent
    }

    @Test func aFailedResponseAndAnErrorEventKeepTheServersWords() async throws {
        for fixture in ["openai-responses-stream-failed.sse", "openai-responses-stream-error-event.sse"] {
            let server = try await FakeServer { _ in FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: [Fixtures.bytes(fixture)]) }
            let outcome = await TestAdapters.consume(TestAdapters.provider("responses", baseURL: server.baseURL), TestAdapters.request)
            await server.shutdown()
            let error = try #require(outcome.error as? ProviderError, "\(fixture)")
            #expect(error.category == .server && error.message.contains("server_error"), "\(fixture)")
            #expect(error.message.contains("The server had an error processing your request") || error.message.contains("include the request ID req_9f8e7d6c"))
            #expect(!outcome.text.isEmpty) // the partial answer is kept
        }
    }

    /// A fake Anthropic that answers every request with its recorded answer.
    static func anthropic() async throws -> (FakeServer, any Provider) {
        let answer = Fixtures.http("anthropic-nonstream.http")
        let server = try await FakeServer { _ in FakeServer.Response(status: 200, headers: answer.headers, chunks: [answer.body]) }
        return (server, TestAdapters.provider("anthropic", baseURL: server.baseURL))
    }

    @Test func anthropicGetsTemperatureOrTopPNeverBoth() async throws {
        let (server, provider) = try await Self.anthropic()
        defer { Task { await server.shutdown() } }
        var both = RequestShapeTests.chat
        both.parameters.topP = 0.9
        _ = try await provider.generate(both)
        var onlyTopP = both
        onlyTopP.parameters.temperature = nil
        _ = try await provider.generate(onlyTopP)
        let sent = server.requests.compactMap(\.json)
        #expect(sent[0]["temperature"]?.double == 0.5 && sent[0]["top_p"] == nil)
        #expect(sent[1]["temperature"] == nil && sent[1]["top_p"]?.double == 0.9)
    }

    @Test func anthropicIsNeverSentAStopSequenceOfWhitespace() async throws {
        let (server, provider) = try await Self.anthropic()
        defer { Task { await server.shutdown() } }
        var request = RequestShapeTests.chat
        request.parameters.stopSequences = ["\n\n", " ", "END", "\nObservation:"]
        _ = try await provider.generate(request)
        request.parameters.stopSequences = ["\n", "\t "]
        _ = try await provider.generate(request)
        let sent = server.requests.compactMap(\.json)
        #expect(sent[0]["stop_sequences"]?.array?.compactMap(\.string) == ["END", "\nObservation:"])
        #expect(sent[1]["stop_sequences"] == nil)
    }

    @Test func aNamedErrorEventKeepsTheServersWords() async throws {
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: [Fixtures.bytes("compatible-stream-error-event.sse")])
        }
        defer { Task { await server.shutdown() } }
        let outcome = await TestAdapters.consume(TestAdapters.provider("compatible", baseURL: server.baseURL), TestAdapters.request)
        #expect(outcome.text == "Tea is")
        let error = try #require(outcome.error as? ProviderError)
        #expect(error.category == .server && error.message.contains("KV cache full") && error.message.contains("server_error"))
    }

    @Test(arguments: [("Please try again in 1.8s.", Duration.milliseconds(1800)), ("try again in 120ms", .milliseconds(120)),
                      ("Limit reached. Please try again in 6m0s.", .seconds(360)), ("try again in 1h2m3.5s", .milliseconds(3_723_500))])
    func theWaitInARateLimitMessageIsReadInGoUnits(message: String, wait: Duration) {
        #expect(OpenAIChatFormat.tryAgainIn(message) == wait)
    }

    @Test func aResponseThatIsNotHTTPIsTheServersFaultNotAnUnreachableHost() async throws {
        let server = try await RawServer(response: Array("HTTP/1.1 429 Too Many Requests\r\nretry-after: 1\u{1b}[2J\r\ncontent-length: 0\r\n\r\n".utf8))
        defer { Task { await server.shutdown() } }
        let outcome = await TestAdapters.consume(TestAdapters.provider("compatible", baseURL: server.baseURL), TestAdapters.request)
        let error = try #require(outcome.error as? ProviderError)
        #expect(error.category == .server)
        #expect(error.message.contains("127.0.0.1:\(server.port) answered with something that is not valid HTTP"))
        #expect(!error.message.contains("cannot reach") && !error.message.contains("\u{1b}"))
    }
}
