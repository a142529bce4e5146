import NIOCore
import NIOPosix
import Synchronization

/// A server on 127.0.0.1, port 0, that answers every request with the same bytes, exactly as
/// given, and closes: for responses an HTTP server library would refuse to write (a control
/// character in a header, a broken status line).
public final class RawServer: Sendable {
    private let channel: any Channel
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public init(response: [UInt8]) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Answer(response: response)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    public func shutdown() async { try? await channel.close() }

    /// Waits for the end of the request's head, then writes the response and closes.
    private final class Answer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let response: [UInt8]
        let seen = Mutex<[UInt8]>([])
        init(response: [UInt8]) { self.response = response }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(buffer: unwrapInboundIn(data).slice())
            let headEnded = seen.withLock { seen -> Bool in
                seen += bytes
                return seen.count >= 4 && seen.indices.dropLast(3).contains { Array(seen[$0..<$0 + 4]) == [13, 10, 13, 10] }
            }
            guard headEnded else { return }
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: response)), promise: nil)
            channel.close(promise: nil)
        }
    }
}
