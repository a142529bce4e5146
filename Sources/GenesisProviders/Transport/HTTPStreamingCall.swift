import Foundation
import GenesisEngine
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A response whose body arrives as it is received.
public struct HTTPStreamingResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    /// The event loop the body is read on (its connection's).
    public var eventLoop: (any EventLoop)? = nil
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
    /// The proxy is unusable or refused the request; the words say which and what to do.
    case proxy(String)
    /// The certificate authorities to trust cannot be read.
    case trust(String)
}

/// A small HTTP/1.1 client on SwiftNIO for provider calls (TLS for https), the body handed on
/// part by part as it is parsed, so that when a server dies in the middle of an answer, every
/// byte it did send reaches the adapter before the error does.
///
/// Connections are kept alive and reused (``ConnectionPool``): the next prompt to a provider
/// skips DNS, TCP and TLS. A connection goes back to the pool only after a complete response
/// the server did not mark `connection: close`; one whose answer was abandoned, failed or timed
/// out is closed. A kept connection the server closed meanwhile is noticed before the request is
/// answered, and the request goes once more on a new connection.
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
    /// The pool of callers that name none (custom providers; the environment's proxy and CAs).
    public static let pool = ConnectionPool()

    /// Sends `spec` and returns once the response head arrived; the body streams on. At
    /// `deadline` the connection closes and whatever is waiting fails with
    /// ``TransportError/deadlineExceeded`` (a timer on the connection's event loop, no task).
    /// Connections are kept in `pool` (each provider has its own).
    public static func send(_ spec: HTTPRequestSpec, connectTimeout: Duration, idleTimeout: Duration,
                            deadline: ContinuousClock.Instant? = nil, pool: ConnectionPool = HTTPStreamingCall.pool,
                            readPacing: Duration? = nil) async throws -> HTTPStreamingResponse {
        let target = try Target.parse(spec.url)
        let tls = target.scheme == "https" ? try pool.tls() : nil
        if let deadline, ContinuousClock.now >= deadline { throw TransportError.deadlineExceeded }
        let route = try pool.rules.route(scheme: target.scheme, host: target.host)

        var headers = HTTPHeaders(spec.headers)
        headers.replaceOrAdd(name: "host", value: target.hostHeader)
        headers.replaceOrAdd(name: "user-agent", value: "genesis/\(GenesisUserAgent.version)")
        headers.replaceOrAdd(name: "accept-encoding", value: "identity")
        if headers["accept"].isEmpty { headers.add(name: "accept", value: "*/*") }
        var payload: ByteBuffer?
        if let json = spec.body {
            payload = ByteBuffer(bytes: JSONWriter.bytes(json)) // no stop in Data on the way
            headers.replaceOrAdd(name: "content-type", value: "application/json")
        }
        headers.replaceOrAdd(name: "content-length", value: "\(payload?.readableBytes ?? 0)")
        var uri = target.path
        if let route, target.scheme == "http" { // through the proxy, in absolute form
            uri = "http://\(target.hostHeader)\(target.path)"
            if let authorization = route.proxy.authorization { headers.replaceOrAdd(name: "proxy-authorization", value: authorization) }
        }
        let request = Exchange(head: HTTPRequestHead(version: .http1_1, method: spec.method, uri: uri, headers: headers), payload: payload,
                               idleTimeout: idleTimeout, deadline: deadline, readPacing: readPacing)

        let key = target.key, host = target.host, port = target.port
        while let kept = pool.take(key) {
            do {
                return try await request.run(on: kept, pool: pool, key: key)
            } catch let failure as ExchangeFailure where failure.replaceable {
                continue // the server closed it while it was kept: try the next, then a new one
            } catch let failure as ExchangeFailure {
                throw failure.error
            }
        }
        let channel = try await connect(host: host, port: port, tls: tls, connectTimeout: connectTimeout, deadline: deadline, via: route)
        channel.closeFuture.whenComplete { [weak pool] _ in pool?.forget(channel, key: key) } // once per connection, however often kept
        do {
            return try await request.run(on: channel, pool: pool, key: key)
        } catch let failure as ExchangeFailure {
            throw failure.error
        }
    }

    /// A connection to `host:port` ready for HTTP/1.1 requests: straight, or through `route`'s
    /// proxy (a plain TCP connection to it for http; for https a `CONNECT` tunnel, then TLS with
    /// the server inside it, so the proxy sees only the host name).
    static func connect(host: String, port: Int, tls: NIOSSLContext?, connectTimeout: Duration,
                        deadline: ContinuousClock.Instant?, via route: ProxyRules.Route? = nil) async throws -> any Channel {
        let remaining = deadline.map { ContinuousClock.now.duration(to: $0) }
        let timeout = min(connectTimeout, remaining ?? connectTimeout)
        let isIPAddress = Self.isIPAddress(host)
        let tunnel = route != nil && tls != nil
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeout.seconds * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard !tunnel else { return } // the tunnel is set up once connected
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isIPAddress ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: route?.proxy.host ?? host, port: route?.proxy.port ?? port).get()
        } catch ChannelError.connectTimeout {
            if let deadline, ContinuousClock.now >= deadline { throw TransportError.deadlineExceeded }
            throw TransportError.connectTimeout
        } catch {
            guard let route else { throw error }
            throw TransportError.proxy("cannot reach the proxy at \(route.proxy) (\(route.source)): \(error); check the proxy's address, or list \(host) in NO_PROXY")
        }
        guard tunnel, let route, let tls else { return channel }
        do {
            try await ProxyTunnel.open(on: channel, to: host, port: port, route: route, timeout: timeout)
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isIPAddress ? nil : host))
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
            }.get()
            return channel
        } catch {
            channel.close(promise: nil)
            throw ProxyTunnel.failure(error, route: route, host: host, port: port)
        }
    }
}

