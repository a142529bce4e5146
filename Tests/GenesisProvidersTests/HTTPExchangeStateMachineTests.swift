@testable import GenesisProviders
import NIOCore
import NIOHTTP1
import Testing

/// One exchange on one connection, driven event by event, without a connection: what is
/// delivered, when reading stops, and whether the connection is kept.
@Suite("An HTTP exchange's state machine")
struct HTTPExchangeStateMachineTests {
    typealias Machine = HTTPExchangeStateMachine

    static func head(_ version: HTTPVersion = .http1_1, _ headers: [(String, String)] = []) -> HTTPResponseHead {
        HTTPResponseHead(version: version, status: .ok, headers: HTTPHeaders(headers))
    }

    /// A machine whose request went out and whose head came.
    static func streaming(_ method: HTTPMethod = .POST, head: HTTPResponseHead = head()) -> Machine {
        var machine = Machine(method: method)
        machine.requestWasWritten()
        _ = machine.receivedHead(head)
        return machine
    }

    static func failure(_ error: any Error, beforeHead: Bool, retryElsewhere: Bool = false) -> Machine.Action {
        .fail(.init(error: error, beforeHead: beforeHead, retryElsewhere: retryElsewhere))
    }

    // MARK: Keep-alive

    @Test("a complete response to a request written whole keeps its connection")
    func aCompleteResponseKeepsTheConnection() {
        var machine = Machine(method: .POST)
        machine.requestWasWritten()
        #expect(machine.receivedHead(Self.head()) == .deliverHead(Self.head()))
        #expect(machine.receivedBodyPart(ByteBuffer(string: "hi")) == .deliverBodyPart(ByteBuffer(string: "hi")))
        #expect(machine.receivedEnd() == .finish(.keep))
        #expect(machine.isFinished)
    }

    @Test("connection: close, or HTTP/1.0 without keep-alive, closes the connection after the response",
          arguments: [HTTPExchangeStateMachineTests.head(.http1_1, [("connection", "close")]), HTTPExchangeStateMachineTests.head(.http1_0)])
    func theServerSaysClose(head: HTTPResponseHead) {
        var machine = Self.streaming(head: head)
        #expect(machine.receivedEnd() == .finish(.close))
    }

    @Test("HTTP/1.0 with keep-alive keeps it")
    func http10KeepAlive() {
        var machine = Self.streaming(head: Self.head(.http1_0, [("connection", "keep-alive")]))
        #expect(machine.receivedEnd() == .finish(.keep))
    }

    @Test("a response that came before the request went out whole does not keep the connection")
    func aResponseBeforeTheWholeRequestCloses() {
        var machine = Machine(method: .POST)
        _ = machine.receivedHead(Self.head())
        #expect(machine.receivedEnd() == .finish(.close))
    }

    @Test("a caller who leaves in the middle of the body closes the connection; after the end, nothing")
    func leavingMidBodyCloses() {
        var machine = Self.streaming()
        _ = machine.receivedBodyPart(ByteBuffer(string: "a"))
        #expect(machine.callerLeft() == .close)
        var ended = Self.streaming()
        _ = ended.receivedEnd()
        #expect(ended.callerLeft() == .none) // the connection may already serve another request
    }

    @Test("an end that still arrives after the caller left does not keep the connection")
    func anEndAfterTheCallerLeftCloses() {
        var machine = Self.streaming()
        _ = machine.callerLeft()
        #expect(machine.receivedEnd() == .finish(.close))
    }

    // MARK: Cancel and failure

    @Test("a caller who stops waiting for the head closes the connection; the close then fails the waiter, not to be retried elsewhere")
    func cancelBeforeTheHead() {
        var machine = Machine(method: .GET)
        machine.requestWasWritten()
        #expect(machine.callerLeft() == .close)
        // The close itself reports: a GET on a closed connection would be repeatable, and the
        // caller's task being cancelled is what stops that (HTTPExchange.run checks it).
        #expect(machine.connectionClosed() == Self.failure(TransportError.closedEarly, beforeHead: true, retryElsewhere: true))
        #expect(machine.connectionClosed() == .none)
    }

