@testable import GenesisProviders
import NIOCore
import NIOEmbedded
import Testing

@Suite("The HTTP client's response handler")
struct ResponseHandlerTests {
    @Test("an idle timeout before anyone waits for the head is the error the waiter gets, not the close that follows it")
    func idleTimeoutBeforeTheWaiter() async throws {
        let (body, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        _ = body
        let handler = ResponseHandler(body: continuation) { _ in }
        let channel = EmbeddedChannel(handler: handler)
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read) // closes the channel too
        let error = await #expect(throws: TransportError.self) {
            _ = try await withCheckedThrowingContinuation { handler.waitForHead($0) }
        }
        #expect(error.map { "\($0)" } == "\(TransportError.idleTimeout)")
        // Nothing of a response came: a kept connection that fails like this may be replaced.
        #expect(!handler.sawResponse && handler.isFinished)
    }

    @Test("a connection that closes before the request's waiter registers is a failure before any response")
    func closedBeforeTheWaiter() async throws {
        let (_, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let handler = ResponseHandler(body: continuation) { _ in }
        let channel = EmbeddedChannel(handler: handler)
        try await channel.close()
        await #expect(throws: TransportError.self) { _ = try await withCheckedThrowingContinuation { handler.waitForHead($0) } }
        #expect(!handler.sawResponse)
    }
}