/// Where a URL sends a request: parsed once per URL (a provider sends every request to the
/// same few), not on every request.
struct Target: Sendable {
    let scheme: String
    let host: String
    let port: Int
    /// Path and query, percent-encoded, as the request line carries them.
    let path: String
    /// The `host` header: the host (IPv6 literals in brackets) and the port when the URL names one.
    let hostHeader: String
    /// The connection pool's key: `scheme://host:port`.
    let key: String

    private static let parsed = Mutex<[String: Target]>([:])

    static func parse(_ url: String) throws(TransportError) -> Target {
        if let known = parsed.withLock({ $0[url] }) { return known }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", var host = components.host, !host.isEmpty else {
            throw TransportError.invalidURL(url)
        }
        // An IPv6 literal: Foundation on Linux keeps its brackets, which a connect must not see.
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw TransportError.invalidURL(url) }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let bracketed = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host // IPv6 literals keep their brackets
        let target = Target(scheme: scheme, host: host, port: port, path: path,
                            hostHeader: components.port.map { "\(bracketed):\($0)" } ?? bracketed, key: "\(scheme)://\(host):\(port)")
        parsed.withLock { known in
            if known.count >= 256 { known.removeAll() } // URLs with ever-changing queries must not grow it without end
            known[url] = target
        }
        return target
    }
}

/// A failure of one exchange, and whether the request may go again on another connection: only
/// when a kept connection closed before any response, and either the request had not been
/// written whole or it is one that may be repeated (GET, HEAD). A POST the server may have
/// received is never sent twice here (the engine's retry policy decides that).
struct ExchangeFailure: Error {
    var error: any Error
    var replaceable: Bool
}

/// One request and its response on a connection: per-request handlers in, the request out, the
/// head awaited; the body streams on.
struct Exchange: Sendable {
    let head: HTTPRequestHead
    let payload: ByteBuffer?
    let idleTimeout: Duration
    let deadline: ContinuousClock.Instant?
    /// Read the body at most this often once it flows (``ReadPacer``); nil reads as it comes.
    var readPacing: Duration? = nil

