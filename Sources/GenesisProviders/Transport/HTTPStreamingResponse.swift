import NIOCore
import NIOHTTP1

/// A response whose body arrives as it is received.
public struct HTTPStreamingResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    /// The event loop the body is read on (its connection's).
    public var eventLoop: (any EventLoop)? = nil
    /// Every byte the server sent before a failure is delivered before the failure itself.
    public let body: ResponseBody

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
