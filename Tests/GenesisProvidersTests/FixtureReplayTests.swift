import GenesisTestSupport
import Foundation
import GenesisEngine
@testable import GenesisProviders
import Testing

/// Every transcript in `Fixtures/`, replayed by a fake server to the adapter it belongs to, must
/// decode to what `expected.json` says.
@Suite("Adapters against the recorded wire transcripts")
struct FixtureReplayTests {
    static func fixtures(_ suffixes: [String], where include: (String, JSONValueForTests) -> Bool = { _, _ in true }) -> [String] {
        Fixtures.expected.filter { name, expected in
            suffixes.contains { name.hasSuffix($0) } && expected["provider"]?.string != nil && include(name, expected)
        }.keys.sorted()
    }

    static let streams = fixtures([".sse", ".ndjson"])
    static let answers = fixtures([".http"]) { _, e in e["text"] != nil }
    static let errors = fixtures([".http"]) { name, e in e["error"] != nil && !name.contains("health") }
    static let modelLists = fixtures([".http"]) { _, e in e["models"] != nil }

    static func serve(_ transcript: Fixtures.HTTPTranscript) async throws -> FakeServer {
        try await FakeServer { _ in FakeServer.Response(status: transcript.status, headers: transcript.headers, chunks: [transcript.body]) }
    }

    @Test(arguments: streams)
    func aStreamDecodesToTheExpectedTextFinishUsageAndError(fixture: String) async throws {
        let expected = try #require(Fixtures.expected[fixture])
        let provider = try #require(expected["provider"]?.string)
        let bytes = Fixtures.bytes(fixture)
        let cutOff = fixture.contains("truncated") || (fixture.contains("midway") && !fixture.contains("error-midway"))
        let contentType = fixture.hasSuffix(".ndjson") ? "application/x-ndjson" : "text/event-stream"
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", contentType)], chunks: Fixtures.chunks(bytes, size: 7), cutOff: cutOff)
        }
        defer { Task { await server.shutdown() } }
        // A cut-off transcript ends in a close, which a loaded machine (CI runs the fuzzers beside
        // this) can take seconds to read: the idle timeout must not win that race.
        let outcome = await TestAdapters.consume(TestAdapters.provider(provider, baseURL: server.baseURL, idleTimeout: .seconds(30)),
                                                 TestAdapters.request)

