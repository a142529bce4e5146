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
}
