import GenesisTestSupport
import Foundation
import GenesisEngine
@testable import GenesisProviders
import Testing

/// Stop sequences a provider cannot be sent are applied by Genesis to the answer.
@Suite("Stop sequences Genesis applies itself")
struct StopSequenceTests {
    @Test func textIsShownUpToTheStopSequenceEvenWhenItIsSplitAcrossPieces() {
        var cutter = StopSequenceCutter(stops: ["END"])
        #expect(cutter.feed("Hello E") == "Hello ") // "E" may start "END": held back
        #expect(cutter.feed("N") == "")
        #expect(cutter.feed("D and more") == "")
        #expect(cutter.stopped)
        #expect(cutter.feed("ignored") == "" && cutter.finish() == "")
    }

    @Test func heldBackTextIsShownOnceItCannotBeAStopSequence() {
        var cutter = StopSequenceCutter(stops: ["END", "\n\n"])
        #expect(cutter.feed("THE EN") == "THE ")
        #expect(cutter.feed("TRY\n") == "ENTRY")
        #expect(cutter.finish() == "\n") // the answer ended: nothing is held back for good
        #expect(!cutter.stopped)
    }

    @Test func theEarliestStopSequenceWins() {
        #expect(StopSequenceCutter.cut("one\n\ntwo END three", at: ["END", "\n\n"]) == "one")
        #expect(StopSequenceCutter.cut("no stop here", at: ["END", ""]) == nil)
        var cutter = StopSequenceCutter(stops: ["END", "\n\n"])
        #expect(cutter.feed("a END b\n\nc") == "a ")
    }

    static func openAIStream(_ pieces: [String]) -> [[UInt8]] {
        func event(_ json: String) -> [UInt8] { Array("data: \(json)\n\n".utf8) }
        let head = #""id":"chatcmpl-s","object":"chat.completion.chunk","created":1764000000,"model":"o3-mini-2025-01-31""#
        return pieces.map { piece in
            let escaped = String(decoding: JSONValue.string(piece).encoded(), as: UTF8.self)
            return event(#"{\#(head),"choices":[{"index":0,"delta":{"content":\#(escaped)},"finish_reason":null}]}"#)
        } + [event(#"{\#(head),"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#)
             + event(#"{\#(head),"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}"#)
             + Array("data: [DONE]\n\n".utf8)]
    }

    @Test func aReasoningModelsStreamEndsAtTheStopSequenceItWasNotSent() async throws {
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")],
                                chunks: Self.openAIStream(["The answer is 4", "2.\nE", "ND of answer", " and more"]), interval: .milliseconds(5))
        }
        defer { Task { await server.shutdown() } }
        var request = TestAdapters.request
        request.model = "o3-mini"
        request.parameters.stopSequences = ["END"]
        let outcome = await TestAdapters.consume(TestAdapters.provider("openai", baseURL: server.baseURL), request)
        #expect(outcome.error == nil)
        #expect(outcome.text == "The answer is 42.\n")
        #expect(outcome.finish == .stop && outcome.rawFinish == "stop")
        #expect(server.requests.first?.json?["stop"] == nil)
    }

    @Test func aReasoningModelsWholeAnswerIsCutToo() async throws {
        let body = #"{"id":"chatcmpl-w","object":"chat.completion","created":1764000000,"model":"o3-mini-2025-01-31","choices":[{"index":0,"message":{"role":"assistant","content":"Step one.\nEND\nStep two."},"finish_reason":"length"}],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}"#
        let server = try await FakeServer { _ in FakeServer.Response(headers: [("content-type", "application/json")], chunks: [Array(body.utf8)]) }
        defer { Task { await server.shutdown() } }
        var request = TestAdapters.request
        request.model = "o3-mini"
        request.parameters.stopSequences = ["END"]
        let answer = try await TestAdapters.provider("openai", baseURL: server.baseURL).generate(request)
        #expect(answer.text == "Step one.\n" && answer.finishReason == .stop && answer.rawFinishReason == "stop")
        #expect(answer.usage == Usage(inputTokens: 9, outputTokens: 12)) // what the provider billed
    }

    @Test func anthropicsWhitespaceStopSequenceIsAppliedToTheAnswer() async throws {
        func event(_ type: String, _ json: String) -> [UInt8] { Array("event: \(type)\ndata: \(json)\n\n".utf8) }
        let stream = [
            event("message_start", #"{"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":1}}}"#),
            event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"First paragraph.\n"}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\nSecond paragraph."}}"#),
            event("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            event("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":8}}"#),
            event("message_stop", #"{"type":"message_stop"}"#),
        ]
        let server = try await FakeServer { _ in FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: stream) }
        defer { Task { await server.shutdown() } }
        var request = TestAdapters.request
        request.parameters.stopSequences = ["\n\n", "STOP"]
        let outcome = await TestAdapters.consume(TestAdapters.provider("anthropic", baseURL: server.baseURL), request)
        #expect(outcome.text == "First paragraph." && outcome.finish == .stop && outcome.error == nil)
        #expect(server.requests.first?.json?["stop_sequences"]?.array?.compactMap(\.string) == ["STOP"])
    }

    @Test func withNothingLeftOutTheStreamIsUntouched() async throws {
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: Self.openAIStream(["a END b"]))
        }
        defer { Task { await server.shutdown() } }
        var request = TestAdapters.request
        request.model = "gpt-4o-mini"
        request.parameters.stopSequences = ["END"] // sent, so the provider stops; Genesis does not second-guess it
        let outcome = await TestAdapters.consume(TestAdapters.provider("openai", baseURL: server.baseURL), request)
        #expect(outcome.text == "a END b" && outcome.usage == Usage(inputTokens: 9, outputTokens: 12))
    }
}