    func run(on channel: any Channel, pool: ConnectionPool, key: String) async throws -> HTTPStreamingResponse {
        let (body, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let handler = ResponseHandler(body: continuation) { channel in pool.put(channel, key: key) }
        let readTimeout = TimeAmount(idleTimeout)
        // The consumer left before the end: hang up. Decided on the event loop, where the exchange
        // ends: one that ended has let the connection go, perhaps to another request already.
        continuation.onTermination = { termination in
            guard case .cancelled = termination else { return }
            channel.eventLoop.execute { if !handler.isFinished { channel.close(promise: nil) } }
        }
        let head = self.head, payload = self.payload, deadline = self.deadline
        let pacing = readPacing.map(TimeAmount.init)
        do {
            let responseHead = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<HTTPResponseHead, any Error>) in
                    handler.waitForHead(waiter)
                    // One trip to the event loop sets the exchange up and sends it: nothing can be
                    // read on the connection in between, and a request pays one thread hand-over
                    // here, not one per step.
                    channel.eventLoop.execute {
                        let operations = channel.pipeline.syncOperations
                        if let guardContext = try? operations.context(handlerType: KeptConnectionGuard.self) {
                            operations.removeHandler(context: guardContext, promise: nil)
                        }
                        // Closed while it was kept (its close already went by): nothing would ever answer.
                        guard channel.isActive, (try? operations.addHandler(IdleStateHandler(readTimeout: readTimeout), name: ResponseHandler.idleHandlerName)) != nil,
                              pacing.map({ (try? operations.addHandler(ReadPacer(interval: $0), name: ReadPacer.name)) != nil }) ?? true,
                              (try? operations.addHandler(handler)) != nil else {
                            handler.writeFailed(TransportError.closedEarly, channel: channel) // nothing was written
                            return
                        }
                        if let deadline {
                            let timer = channel.eventLoop.scheduleTask(in: TimeAmount(max(.zero, ContinuousClock.now.duration(to: deadline)))) {
                                channel.pipeline.fireErrorCaught(TransportError.deadlineExceeded)
                            }
                            handler.setDeadlineTimer(timer) // cancelled when the exchange ends, whichever way
                        }
                        channel.write(HTTPClientRequestPart.head(head), promise: nil)
                        if let payload { channel.write(HTTPClientRequestPart.body(.byteBuffer(payload)), promise: nil) }
                        // Whether the request went out whole decides whether the connection may be kept,
                        // and whether a failure may be retried; one that cannot be written fails only this exchange.
                        // (The callback is attached before the write, so it runs the moment the write
                        // completes, on the loop, before any reply can be read.)
                        let sent = channel.eventLoop.makePromise(of: Void.self)
                        sent.futureResult.whenComplete { result in
                            switch result {
                            case .success: handler.requestWritten()
                            case .failure(let error): handler.writeFailed(error, channel: channel)
                            }
                        }
                        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: sent)
                    }
                }
            } onCancel: {
                channel.eventLoop.execute { if !handler.isFinished { channel.close(promise: nil) } }
            }
            return HTTPStreamingResponse(status: Int(responseHead.status.code), headers: responseHead.headers,
                                         eventLoop: channel.eventLoop, body: body)
        } catch {
            let closed = (error as? TransportError) == .closedEarly || error is IOError || error is ChannelError
            let repeatable = [.GET, .HEAD].contains(head.method) || !handler.wasWritten
            throw ExchangeFailure(error: error, replaceable: closed && repeatable && !handler.sawResponse && !Task.isCancelled)
        }
    }
}

/// A provider that keeps its connections in a pool of its own: raw requests sent through
/// ``HTTPStreamingCall/send(_:connectTimeout:idleTimeout:deadline:pool:readPacing:)`` with this
/// pool reuse the provider's connections (the benchmark's bare client does, so both paths share one).
public protocol PooledConnections: Sendable {
    var connections: ConnectionPool { get }
}

/// Connections kept alive after a complete response, by `scheme://host:port`, newest first out.
/// A kept connection is closed after `maxIdle` unused, when the server closes it, or when it
/// sends anything while nobody asked. The pool also says how its connections are made: through
/// which proxy (``ProxyRules``), trusting which certificate authorities (``TrustRoots``).
public final class ConnectionPool: Sendable {
    /// As many as a batch or a gateway-style load keeps busy at once: at 8, the load run (200
    /// streams over four hosts) opened a connection for one request in three. Idle ones still
    /// close after `maxIdle`.
    static let maxPerHost = 64
    static let maxIdle: Duration = .seconds(30)