        #expect(outcome.text == expected["text"]?.string)
        #expect(outcome.reasoning == expected["reasoning"]?.string ?? "", "reasoning is never part of the text, and never lost")
        #expect(outcome.rawFinish == expected["finish_reason_raw"]?.string)
        #expect(outcome.finish?.rawValue == expected["finish_reason"]?.string)
        if let usage = expected["usage"], usage["output_tokens"]?.int != nil {
            #expect(outcome.usage == Self.usage(usage, beside: outcome.usage))
        } else if let input = expected["usage"]?["input_tokens"]?.int {
            // Cut before the end: the input the provider reported is passed on, to be kept.
            #expect(outcome.usage?.inputTokens == input)
        } else {
            #expect(outcome.usage == nil) // unknown, never made up by the adapter
        }
        if let error = expected["error"], !error.isNull {
            let kind = error["kind"]?.string ?? ""
            let category = (outcome.error as? any GenesisError)?.category
            #expect(category.map { categories(forKind: kind, contextTooLong: false).contains($0) } == true,
                    "\(fixture): expected \(kind), got \(String(describing: outcome.error))")
        } else {
            #expect(outcome.error == nil, "\(fixture): \(String(describing: outcome.error))")
        }
    }

    /// PROTOCOLS 1.3: a proxy may gzip a stream though Genesis asks for `identity`; the body is
    /// decompressed before it is framed (gzip blocks do not align with events), in any reads.
    @Test(arguments: [7, 1])
    func aStreamAProxyCompressedUnaskedDecodesAsThePlainOne(readSize: Int) async throws {
        let expected = try #require(Fixtures.expected["openai-stream-basic.sse"])
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream"), ("content-encoding", "gzip")],
                                chunks: Fixtures.chunks(Fixtures.bytes("openai-stream-basic.sse.gz"), size: readSize))
        }
        defer { Task { await server.shutdown() } }
        let outcome = await TestAdapters.consume(TestAdapters.provider("openai", baseURL: server.baseURL, idleTimeout: .seconds(30)),
                                                 TestAdapters.request)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.text == expected["text"]?.string && outcome.finish == .stop)
        #expect(outcome.usage?.outputTokens == expected["usage"]?["output_tokens"]?.int)
        #expect(server.requests.first?.header("accept-encoding") == "identity")
    }

    @Test func aCompressedStreamCutShortKeepsWhatArrivedAndFails() async throws {
        let gzip = Fixtures.bytes("openai-stream-basic.sse.gz")
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream"), ("content-encoding", "gzip")],
                                chunks: Fixtures.chunks(Array(gzip.prefix(gzip.count * 2 / 3)), size: 7), cutOff: true)
        }
        defer { Task { await server.shutdown() } }
        let outcome = await TestAdapters.consume(TestAdapters.provider("openai", baseURL: server.baseURL, idleTimeout: .seconds(30)),
                                                 TestAdapters.request)
        let whole = try #require(Fixtures.expected["openai-stream-basic.sse"]?["text"]?.string)
        #expect(outcome.error != nil && outcome.finish == nil)
        #expect(!outcome.text.isEmpty && whole.hasPrefix(outcome.text) && outcome.text != whole, "\(outcome.text)")
    }

    @Test func aBodyMarkedGzipThatIsNotSaysSoNotThatTheConnectionBroke() async throws {
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream"), ("content-encoding", "gzip")],
                                chunks: [Fixtures.bytes("openai-stream-basic.sse")]) // a proxy that decompressed and kept the header
        }
        defer { Task { await server.shutdown() } }
        let outcome = await TestAdapters.consume(TestAdapters.provider("openai", baseURL: server.baseURL, idleTimeout: .seconds(30)),
                                                 TestAdapters.request)
        let failure = try #require(outcome.error as? ProviderError)
        #expect(failure.category == .server && outcome.text.isEmpty)
        #expect(failure.description.contains("sent a body marked content-encoding gzip or deflate that does not decompress"), "\(failure)")
    }

    @Test(arguments: answers)
    func aWholeAnswerDecodesToTheExpectedTextFinishAndUsage(fixture: String) async throws {
        let expected = try #require(Fixtures.expected[fixture])
        let server = try await Self.serve(Fixtures.http(fixture))
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider(try #require(expected["provider"]?.string), baseURL: server.baseURL)
        let answer = try await provider.generate(TestAdapters.request)
        #expect(answer.text == expected["text"]?.string)
        #expect(answer.reasoning == expected["reasoning"]?.string ?? "")
        #expect(answer.rawFinishReason == expected["finish_reason_raw"]?.string)
        #expect(answer.finishReason.rawValue == expected["finish_reason"]?.string)
        #expect(answer.usage == Self.usage(try #require(expected["usage"]), beside: answer.usage))
    }

    /// The usage `expected.json` gives: input and output tokens always, each detail (cached,
    /// cache-write and reasoning tokens, estimated) where it names one; details it leaves out
    /// are taken from `actual`, so transcripts written before they were decoded still count.
    static func usage(_ expected: JSONValueForTests, beside actual: Usage?) -> Usage {
        Usage(inputTokens: expected["input_tokens"]?.int ?? -1, outputTokens: expected["output_tokens"]?.int ?? -1,
              isEstimated: expected["estimated"]?.bool ?? false,
              cachedInputTokens: expected["cached_input_tokens"].map { $0.int } ?? actual?.cachedInputTokens,
              cacheWriteTokens: expected["cache_write_tokens"].map { $0.int } ?? actual?.cacheWriteTokens,
              reasoningTokens: expected["reasoning_tokens"].map { $0.int } ?? actual?.reasoningTokens)
    }

    @Test(arguments: errors)
    func anErrorResponseMapsToTheRightKindWaitAndRetryability(fixture: String) async throws {
        let expected = try #require(Fixtures.expected[fixture])
        let server = try await Self.serve(Fixtures.http(fixture))
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider(try #require(expected["provider"]?.string), baseURL: server.baseURL)
        let error = try #require(expected["error"])
        do {
            _ = try await provider.generate(TestAdapters.request)
            Issue.record("\(fixture): expected an error")
        } catch let failure as any GenesisError {
            let kind = error["kind"]?.string ?? ""
            let allowed = categories(forKind: kind, contextTooLong: error["context_too_long"]?.bool == true)
            #expect(allowed.contains(failure.category), "\(fixture): expected \(kind), got \(failure.category) (\(failure))")
            #expect(failure.status == expected["status"]?.int)
            if let seconds = error["retry_after_s"]?.double {
                #expect((failure as? RateLimitError)?.retryAfter == .milliseconds(Int64(seconds * 1000)))
            }
            if let retryable = error["retryable"]?.bool {
                #expect(RetryPolicy().shouldRetry(failure, attempt: 1) == retryable, "\(fixture): retryable should be \(retryable)")
            }
            if error["quota_exhausted"]?.bool == true { #expect((failure as? RateLimitError)?.limit == .quota) }
            if error["overloaded"]?.bool == true { #expect(failure.category == .overloaded) }
            #expect(!failure.description.contains(TestAdapters.key))
        }
    }

    @Test(arguments: modelLists)
    func aModelListOffersTheChatModels(fixture: String) async throws {
        let expected = try #require(Fixtures.expected[fixture])
        let server = try await Self.serve(Fixtures.http(fixture))
        defer { Task { await server.shutdown() } }
        let provider = TestAdapters.provider(try #require(expected["provider"]?.string), baseURL: server.baseURL)
        let models = try await provider.listModels()
        #expect(models.map(\.id.model) == expected["models"]?.array?.compactMap(\.string))
    }

    @Test(arguments: [("llamacpp-health-ok.http", HealthState.ok), ("llamacpp-health-loading.http", .degraded)])
    func llamaCppHealthIsReadFromItsHealthRoute(fixture: String, state: HealthState) async throws {
        let server = try await Self.serve(Fixtures.http(fixture))
        defer { Task { await server.shutdown() } }
        let report = await TestAdapters.provider("llamacpp", baseURL: server.baseURL).health()
        #expect(report.state == state)
        #expect(server.requests.first?.uri == "/health")
    }
}
