import NIOCore
import NIOHTTP1

/// One request and its response on one connection, as states and the events that move them:
/// the request written, the head, each body part, the end, a failure or close, the caller giving
/// up, and how fast the consumer reads the body. Each event returns what to do (deliver, read,
/// keep or close the connection, fail); nothing here touches a channel, a lock or a clock, so the
/// tests drive it directly. ``HTTPExchangeHandler`` feeds it NIO's events on the connection's
/// event loop and does what it says.
///
/// Its contracts:
/// - Every body part that arrived is delivered before the failure that cuts the body off.
/// - The connection is kept only after a complete response, to a request written whole, that the
///   server did not mark `connection: close` (HTTP/1.0 without keep-alive counts as close). A
///   caller who leaves before the end closes it: what is left of that body would reach the next
///   request.
/// - A failure before any response may be retried on another connection only if the connection
///   closed, and the request was not written whole or may be repeated (GET, HEAD): a POST the
///   server may have received is never sent twice here.
/// - While the consumer is behind (its buffer above the high watermark), reads asked for are
///   held back, and reading resumes once it drained below the low watermark. Holding them back
///   is not the server's stall: no idle timeout fires meanwhile.
struct HTTPExchangeStateMachine {
    enum State: Equatable {
        /// The request is going out, or gone; no head yet.
        case waitingForHead
        /// The head was handed on; the body streams.
        case streamingBody
        /// Ended or failed: the connection is no longer this exchange's.
        case finished
    }

    /// What to do after an event.
    enum Action: Equatable {
        /// Nothing (the event changed state only, or came too late to matter).
        case none
        /// Let the read NIO asked for go to the connection.
        case read
        /// Hand the head to the caller waiting for it.
        case deliverHead(HTTPResponseHead)
        /// Hand a body part to the consumer (it reports whether it fell behind).
        case deliverBodyPart(ByteBuffer)
        /// The response is complete: end the body; give the connection back to the pool, or
        /// close it.
        case finish(ConnectionDecision)
        /// The exchange failed: close the connection; the head's waiter, or else the body after
        /// every part already delivered, gets `error`. `retryElsewhere`: the request may go again
        /// on another connection (only ever before a head).
        case fail(FailureReport)
        /// The caller left: close the connection (its close then fails what is still waiting).
        case close
    }

    enum ConnectionDecision: Equatable {
        case keep, close
    }

    /// A failure and what it means for the request. Equal when the errors read alike (for tests).
    struct FailureReport: Equatable {
        var error: any Error
        var beforeHead: Bool
        var retryElsewhere: Bool

        static func == (lhs: Self, rhs: Self) -> Bool {
            "\(lhs.error)" == "\(rhs.error)" && type(of: lhs.error) == type(of: rhs.error)
                && lhs.beforeHead == rhs.beforeHead && lhs.retryElsewhere == rhs.retryElsewhere
        }
    }

    private(set) var state = State.waitingForHead
    /// The whole request went out.
    private(set) var requestWritten = false
    /// The server's head said it keeps the connection open after this response.
    private var keepAlive = false
    /// The consumer's buffer is above its high watermark: reads wait until it drains.
    private(set) var consumerBehind = false
    /// A read NIO asked for while the consumer was behind.
    private(set) var readHeldBack = false
    /// The caller left before the end: whatever comes, the connection is not kept.
    private var callerGone = false
    /// GET and HEAD may be sent again after a connection died under them.
    private let repeatable: Bool

    init(method: HTTPMethod) {
        repeatable = method == .GET || method == .HEAD
    }

    var isFinished: Bool { state == .finished }

    // MARK: The request

    /// The request's last byte went out.
    mutating func requestWasWritten() {
        requestWritten = true
    }

    /// The request could not be written (nor the exchange set up on the connection).
    mutating func requestWriteFailed(_ error: any Error) -> Action {
        fail(error)
    }

    // MARK: The response

    mutating func receivedHead(_ head: HTTPResponseHead) -> Action {
        guard state == .waitingForHead else { return .none } // a late or second head answers nothing
        state = .streamingBody
        keepAlive = head.isKeepAlive
        return .deliverHead(head)
    }

    mutating func receivedBodyPart(_ part: ByteBuffer) -> Action {
        guard state == .streamingBody else { return .none }
        return .deliverBodyPart(part)
    }

    mutating func receivedEnd() -> Action {
        switch state {
        case .streamingBody:
            state = .finished
            return .finish(keepAlive && requestWritten && !callerGone ? .keep : .close)
        case .waitingForHead:
            return fail(TransportError.closedEarly) // an end without a head is no answer
        case .finished:
            return .close
        }
    }

    // MARK: Failures

    /// An error in the pipeline (the deadline's among them), or one writing.
    mutating func failed(_ error: any Error) -> Action {
        fail(error)
    }

    /// No byte came for the idle timeout. Not a failure while reads are held back for the
    /// consumer: then the wait is ours.
    mutating func idleTimedOut() -> Action {
        if consumerBehind, state == .streamingBody { return .none }
        return fail(TransportError.idleTimeout)
    }

    /// The connection closed.
    mutating func connectionClosed() -> Action {
        fail(TransportError.closedEarly)
    }

    private mutating func fail(_ error: any Error) -> Action {
        let before = state == .waitingForHead
        guard state != .finished else { return .none } // the first failure is the one to report
        state = .finished
        let closed = (error as? TransportError) == .closedEarly || error is IOError || error is ChannelError
        return .fail(FailureReport(error: error, beforeHead: before,
                                   retryElsewhere: before && closed && (repeatable || !requestWritten)))
    }

    // MARK: The caller and the consumer

    /// The caller gave up waiting for the head, or the consumer left the body before its end.
    mutating func callerLeft() -> Action {
        guard state != .finished else { return .none }
        callerGone = true
        return .close
    }

    /// The consumer's buffer went above its high watermark.
    mutating func consumerFellBehind() {
        guard state == .streamingBody else { return }
        consumerBehind = true
    }

    /// The consumer drained its buffer below the low watermark: a read held back goes now.
    /// Once finished, nothing: a kept connection is read by the pool's guard, not by this exchange.
    /// (None is held back when the end arrives: the end comes by a read that was let through.)
    mutating func consumerCaughtUp() -> Action {
        consumerBehind = false
        guard readHeldBack, state != .finished else { return .none }
        readHeldBack = false
        return .read
    }

    /// NIO asks to read more from the connection.
    mutating func readRequested() -> Action {
        guard consumerBehind, state == .streamingBody else { return .read }
        readHeldBack = true
        return .none
    }
}
