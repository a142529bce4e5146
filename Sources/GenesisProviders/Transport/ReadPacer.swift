import NIOCore
import NIOHTTP1

/// Reads a streamed response at most once per tick after its first body bytes: the reads
/// NIO asks for in between are held back and issued at the next tick, so every event that
/// arrived meanwhile comes in one read, handed on as one piece. A streaming answer then wakes the
/// process per interval rather than per network packet. Before the first body bytes nothing is
/// held back, so the head and the first token come at once.
///
/// The ticks are those of one grid for every pacer (multiples of `interval` on the loop's clock),
/// so the streams an event loop reads are read in the same wake: four panes cost one wake per
/// interval, not four at scattered times.
///
/// Lives in one exchange's pipeline, on its event loop; leaving it, it lets any held-back read go.
final class ReadPacer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    static let name = "genesis.pacer"
    private let interval: TimeAmount
    /// After the first body bytes: from then on reads are paced.
    private var armed = false
    private var lastRead = NIODeadline.distantPast
    private var heldBack: Scheduled<Void>?

    init(interval: TimeAmount) {
        self.interval = interval
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .body = unwrapInboundIn(data), !armed {
            // The interval starts with the first text: the read that brought it counts as the
            // last one (the head may have come in the same read, before any read of ours).
            armed = true
            lastRead = context.eventLoop.now
        }
        context.fireChannelRead(data)
    }

    /// The first tick of the grid after `instant`.
    func tick(after instant: NIODeadline) -> NIODeadline {
        let step = UInt64(max(1, interval.nanoseconds))
        return .uptimeNanoseconds((instant.uptimeNanoseconds / step + 1) * step)
    }

    func read(context: ChannelHandlerContext) {
        let now = context.eventLoop.now // the loop's clock: virtual in tests
        let due = tick(after: lastRead)
        guard armed, now < due else {
            lastRead = now
            context.read()
            return
        }
        guard heldBack == nil else { return } // one read is already coming
        heldBack = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            heldBack = nil
            lastRead = context.eventLoop.now
            context.read()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guard let heldBack else { return }
        heldBack.cancel()
        self.heldBack = nil
        context.read() // the connection goes on reading (a kept one must see the server close it)
    }
}
