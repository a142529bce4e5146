import Foundation
import GenesisProviders
import NIOCore
import NIOHTTP1
import NIOPosix

/// A consumer slower than its connection: a loopback server sends a large body as fast as the
/// socket takes it, and the consumer reads one part, waits, then reads the rest with a pause
/// per part. What it measures is the process's peak RSS over its RSS before the request: with an
/// unbounded body buffer, the whole body; with a bounded one, a few MiB.
enum SlowConsumerBench {
    struct Figures {
        var megabytes: Int
        var receivedBytes: Int
        var baselineRSSMB: Double
        var peakRSSMB: Double
        var seconds: Double
    }

    static func run(megabytes: Int, pause: Duration = .seconds(2), perPart: Duration = .microseconds(200)) async throws -> Figures {
        let total = megabytes << 20
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Firehose(total: total))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = server.localAddress?.port ?? 0

        let baseline = rss(field: "VmRSS:")
        let start = ContinuousClock.now
        let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: "http://127.0.0.1:\(port)/firehose"),
                                                        connectTimeout: .seconds(5), idleTimeout: .seconds(60), pool: .direct())
        var received = 0, parts = 0
        for try await part in response.body {
            received += part.readableBytes
            parts += 1
            if parts == 1 { try await Task.sleep(for: pause) } else { try await Task.sleep(for: perPart) }
        }
        return Figures(megabytes: megabytes, receivedBytes: received, baselineRSSMB: baseline, peakRSSMB: rss(field: "VmHWM:"),
                       seconds: (ContinuousClock.now - start).seconds)
    }

    /// A field of /proc/self/status, in MB.
    static func rss(field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return kilobytes / 1024
    }

    /// Answers any request with `total` bytes, written whenever the socket takes more.
    final class Firehose: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let total: Int
        var left = 0
        let piece = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 << 10)

        init(total: Int) { self.total = total }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-length": "\(total)"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            left = total
            pump(context: context)
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            pump(context: context)
            context.fireChannelWritabilityChanged()
        }

        func pump(context: ChannelHandlerContext) {
            while left > 0, context.channel.isWritable {
                let size = min(left, piece.readableBytes)
                left -= size
                context.write(wrapOutboundOut(.body(.byteBuffer(piece.getSlice(at: 0, length: size) ?? piece))), promise: nil)
                if left == 0 { context.write(wrapOutboundOut(.end(nil)), promise: nil) }
            }
            context.flush()
        }
    }
}
