import Foundation
@testable import GenesisProviders
import GenesisTestSupport
import NIOCore
import Testing

/// Kept-alive connections: the next request to a host skips DNS, TCP and TLS, and only a
/// connection whose response ended cleanly is ever used again.
@Suite("HTTP connection reuse", .serialized)
struct ConnectionReuseTests {
    let pool = ConnectionPool() // of this test alone
    // Timeouts are generous: these tests are about which connection a request takes, and a full
    // parallel run on a 2-core machine has stalled a loopback answer past 5 s.

    func get(_ server: FakeServer, _ path: String = "/") async throws -> String {
        let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: server.baseURL + path),
                                                        connectTimeout: .seconds(30), idleTimeout: .seconds(30), pool: pool)
        return String(decoding: try await response.collect(upTo: 1 << 20), as: UTF8.self)
    }

    @Test("requests one after another go on one connection, and it is not sent connection: close")
    func sequentialRequestsShareAConnection() async throws {
        let server = try await FakeServer { request in .init(chunks: [Array("answer to \(request.uri)".utf8)]) }
        defer { Task { await server.shutdown() } }
        for n in 0..<5 { #expect(try await get(server, "/\(n)") == "answer to /\(n)") }
        let ports = server.requests.compactMap(\.clientPort)
        #expect(ports.count == 5 && Set(ports).count == 1, "\(ports)")
        #expect(server.requests.allSatisfy { $0.header("connection") == nil })
    }

    @Test("concurrent requests each get a connection of their own, all kept for later")
    func concurrentRequests() async throws {
        let server = try await FakeServer { _ in .init(chunks: [Array("ok".utf8)], delay: .milliseconds(50)) }
        defer { Task { await server.shutdown() } }
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try await get(server) } }
            for try await text in group { #expect(text == "ok") }
        }
        #expect(Set(server.requests.compactMap(\.clientPort)).count == 4)
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try await get(server) } }
            for try await text in group { #expect(text == "ok") }
        }
        #expect(Set(server.requests.compactMap(\.clientPort)).count == 4) // the second round reused them
    }

    @Test("a response cut off, or abandoned half read, closes its connection instead of keeping it")
    func brokenOrAbandonedResponsesAreNotReused() async throws {
        let server = try await FakeServer { request in
            switch request.uri {
            case "/cut": .init(chunks: [Array("partial".utf8)], cutOff: true)
            case "/long": .init(chunks: [Array("a".utf8), Array("b".utf8)], interval: .milliseconds(200))
            default: .init(chunks: [Array("ok".utf8)])
            }
        }
        defer { Task { await server.shutdown() } }
        await #expect(throws: (any Error).self) { _ = try await get(server, "/cut") }
        #expect(try await get(server) == "ok")
        let ports = server.requests.compactMap(\.clientPort)
        #expect(ports[0] != ports[1], "the cut-off connection was not used again")

        let long = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: server.baseURL + "/long"),
                                                    connectTimeout: .seconds(30), idleTimeout: .seconds(30), pool: pool)
        var iterator = long.body.makeAsyncIterator()
        _ = try await iterator.next() // one part, then the consumer leaves
        _ = consume iterator
        #expect(try await get(server) == "ok")
        let last = server.requests.compactMap(\.clientPort)
        #expect(last[last.count - 1] != last[last.count - 2], "the abandoned connection was not used again")
    }

    @Test("a kept connection the server closed is replaced without the caller seeing it")
    func aConnectionClosedByTheServerIsReplaced() async throws {
        let server = try await FakeServer { request in
            // The server ends this response and closes: like a server whose keep-alive ran out.
            request.uri == "/bye" ? .init(headers: [("connection", "close")], chunks: [Array("bye".utf8)]) : .init(chunks: [Array("ok".utf8)])
        }
        defer { Task { await server.shutdown() } }
        #expect(try await get(server) == "ok")
        #expect(try await get(server, "/bye") == "bye") // reuses, then the server says close: not kept
        #expect(try await get(server) == "ok")
        let ports = server.requests.compactMap(\.clientPort)
        #expect(ports[0] == ports[1] && ports[2] != ports[1], "\(ports)")

        // A kept connection that dies while idle: the next request quietly takes a new one.
        let before = pool.count
        #expect(before >= 1)
        await server.closeClientConnections()
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await get(server) == "ok")
        // Closed just as the request goes out: noticed as it is sent or as it fails, never an error.
        for _ in 0..<20 {
            await server.closeClientConnections()
            #expect(try await get(server) == "ok")
        }
    }

    @Test("a consumer that falls behind a body far larger than its buffer gets every byte, and the connection is kept after")
    func aSlowConsumerGetsTheWholeBody() async throws {
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 32 << 10)
        let server = try await FakeServer { request in
            request.uri == "/large" ? .init(chunks: Array(repeating: piece, count: 128)) : .init(chunks: [Array("ok".utf8)]) // 4 MiB
        }
        defer { Task { await server.shutdown() } }
        let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: server.baseURL + "/large"),
                                                        connectTimeout: .seconds(30), idleTimeout: .seconds(30), pool: pool)
        var received = 0
        for try await part in response.body {
            if received == 0 { try await Task.sleep(for: .milliseconds(200)) } // behind: the buffer fills and reading stops
            received += part.readableBytes
        }
        #expect(received == 128 * piece.count)
        #expect(try await get(server) == "ok")
        let ports = server.requests.compactMap(\.clientPort)
        #expect(ports.count == 2 && ports[0] == ports[1], "\(ports)")
    }

    @Test("a large body cut off while its consumer is behind: every byte the server sent arrives, then the error")
    func aCutBodyBehindASlowConsumerKeepsEveryByte() async throws {
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 32 << 10)
        let server = try await FakeServer { _ in .init(chunks: Array(repeating: piece, count: 128), cutOff: true) }
        defer { Task { await server.shutdown() } }
        let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: server.baseURL + "/"),
                                                        connectTimeout: .seconds(30), idleTimeout: .seconds(30), pool: pool)
        var received = 0
        await #expect(throws: (any Error).self) { // the parser's: the chunked body ended unfinished
            for try await part in response.body {
                if received == 0 { try await Task.sleep(for: .milliseconds(200)) }
                received += part.readableBytes
            }
        }
        #expect(received == 128 * piece.count)
    }
}