    private struct Kept {
        let channel: any Channel
        let since: ContinuousClock.Instant
    }

    private let kept = Mutex<[String: [Kept]]>([:])
    let rules: ProxyRules
    let trust: TrustRoots

    /// A pool that goes through the proxy `network` and the environment name, trusting the
    /// certificate authorities they name besides the system's.
    public init(network: NetworkSettings = NetworkSettings(), environment: [String: String] = ProcessInfo.processInfo.environment) {
        rules = ProxyRules(settings: network, environment: environment)
        trust = TrustRoots(network: network, environment: environment)
    }

    /// A pool that connects straight to every host, whatever the environment says (probes of
    /// local servers on loopback).
    public static func direct() -> ConnectionPool { ConnectionPool(environment: [:]) }

    /// The TLS context for https connections (one per set of trusted authorities, made once).
    func tls() throws(TransportError) -> NIOSSLContext { try trust.context() }

    /// A pool that goes (its provider went) closes what it kept.
    deinit {
        for list in kept.withLock({ $0.values }) { for entry in list { entry.channel.close(promise: nil) } }
    }

    /// A live connection to `key` kept less than `maxIdle`, if there is one.
    func take(_ key: String) -> (any Channel)? {
        var stale: [any Channel] = []
        let found = kept.withLock { kept -> (any Channel)? in
            while let last = kept[key]?.popLast() {
                if last.channel.isActive, ContinuousClock.now - last.since < Self.maxIdle { return last.channel }
                stale.append(last.channel)
            }
            return nil
        }
        for channel in stale { channel.close(promise: nil) }
        return found
    }

