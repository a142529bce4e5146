import NIOCore
import NIOHTTP1

/// Sits on a kept connection: anything arriving while no request is out closes it, and it
/// leaves when the connection is taken for the next request.
final class KeptConnectionGuard: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
