import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Serves `GET /metrics` on 127.0.0.1 (only: metrics name providers and models) for Prometheus.
public final class MetricsServer: Sendable {
    private let channel: any Channel
    /// Scrapers' connections (kept alive between scrapes), closed with the server.
    private let connections: Connections
    /// The port bound (useful with port 0).
    public let port: Int

    private final class Connections: Sendable {
        let open = Mutex<[ObjectIdentifier: any Channel]>([:])
    }

    public static func start(port: Int, exporter: MetricsExporter) async throws -> MetricsServer {
        let connections = Connections()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.open.withLock { $0[ObjectIdentifier(channel)] = channel }
                channel.closeFuture.whenComplete { _ in _ = connections.open.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }
                return channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(exporter: exporter))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return MetricsServer(channel: channel, connections: connections)
    }

    private init(channel: any Channel, connections: Connections) {
        self.channel = channel
        self.connections = connections
        port = channel.localAddress?.port ?? 0
    }

    public func stop() async {
        try? await channel.close()
        for connection in connections.open.withLock({ Array($0.values) }) { try? await connection.close() }
    }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let exporter: MetricsExporter

        init(exporter: MetricsExporter) { self.exporter = exporter }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            let loop = context.eventLoop
            let bound = NIOLoopBound(context, eventLoop: loop)
            let keepAlive = head.isKeepAlive
            guard head.method == .GET, head.uri == "/metrics" || head.uri.hasPrefix("/metrics?") else {
                Self.respond(bound.value, status: .notFound, body: "not found: metrics are at /metrics\n", keepAlive: keepAlive)
                return
            }
            let exporter = self.exporter
            let promise = loop.makePromise(of: String.self)
            promise.completeWithTask { await exporter.render() }
            promise.futureResult.whenSuccess { text in
                Self.respond(bound.value, status: .ok, body: text, keepAlive: keepAlive)
            }
        }

        static func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String, keepAlive: Bool) {
            var headers = HTTPHeaders([("content-type", status == .ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain"),
                                       ("content-length", "\(body.utf8.count)")])
            if !keepAlive { headers.add(name: "connection", value: "close") }
            context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
            if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
        }
    }
}
