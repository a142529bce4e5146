@testable import GenesisProviders
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// The exchange's handler in a pipeline of its own: NIO's events in, the head, the body and the
/// reads out.
/// On the main actor: an embedded loop is used from the thread that made it.
@Suite("The HTTP client's exchange handler") @MainActor
struct HTTPExchangeHandlerTests {
    /// A handler on an embedded channel, behind a read counter, its body bounded as in use.
    @MainActor struct Rig {
        let loop = EmbeddedEventLoop()
        let channel: EmbeddedChannel
        let counter = ReadPacingTests.ReadCounter()
        let box: NIOLoopBoundBox<HTTPExchangeHandler?>
        let body: ResponseBody
        let source: ResponseBody.Source

        init() throws {
            channel = EmbeddedChannel(loop: loop)
            try channel.pipeline.syncOperations.addHandler(counter)
            let box = NIOLoopBoundBox.makeEmptyBox(valueType: HTTPExchangeHandler.self, eventLoop: loop)
            self.box = box
            (body, source) = ResponseBody.make(.init(eventLoop: loop, onMore: { box.value?.consumerCaughtUp() }, onTerminate: {}))
        }

        /// Adds the handler, then does `events` (the waiter is registered first, as in use).
        func start(_ events: (EmbeddedChannel) throws -> Void) async throws -> HTTPResponseHead {
            try await withCheckedThrowingContinuation { waiter in
                let handler = HTTPExchangeHandler(method: .POST, headWaiter: waiter, body: source) { _ in }
                box.value = handler
                do {
                    try channel.pipeline.syncOperations.addHandler(handler)
                    handler.requestWritten()
                    try events(channel)
                } catch {
                    handler.writeFailed(error, channel: channel)
                }
            }
        }
    }

    @Test("an idle timeout before the head is the error the waiter gets, not the close that follows it; nothing of a response came")
    func idleTimeoutBeforeTheHead() async throws {
        let rig = try Rig()
        defer { _ = try? rig.channel.finish() }
        let error = await #expect(throws: ExchangeFailure.self) {
            _ = try await rig.start { $0.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read) } // closes the channel too
        }
        #expect(error.map { "\($0.error)" } == "\(TransportError.idleTimeout)")
        #expect(error?.replaceable == false && rig.box.value?.machine.isFinished == true)
    }

    @Test("a connection that closes before the head fails the waiter; a POST written whole is not sent again")
    func closedBeforeTheHead() async throws {
        let rig = try Rig()
        let error = await #expect(throws: ExchangeFailure.self) { _ = try await rig.start { $0.close(promise: nil) } }
        #expect(error.map { "\($0.error)" } == "\(TransportError.closedEarly)" && error?.replaceable == false)
    }

    @Test("a body cut off mid-stream delivers every part that arrived, then the failure")
    func aCutBodyKeepsEveryByte() async throws {
        let rig = try Rig()
        let head = try await rig.start { channel in
            try channel.writeInbound(HTTPClientResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
            for part in ["The answer ", "is cut ", "off he"] { try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: part))) }
            channel.close(promise: nil)
        }
        #expect(head.status == .ok)
        var text = ""
        let error = await #expect(throws: TransportError.self) {
            for try await part in rig.body { text += String(buffer: part) }
        }
        #expect(text == "The answer is cut off he" && error == .closedEarly)
    }

    @Test("a consumer that falls behind stops the reads; once it drained below the low watermark, the read held back goes")
    func backpressureStopsAndResumesReading() async throws {
        let rig = try Rig()
        defer { _ = try? rig.channel.finish() }
        _ = try await rig.start { try $0.writeInbound(HTTPClientResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok))) }
        rig.channel.read()
        let before = rig.counter.reads
        #expect(before >= 1) // keeping up: reads pass
        for n in 0..<ResponseBody.highWatermark {
            try rig.channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "\(n) ")))
        }
        rig.channel.read()
        rig.channel.read()
        #expect(rig.counter.reads == before) // behind: held back
        var parts = rig.body.makeAsyncIterator()
        for _ in 0..<(ResponseBody.highWatermark - ResponseBody.lowWatermark) { _ = try await parts.next() }
        rig.loop.run()
        #expect(rig.counter.reads == before) // at the low watermark, not yet below it
        _ = try await parts.next()
        rig.loop.run()
        #expect(rig.counter.reads == before + 1) // the one read held back
        rig.channel.read()
        #expect(rig.counter.reads == before + 2) // and reads pass again
    }

    @Test("while the consumer holds reading back, the idle timer is not the server's stall")
    func noIdleTimeoutWhileBehind() async throws {
        let rig = try Rig()
        defer { _ = try? rig.channel.finish() }
        _ = try await rig.start { try $0.writeInbound(HTTPClientResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok))) }
        for n in 0..<ResponseBody.highWatermark { try rig.channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "\(n)"))) }
        rig.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(rig.box.value?.machine.isFinished == false)
    }
}
