import Foundation
import GenesisEngine
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client on SwiftNIO for provider calls (TLS for https), the body handed on
/// part by part as it is parsed, so that when a server dies in the middle of an answer, every
/// byte it did send reaches the adapter before the error does. The body waits for its consumer
/// in a bounded buffer (``ResponseBody``): one that falls behind stops the reading, and memory
/// stays flat however large the body.
///
/// The parts: ``Target`` (where a URL goes), ``ConnectionPool`` (kept connections, and how new
/// ones are made), ``HTTPExchange`` (one request and its response on a connection), its handler
/// ``HTTPExchangeHandler`` and the state machine that decides for it,
/// ``HTTPExchangeStateMachine``; ``ProxyTunnel`` for https through a proxy.
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
        headers.replaceOrAdd(name: "user-agent", value: "genesis/\(GenesisVersion.current)")
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
        let request = HTTPExchange(head: HTTPRequestHead(version: .http1_1, method: spec.method, uri: uri, headers: headers), payload: payload,
                                   idleTimeout: idleTimeout, deadline: deadline, readPacing: readPacing)

        let key = target.key, host = target.host, port = target.port
        while let kept = pool.take(key) {
            do throws(ExchangeFailure) {
                return try await request.run(on: kept, pool: pool, key: key)
            } catch where error.replaceable {
                continue // the server closed it while it was kept: try the next, then a new one
            } catch {
                throw error.error
            }
        }
        let channel = try await connect(host: host, port: port, tls: tls, connectTimeout: connectTimeout, deadline: deadline, via: route)
        channel.closeFuture.whenComplete { [weak pool] _ in pool?.forget(channel, key: key) } // once per connection, however often kept
        do throws(ExchangeFailure) {
            return try await request.run(on: channel, pool: pool, key: key)
        } catch {
            throw error.error
        }
    }

    /// HTTP/1.1 over the connection, and a body in `content-encoding: gzip` or `deflate`
    /// decompressed before anything reads it (PROTOCOLS 1.3: a proxy may compress a stream that
    /// was asked for as `identity`; gzip blocks do not align with events). No limit on the ratio:
    /// gzip's own is about a thousand to one, and what reads a body bounds it (an event's size,
    /// an error body's excerpt).
    static func addHTTPHandlers(_ operations: ChannelPipeline.SynchronousOperations) throws {
        try operations.addHTTPClientHandlers()
        try operations.addHandler(NIOHTTPResponseDecompressor(limit: .none))
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
                    try Self.addHTTPHandlers(channel.pipeline.syncOperations)
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
                try Self.addHTTPHandlers(channel.pipeline.syncOperations)
            }.get()
            return channel
        } catch {
            channel.close(promise: nil)
            throw ProxyTunnel.failure(error, route: route, host: host, port: port)
        }
    }
}

extension HTTPStreamingCall {
    /// Whether `host` is an IPv4 or IPv6 literal (those get no TLS server name).
    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
