import GenesisTestSupport
import Foundation
import GenesisEngine
@testable import GenesisProviders
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// `RequestOptions.readPacing`: a streamed answer read at most once per interval after its first
/// text, so a display wakes per interval rather than per packet; nothing is lost, and the first
/// token is not held back.
@Suite("Read pacing")
struct ReadPacingTests {
    static func event(_ text: String) -> [UInt8] {
        Array(#"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"#.utf8)
            + Array("\n\n".utf8)
    }

    static let finish = Array(#"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#.utf8)
        + Array("\n\ndata: [DONE]\n\n".utf8)

    static func registry(_ server: FakeServer) -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.providers["openai"] = ProviderConfiguration(kind: "openai", baseURL: server.baseURL + "/v1", apiKeyEnvironment: ["K"])
        return ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory, environment: ["K": "sk-test-123456789012"])
    }

    /// The text pieces handed on, with when each came.
    final class Pieces: Sendable {
        private let seen = Mutex<[(text: String, at: ContinuousClock.Instant)]>([])
        func add(_ text: String) { seen.withLock { $0.append((text, .now)) } }
        var texts: [String] { seen.withLock { $0.map(\.text) } }
        var times: [ContinuousClock.Instant] { seen.withLock { $0.map(\.at) } }
        /// Pieces that came together (each within 50 ms of the one before): one read's worth.
        var bursts: Int {
            seen.withLock { seen in zip(seen, seen.dropFirst()).count { $0.at.duration(to: $1.at) >= .milliseconds(50) } + (seen.isEmpty ? 0 : 1) }
        }
    }

    static func stream(_ registry: ModelRegistry, pacing: Duration?) async throws -> Pieces {
        let pieces = Pieces()
        _ = try await registry.generate(GenerationRequest(model: "openai:gpt-4o-mini", prompt: "hi"), options: RequestOptions(readPacing: pacing)) { event in
            if case .text(let delta) = event { pieces.add(delta) }
        }
        return pieces
    }

    @Test("every token arrives, in order, in a handful of pieces: at most one read per interval once text flows")
    func coalescesWithoutLoss() async throws {
        // A token every 100 ms: read as they come, that is 20 reads 100 ms apart.
        let tokens = (0..<20).map { " t\($0)" }
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: tokens.map(Self.event) + [Self.finish], interval: .milliseconds(100))
        }
        defer { Task { await server.shutdown() } }
        let registry = Self.registry(server)
        let pacing = Duration.milliseconds(500)
        let start = ContinuousClock.now
        let paced = try await Self.stream(registry, pacing: pacing)
        let elapsed = ContinuousClock.now - start
        #expect(paced.texts.joined() == tokens.joined())
        // A read per interval of the time it took, plus the first read and the last; each read
        // brings several events, handed on back to back.
        // (The exact schedule is checked on virtual time below; here, on a real and perhaps busy
        // machine, only that the reads were far fewer than the packets.)
        let allowed = Int(elapsed / pacing) + 5
        #expect(paced.bursts <= allowed, "\(paced.bursts) reads' worth in \(elapsed), at most \(allowed) allowed")
        #expect(try await Self.stream(registry, pacing: nil).texts.joined() == tokens.joined())
    }

    @Test("with decodeOnReadingThread, streamed text is handled on the event loop that read it; without, on the pool")
    func decodingOnTheReadingThread() async throws {
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: [Self.event("a"), Self.event("b"), Self.finish],
                                interval: .milliseconds(10))
        }
        defer { Task { await server.shutdown() } }
        let registry = Self.registry(server)
        for onReadingThread in [true, false] {
            let onLoop = Mutex<[Bool]>([])
            let request = GenerationRequest(model: "openai:gpt-4o-mini", prompt: "hi")
            let result = try await registry.generate(request, options: RequestOptions(decodeOnReadingThread: onReadingThread)) { event in
                if case .text = event { onLoop.withLock { $0.append(MultiThreadedEventLoopGroup.currentEventLoop != nil) } }
            }
            #expect(result.text == "ab")
            #expect(onLoop.withLock { $0 } == [onReadingThread, onReadingThread], "on the reading thread: \(onReadingThread)")
        }
    }

    /// Counts the reads that get past the pacer to the channel.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = HTTPClientRequestPart
        var reads = 0
        func read(context: ChannelHandlerContext) { reads += 1; context.read() }
    }

    @Test("on the loop's clock: reads pass until the first body bytes, then one per interval; leaving, the pacer lets a held read go")
    func pacerOnVirtualTime() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        let counter = ReadCounter()
        try channel.pipeline.syncOperations.addHandler(counter)
        let pacer = ReadPacer(interval: .milliseconds(50))
        try channel.pipeline.syncOperations.addHandler(pacer, name: ReadPacer.name)
        defer { _ = try? channel.finish() }

        channel.read()
        try channel.writeInbound(HTTPClientResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        channel.read()
        #expect(counter.reads == 2) // the head: nothing held back

        try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "data: first\n\n")))
        channel.read() // the first text came: the next read waits an interval
        channel.read() // asking again changes nothing
        #expect(counter.reads == 2)
        loop.advanceTime(by: .milliseconds(49))
        #expect(counter.reads == 2)
        loop.advanceTime(by: .milliseconds(1))
        #expect(counter.reads == 3)

        loop.advanceTime(by: .milliseconds(80)) // a read asked for after a long quiet goes at once
        channel.read()
        #expect(counter.reads == 4)
        channel.read() // ... and the next waits again
        #expect(counter.reads == 4)
        try channel.pipeline.syncOperations.removeHandler(pacer).wait()
        #expect(counter.reads == 5) // the held read is let go with the pacer
    }

    @Test("streams on one loop are read on the same ticks: two armed 20 ms apart are read together, once per interval")
    func pacersShareTheirTicks() throws {
        let loop = EmbeddedEventLoop()
        var streams: [(channel: EmbeddedChannel, counter: ReadCounter)] = []
        for _ in 0..<2 {
            let channel = EmbeddedChannel(loop: loop), counter = ReadCounter()
            try channel.pipeline.syncOperations.addHandler(counter)
            try channel.pipeline.syncOperations.addHandler(ReadPacer(interval: .milliseconds(50)), name: ReadPacer.name)
            streams.append((channel, counter))
        }
        defer { for stream in streams { _ = try? stream.channel.finish() } }

        for (index, stream) in streams.enumerated() { // text comes at 10 ms on one, at 30 ms on the other
            loop.advanceTime(by: .milliseconds(index == 0 ? 10 : 20))
            try stream.channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "data: x\n\n")))
            stream.channel.read()
        }
        #expect(streams.map(\.counter.reads) == [0, 0])
        loop.advanceTime(by: .milliseconds(19)) // 49 ms
        #expect(streams.map(\.counter.reads) == [0, 0])
        loop.advanceTime(by: .milliseconds(1)) // the tick at 50 ms: both
        #expect(streams.map(\.counter.reads) == [1, 1])
        for stream in streams { stream.channel.read() }
        loop.advanceTime(by: .milliseconds(49))
        #expect(streams.map(\.counter.reads) == [1, 1])
        loop.advanceTime(by: .milliseconds(1)) // and at 100 ms
        #expect(streams.map(\.counter.reads) == [2, 2])
    }
}
