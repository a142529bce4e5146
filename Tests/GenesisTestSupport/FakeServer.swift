import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// An HTTP/1.1 server on 127.0.0.1, port 0, that answers every request with what the test
/// says: a status, headers and a body written in the chunks given (each flushed on its own), and
/// optionally cut off without the terminating chunk, like a connection that died. It records
/// each request so tests can check what the adapter sent.
public final class FakeServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// The client's port: requests on one kept-alive connection share it.
        public var clientPort: Int? = nil
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var chunks: [[UInt8]]
        /// Close the connection after the body instead of ending the response properly.
        public var cutOff: Bool
        /// Wait this long before the first byte of the body.
        public var delay: TimeAmount
        /// Wait this long between chunks (a slow trickle).
        public var interval: TimeAmount
        /// Repeat the last chunk forever at `interval` (a server that never ends).
        public var endless: Bool

        public init(status: Int = 200, headers: [(String, String)] = [], chunks: [[UInt8]] = [], cutOff: Bool = false, delay: TimeAmount = .zero,
                    interval: TimeAmount = .zero, endless: Bool = false) {
            self.status = status
            self.headers = headers
            self.chunks = chunks
            self.cutOff = cutOff
            self.delay = delay
            self.interval = interval
            self.endless = endless
        }
    }

    public typealias Handler = @Sendable (Request) -> Response

    private final class Recorder: Sendable {
        let requests = Mutex<[Request]>([])
        /// Open connections, closed at shutdown; each leaves when it closes (a load run opens thousands).
        let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
        let accepted = Mutex(0)
    }

    private let channel: any Channel
    private let recorded = Recorder()
    public let port: Int

    public var requests: [Request] { recorded.requests.withLock { $0 } }
    /// Connections accepted so far (a client that keeps its connections opens few).
    public var acceptedConnections: Int { recorded.accepted.withLock { $0 } }
    public var baseURL: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }
    private let isTLS: Bool

    /// - Parameters:
    ///   - recording: keep every request for `requests` (off for benchmarks).
    ///   - group: where the server's connections run; a benchmark gives it threads of its own, so
    ///     that no client connection shares a thread with its server side (a real upstream never does).
    ///   - tls: serve https with this context (a test's own certificate authority).
    public init(recording: Bool = true, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                tls: NIOSSLContext? = nil, handler: @escaping Handler) async throws {
        let recorded = self.recorded
        isTLS = tls != nil
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                recorded.connections.withLock { $0[id] = channel }
                recorded.accepted.withLock { $0 += 1 }
                channel.closeFuture.whenComplete { _ in _ = recorded.connections.withLock { $0.removeValue(forKey: id) } }
                if let tls, (try? channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))) == nil {
                    return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
                }
                return channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Connection(handler: handler) { request in if recording { recorded.requests.withLock { $0.append(request) } } })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// Stops listening and closes every connection (a kept-alive one must not outlive the server:
    /// a later server on the same port would otherwise be answered by this one's handler).
    public func shutdown() async {
        try? await channel.close()
        await closeClientConnections()
    }

    /// Closes every connection a client has open (as a server does when its keep-alive runs out).
    public func closeClientConnections() async {
        for connection in recorded.connections.withLock({ Array($0.values) }) { try? await connection.close() }
    }

    private final class Connection: ChannelInboundHandler, @unchecked Sendable {
        /// Writes chunk `index`, then the next one `interval` later; endless responses repeat the
        /// last chunk until the client hangs up.
        static func trickle(_ response: Response, index: Int, context: NIOLoopBound<ChannelHandlerContext>, this: NIOLoopBound<Connection>) {
            let ctx = context.value
            guard ctx.channel.isActive else { return }
            if index < response.chunks.count || (response.endless && !response.chunks.isEmpty) {
                let chunk = response.chunks[min(index, response.chunks.count - 1)]
                ctx.writeAndFlush(this.value.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: chunk)))), promise: nil)
                ctx.eventLoop.scheduleTask(in: response.interval) { trickle(response, index: index + 1, context: context, this: this) }
            } else if response.cutOff {
                ctx.close(promise: nil)
            } else {
                ctx.writeAndFlush(this.value.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let handler: Handler
        let record: @Sendable (Request) -> Void
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(handler: @escaping Handler, record: @escaping @Sendable (Request) -> Void) {
            self.handler = handler
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                var request = Request(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body)
                request.clientPort = context.channel.remoteAddress?.port
                record(request)
                respond(handler(request), context: context)
            }
        }

        private func respond(_ response: Response, context: ChannelHandlerContext) {
            var headers = HTTPHeaders(response.headers)
            headers.remove(name: "content-length")
            headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
            let loop = context.eventLoop
            let contextBox = NIOLoopBound(context, eventLoop: loop)
            let this = NIOLoopBound(self, eventLoop: loop)
            if response.interval > .zero || response.endless {
                loop.scheduleTask(in: response.delay) { Self.trickle(response, index: 0, context: contextBox, this: this) }
                return
            }
            loop.scheduleTask(in: response.delay) {
                let context = contextBox.value
                var written = context.eventLoop.makeSucceededVoidFuture()
                for chunk in response.chunks where !chunk.isEmpty {
                    written = context.writeAndFlush(this.value.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: chunk)))))
                }
                if response.cutOff {
                    // Close only once every byte is out: closing drops writes still pending.
                    written.whenComplete { _ in contextBox.value.close(promise: nil) }
                } else {
                    context.writeAndFlush(this.value.wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }
}
