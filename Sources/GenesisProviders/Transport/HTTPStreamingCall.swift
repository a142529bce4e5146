import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A response whose body arrives as it is received.
public struct HTTPStreamingResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    /// Every byte the server sent before a failure is delivered before the failure itself.
    public let body: AsyncThrowingStream<ByteBuffer, any Error>

    /// The whole body, up to `limit` bytes.
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes += chunk.readableBytesView
            if bytes.count > limit { throw TransportError.bodyTooLarge(limit) }
        }
        return bytes
    }
}

/// What can go wrong below HTTP, in words ``TransportFailure`` turns into engine errors.
public enum TransportError: Error, Sendable, Equatable {
    case invalidURL(String)
    case connectTimeout
    case idleTimeout
    /// The connection closed before the response was complete.
    case closedEarly
    case bodyTooLarge(Int)
    /// The request's deadline passed; the connection was closed.
    case deadlineExceeded
}

/// A small HTTP/1.1 client on SwiftNIO for provider calls: one connection per request (TLS for
/// https), the body handed on part by part as it is parsed, so that when a server dies in the
/// middle of an answer, every byte it did send reaches the adapter before the error does.
///
/// (AsyncHTTPClient was tried first: it drops body parts it is still holding when the connection
/// closes mid-body, which loses the end of a broken stream's text.)
///
/// The connect timeout covers TCP, TLS and sending the request; the idle timeout restarts with
/// every byte received, so a long stream is fine while a stalled one fails.
///
/// Public for custom providers that speak their own format over it (decode with
/// ``TranscriptDecoder`` or the public parsers), and for the benchmark's bare client.
public enum HTTPStreamingCall {
    private static let tls: NIOSSLContext? = try? NIOSSLContext(configuration: .makeClientConfiguration())

    /// Sends `spec` and returns once the response head arrived; the body streams on. At
    /// `deadline` the connection closes and whatever is waiting fails with
    /// ``TransportError/deadlineExceeded`` (a timer on the connection's event loop, no task).
    public static func send(_ spec: HTTPRequestSpec, connectTimeout: Duration, idleTimeout: Duration,
                            deadline: ContinuousClock.Instant? = nil) async throws -> HTTPStreamingResponse {
        guard let components = URLComponents(string: spec.url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw TransportError.invalidURL(spec.url)
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let (body, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let handler = ResponseHandler(body: continuation)
        let tls = scheme == "https" ? Self.tls : nil
        if scheme == "https", tls == nil { throw TransportError.invalidURL("TLS is unavailable for \(host)") }
        let isIPAddress = Self.isIPAddress(host)

        let remaining = deadline.map { ContinuousClock.now.duration(to: $0) }
        if let remaining, remaining <= .zero { throw TransportError.deadlineExceeded }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(min(connectTimeout, remaining ?? connectTimeout).seconds * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isIPAddress ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .milliseconds(Int64(idleTimeout.seconds * 1000))))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch ChannelError.connectTimeout {
            if let deadline, ContinuousClock.now >= deadline { throw TransportError.deadlineExceeded }
            throw TransportError.connectTimeout
        }
        continuation.onTermination = { _ in channel.close(promise: nil) } // the consumer left: hang up
        if let deadline {
            let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(max(0, ContinuousClock.now.duration(to: deadline).seconds * 1e9)))) {
                channel.pipeline.fireErrorCaught(TransportError.deadlineExceeded)
            }
            channel.closeFuture.whenComplete { _ in timer.cancel() }
        }

        var headers = HTTPHeaders(spec.headers)
        let hostHeader = host.contains(":") ? "[\(host)]" : host // IPv6 literals keep their brackets
        headers.replaceOrAdd(name: "host", value: components.port.map { "\(hostHeader):\($0)" } ?? hostHeader)
        headers.replaceOrAdd(name: "user-agent", value: "genesis/\(GenesisUserAgent.version)")
        headers.replaceOrAdd(name: "accept-encoding", value: "identity")
        headers.replaceOrAdd(name: "connection", value: "close")
        if headers["accept"].isEmpty { headers.add(name: "accept", value: "*/*") }
        var payload: ByteBuffer?
        if let json = spec.body {
            payload = ByteBuffer(bytes: json.encoded())
            headers.replaceOrAdd(name: "content-type", value: "application/json")
        }
        headers.replaceOrAdd(name: "content-length", value: "\(payload?.readableBytes ?? 0)")
        let head = HTTPRequestHead(version: .http1_1, method: spec.method, uri: path, headers: headers)

        let responseHead = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<HTTPResponseHead, any Error>) in
                handler.waitForHead(waiter)
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                if let payload { channel.write(HTTPClientRequestPart.body(.byteBuffer(payload)), promise: nil) }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
        return HTTPStreamingResponse(status: Int(responseHead.status.code), headers: responseHead.headers, body: body)
    }
}

extension HTTPStreamingCall {
    /// Whether `host` is an IPv4 or IPv6 literal (those get no TLS server name).
    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

enum GenesisUserAgent {
    static let version = "0.1"
}

/// Hands each part on the moment it is parsed; ends the body with the failure only after.
final class ResponseHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private enum State {
        case waitingForHead(CheckedContinuation<HTTPResponseHead, any Error>?)
        case streaming
        case done
        /// Failed before anyone waited for the head: the waiter gets this error.
        case failedEarly(any Error)
    }

    private let state = Mutex<State>(.waitingForHead(nil))
    private let body: AsyncThrowingStream<ByteBuffer, any Error>.Continuation

    init(body: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
        self.body = body
    }

    func waitForHead(_ waiter: CheckedContinuation<HTTPResponseHead, any Error>) {
        let failure: (any Error)? = state.withLock { state in
            switch state {
            case .waitingForHead: state = .waitingForHead(waiter); return nil
            case .failedEarly(let error): state = .done; return error
            default: return TransportError.closedEarly
            }
        }
        if let failure { waiter.resume(throwing: failure) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let waiter: CheckedContinuation<HTTPResponseHead, any Error>? = state.withLock { state in
                guard case .waitingForHead(let waiter) = state else { return nil }
                state = .streaming
                return waiter
            }
            waiter?.resume(returning: head)
        case .body(let buffer):
            body.yield(buffer)
        case .end:
            state.withLock { $0 = .done }
            body.finish()
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            fail(TransportError.idleTimeout)
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(TransportError.closedEarly)
    }

    private func fail(_ error: any Error) {
        let previous: State = state.withLock { state in
            let previous = state
            switch state {
            case .waitingForHead(nil): state = .failedEarly(error)
            case .failedEarly: break // the first failure is the one to report (closing follows a timeout)
            default: state = .done
            }
            return previous
        }
        switch previous {
        case .waitingForHead(let waiter):
            waiter?.resume(throwing: error)
            body.finish(throwing: error)
        case .streaming:
            body.finish(throwing: error) // after every part already yielded
        case .done, .failedEarly:
            break
        }
    }
}
