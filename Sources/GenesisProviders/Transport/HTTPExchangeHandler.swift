import NIOCore
import NIOHTTP1

/// One exchange's handler in its connection's pipeline: turns NIO's events into
/// ``HTTPExchangeStateMachine`` events and does what the machine answers. All of it happens on
/// the connection's event loop, so its state needs no lock; from elsewhere it is reached through
/// a `NIOLoopBoundBox` and `execute`.
final class HTTPExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// The name of the exchange's idle timer in the pipeline (it leaves with the exchange).
    static let idleHandlerName = "genesis.idle"

    private(set) var machine: HTTPExchangeStateMachine
    private var headWaiter: CheckedContinuation<HTTPResponseHead, any Error>?
    private let body: ResponseBody.Source
    /// Takes the connection when the response ended and it may be used again.
    private let release: (any Channel) -> Void
    private var deadlineTimer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(method: HTTPMethod, headWaiter: CheckedContinuation<HTTPResponseHead, any Error>, body: ResponseBody.Source,
         release: @escaping (any Channel) -> Void) {
        machine = HTTPExchangeStateMachine(method: method)
        self.headWaiter = headWaiter
        self.body = body
        self.release = release
    }

    func setDeadlineTimer(_ scheduled: Scheduled<Void>) { deadlineTimer = scheduled }

    // MARK: Events from outside the pipeline (on the loop)

    /// The whole request went out.
    func requestWritten() { machine.requestWasWritten() }

    /// The request could not be written, or the exchange not set up on `channel`.
    func writeFailed(_ error: any Error, channel: any Channel) {
        perform(machine.requestWriteFailed(error), channel: channel)
    }

    /// The caller stopped waiting for the head, or the consumer left the body.
    func callerLeft(channel: any Channel) { perform(machine.callerLeft(), channel: channel) }

    /// The consumer's buffer drained below its low watermark.
    func consumerCaughtUp() {
        guard let context else { return } // gone from the pipeline: the exchange is over
        perform(machine.consumerCaughtUp(), context: context)
    }

    // MARK: NIO's events

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): perform(machine.receivedHead(head), context: context)
        case .body(let part): perform(machine.receivedBodyPart(part), context: context)
        case .end: perform(machine.receivedEnd(), context: context)
        }
    }

    func read(context: ChannelHandlerContext) {
        perform(machine.readRequested(), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            perform(machine.idleTimedOut(), context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(machine.failed(error), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.connectionClosed(), context: context)
        context.fireChannelInactive()
    }

    // MARK: Doing what the machine says

    private func perform(_ action: HTTPExchangeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .read: context.read()
        case .finish(.keep): keep(context: context)
        default: perform(action, channel: context.channel)
        }
    }

    private func perform(_ action: HTTPExchangeStateMachine.Action, channel: any Channel) {
        switch action {
        case .none:
            break
        case .read:
            channel.read()
        case .deliverHead(let head):
            headWaiter?.resume(returning: head)
            headWaiter = nil
        case .deliverBodyPart(let part):
            if body.yield(part) == .stopProducing { machine.consumerFellBehind() }
        case .finish(let decision):
            deadlineTimer?.cancel()
            if decision == .close { channel.close(promise: nil) } // .keep needs the pipeline: see keep(context:)
            body.finish()
        case .fail(let report):
            deadlineTimer?.cancel()
            channel.close(promise: nil)
            if let headWaiter {
                self.headWaiter = nil
                headWaiter.resume(throwing: ExchangeFailure(error: report.error, replaceable: report.retryElsewhere))
            }
            body.finish(report.error) // after every part already delivered
        case .close:
            channel.close(promise: nil)
        }
    }

    /// A complete response the server will follow with another: the connection is free, and is
    /// kept before the body ends, so that the caller's next request finds it.
    private func keep(context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        let channel = context.channel, operations = context.pipeline.syncOperations
        if channel.isActive, let idle = try? operations.context(name: Self.idleHandlerName) {
            operations.removeHandler(context: idle, promise: nil)
            if let pacer = try? operations.context(name: ReadPacer.name) { operations.removeHandler(context: pacer, promise: nil) }
            operations.removeHandler(context: context, promise: nil)
            release(channel)
        } else {
            channel.close(promise: nil)
        }
        body.finish()
    }
}