    /// Keeps `channel` (on its event loop, its request's handlers already gone).
    func put(_ channel: any Channel, key: String) {
        guard channel.isActive, (try? channel.pipeline.syncOperations.addHandler(KeptConnectionGuard())) != nil else {
            channel.close(promise: nil)
            return
        }
        let kept = kept.withLock { kept -> Bool in
            guard kept[key, default: []].count < Self.maxPerHost else { return false }
            kept[key, default: []].append(Kept(channel: channel, since: .now))
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Drops `channel` (it closed).
    func forget(_ channel: any Channel, key: String) {
        kept.withLock { $0[key]?.removeAll { $0.channel === channel } }
    }

    /// How many connections are kept (for tests).
    var count: Int { kept.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}

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
final class ResponseHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
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
    /// The name of the exchange's idle timer in the pipeline (it leaves with the exchange).
    static let idleHandlerName = "genesis.idle"
    /// Takes the connection when the response ended and it may be used again.
    private let release: @Sendable (any Channel) -> Void
    private let timer = Mutex<Scheduled<Void>?>(nil)
    /// Whether the server keeps the connection open after this response; nil until its head.
    private let keepAlive = Mutex<Bool?>(nil)

    init(body: AsyncThrowingStream<ByteBuffer, any Error>.Continuation, release: @escaping @Sendable (any Channel) -> Void) {
        self.body = body
        self.release = release
    }

    func setDeadlineTimer(_ scheduled: Scheduled<Void>) { timer.withLock { $0 = scheduled } }

    /// The response ended or failed: the connection is no longer this exchange's.
    var isFinished: Bool {
        state.withLock { state in
            if case .done = state { return true }
            if case .failedEarly = state { return true }
            return false
        }
    }

    /// The response's head arrived (whatever happened after).
    var sawResponse: Bool { keepAlive.withLock { $0 != nil } }

    private let written = Mutex(false)
    /// The whole request went out.
    var wasWritten: Bool { written.withLock { $0 } }
    func requestWritten() { written.withLock { $0 = true } }

    /// The request could not be written: this exchange fails, if it has not ended (on the loop).
    func writeFailed(_ error: any Error, channel: any Channel) {
        guard !isFinished else { return }
        fail(error)
        channel.close(promise: nil)
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
            // A head before the request was sent is not this request's answer (a server's
            // unasked "408 timeout" on a kept connection): the connection is useless.
            let waiter: CheckedContinuation<HTTPResponseHead, any Error>?? = state.withLock { state in
                guard case .waitingForHead(let waiter) = state else { return .some(nil) }
                guard waiter != nil else { return nil }
                state = .streaming
                return .some(waiter)
            }
            guard let waiter else {
                fail(TransportError.closedEarly)
                context.close(promise: nil)
                return
            }
            keepAlive.withLock { $0 = head.isKeepAlive }
            waiter?.resume(returning: head)
        case .body(let buffer):
            body.yield(buffer)
        case .end:
            let complete = state.withLock { state -> Bool in
                guard case .streaming = state else { return false }
                state = .done
                return true
            }
            timer.withLock { $0?.cancel(); $0 = nil }
            // A complete response the server will follow with another: the connection is free,
            // and is kept before the body ends, so that the caller's next request finds it.
            if complete, keepAlive.withLock({ $0 == true }), wasWritten, context.channel.isActive,
               let idle = try? context.pipeline.syncOperations.context(name: Self.idleHandlerName) {
                let channel = context.channel, operations = context.pipeline.syncOperations
                operations.removeHandler(context: idle, promise: nil)
                if let pacer = try? operations.context(name: ReadPacer.name) { operations.removeHandler(context: pacer, promise: nil) }
                operations.removeHandler(context: context, promise: nil)
                release(channel)
            } else {
                context.close(promise: nil)
            }
            body.finish()
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
        timer.withLock { $0?.cancel(); $0 = nil }
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

/// The `CONNECT` tunnel through a proxy to an https server: its handlers' names, and its
/// failures in words.
enum ProxyTunnel {
    static let encoder = "genesis.proxy.encoder", decoder = "genesis.proxy.decoder", connect = "genesis.proxy.connect"

    /// Asks the proxy on `channel` for a tunnel to `host:port` and, once it says 200, takes the
    /// HTTP handlers off again (one after another, as each goes), leaving a bare byte stream to
    /// the server for TLS.
    static func open(on channel: any Channel, to host: String, port: Int, route: ProxyRules.Route, timeout: Duration) async throws {
        let opened = channel.eventLoop.makePromise(of: Void.self)
        do {
            try await channel.eventLoop.submit {
                var headers = HTTPHeaders()
                if let authorization = route.proxy.authorization { headers.add(name: "proxy-authorization", value: authorization) }
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(HTTPRequestEncoder(), name: encoder)
                try operations.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)), name: decoder)
                try operations.addHandler(NIOHTTP1ProxyConnectHandler(targetHost: host, targetPort: port, headers: headers,
                                                                      deadline: .now() + TimeAmount(timeout), promise: opened), name: connect)
            }.get()
        } catch {
            opened.fail(error) // never left pending: NIO traps on a promise dropped unfulfilled
            throw error
        }
        try await opened.futureResult.get()
        // The CONNECT handler took itself off as it succeeded.
        for name in [decoder, encoder] {
            try await channel.pipeline.removeHandler(name: name).get()
        }
    }

    static func failure(_ error: any Error, route: ProxyRules.Route, host: String, port: Int) -> TransportError {
        let proxy = "the proxy at \(route.proxy) (\(route.source))"
        guard let refusal = error as? NIOHTTP1ProxyConnectHandler.Error else {
            return .proxy("\(proxy) did not open a tunnel to \(host):\(port): \(error)")
        }
        if refusal == .proxyAuthenticationRequired() {
            return .proxy("\(proxy) answered 407: it needs credentials; put them in the proxy URL, http://user:password@host:port")
        }
        if refusal == .httpProxyHandshakeTimeout() {
            return .proxy("\(proxy) did not answer the CONNECT to \(host):\(port) in time")
        }
        let said = String(describing: refusal)
        let status = said.firstMatch(of: /status: ([^,]+)/).map { "answered \($0.1)" } ?? said.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
        return .proxy("\(proxy) refused the CONNECT to \(host):\(port) (\(status)); check that it lets Genesis reach that host")
    }
}
