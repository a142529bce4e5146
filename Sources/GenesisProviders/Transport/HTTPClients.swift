import AsyncHTTPClient
import NIOCore
import Synchronization

/// The process's HTTP clients: one per timeout setting, shared by every provider that uses it
/// and kept for the life of the process (connection pools are reused across requests).
///
/// The connect timeout covers DNS, TCP, TLS and sending the request; the idle timeout restarts
/// with every byte received, so a long stream is fine while a stalled one fails.
enum HTTPClients {
    private struct Key: Hashable { let connect: Duration, idle: Duration }
    private static let clients = Mutex<[Key: HTTPClient]>([:])

    static func client(connectTimeout: Duration, idleTimeout: Duration) -> HTTPClient {
        clients.withLock { clients in
            let key = Key(connect: connectTimeout, idle: idleTimeout)
            if let client = clients[key] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .milliseconds(Int64(connectTimeout.seconds * 1000)),
                                          read: .milliseconds(Int64(idleTimeout.seconds * 1000)))
            configuration.decompression = .enabled(limit: .ratio(200))
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = client
            return client
        }
    }
}

/// A request an adapter wants sent.
struct HTTPRequestSpec: Sendable {
    var method: HTTPMethod = .POST
    var url: String
    var headers: [(String, String)] = []
    var body: JSONValue?

    func clientRequest() -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.replaceOrAdd(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.encoded()))
        }
        return request
    }
}

import Foundation
import NIOHTTP1