    @Test("a body cut off mid-stream: every part before the failure was delivered, the failure ends the body")
    func failureAfterAPartialBody() {
        var machine = Self.streaming()
        #expect(machine.receivedBodyPart(ByteBuffer(string: "par")) == .deliverBodyPart(ByteBuffer(string: "par")))
        #expect(machine.receivedBodyPart(ByteBuffer(string: "tial")) == .deliverBodyPart(ByteBuffer(string: "tial")))
        #expect(machine.connectionClosed() == Self.failure(TransportError.closedEarly, beforeHead: false))
        #expect(machine.receivedBodyPart(ByteBuffer(string: "late")) == .none)
    }

    @Test("the first failure is the one reported: an idle timeout, not the close that follows it")
    func theFirstFailureWins() {
        var machine = Machine(method: .POST)
        machine.requestWasWritten()
        #expect(machine.idleTimedOut() == Self.failure(TransportError.idleTimeout, beforeHead: true))
        #expect(machine.connectionClosed() == .none)
    }

    @Test("the deadline, arriving as a pipeline error, fails the body after its parts")
    func deadlineMidBody() {
        var machine = Self.streaming()
        _ = machine.receivedBodyPart(ByteBuffer(string: "a"))
        #expect(machine.failed(TransportError.deadlineExceeded) == Self.failure(TransportError.deadlineExceeded, beforeHead: false))
    }

    @Test("a connection that dies before any response: a GET or HEAD, or a request not written whole, may go again elsewhere; a POST written whole may not")
    func retryElsewhere() {
        var get = Machine(method: .GET)
        get.requestWasWritten()
        #expect(get.connectionClosed() == Self.failure(TransportError.closedEarly, beforeHead: true, retryElsewhere: true))

        var unsent = Machine(method: .POST)
        #expect(unsent.requestWriteFailed(TransportError.closedEarly) == Self.failure(TransportError.closedEarly, beforeHead: true, retryElsewhere: true))

        var sent = Machine(method: .POST)
        sent.requestWasWritten()
        #expect(sent.connectionClosed() == Self.failure(TransportError.closedEarly, beforeHead: true, retryElsewhere: false))
    }

    @Test("a timeout or a failure after the head is never retried elsewhere")
    func onlyClosesBeforeTheHeadAreRetried() {
        var timedOut = Machine(method: .GET)
        timedOut.requestWasWritten()
        #expect(timedOut.idleTimedOut() == Self.failure(TransportError.idleTimeout, beforeHead: true, retryElsewhere: false))

        var midBody = Self.streaming(.GET)
        #expect(midBody.connectionClosed() == Self.failure(TransportError.closedEarly, beforeHead: false, retryElsewhere: false))
    }

    @Test("an end without a head is no answer: the exchange fails")
    func anEndWithoutAHead() {
        var machine = Machine(method: .POST)
        machine.requestWasWritten()
        #expect(machine.receivedEnd() == Self.failure(TransportError.closedEarly, beforeHead: true))
    }

    @Test("a head after the exchange ended answers nothing")
    func aLateHead() {
        var machine = Self.streaming()
        _ = machine.receivedEnd()
        #expect(machine.receivedHead(Self.head()) == .none)
    }

    // MARK: Backpressure

    @Test("reads go through while the consumer keeps up; above the high watermark they are held back, and one goes once it drains")
    func backpressure() {
        var machine = Self.streaming()
        #expect(machine.readRequested() == .read)
        machine.consumerFellBehind()
        #expect(machine.readRequested() == .none)
        #expect(machine.readRequested() == .none) // one held read, however often NIO asks
        #expect(machine.consumerCaughtUp() == .read)
        #expect(machine.consumerCaughtUp() == .none) // nothing held back any more
        #expect(machine.readRequested() == .read)
    }

    @Test("while reads are held back for the consumer, no idle timeout fires; once it caught up, one does")
    func noIdleTimeoutWhileHeldBack() {
        var machine = Self.streaming()
        machine.consumerFellBehind()
        #expect(machine.idleTimedOut() == .none)
        _ = machine.consumerCaughtUp()
        #expect(machine.idleTimedOut() == Self.failure(TransportError.idleTimeout, beforeHead: false))
    }

    @Test("once the exchange is over, reads pass (a kept or closing connection goes on reading) and catching up reads nothing")
    func afterTheEnd() {
        var machine = Self.streaming()
        machine.consumerFellBehind()
        _ = machine.readRequested()
        _ = machine.connectionClosed()
        #expect(machine.readRequested() == .read)
        #expect(machine.consumerCaughtUp() == .none)
    }
}
