import GenesisTestSupport
import Foundation
import GenesisEngine
import GenesisProviders
import NIOCore
import Synchronization
import Testing

/// `RequestOptions.readPacing`: a streamed answer read at most once per interval after its first
/// text, so a display wakes per interval rather than per packet; nothing is lost, and the first
/// token is not held back.
@Suite("Read pacing")
struct ReadPacingTests {
    static func event(_ text: String) -> [UInt8] {
        Array(#"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"#.utf8)
            + Array("\n\n".utf8)
    }

    static let finish = Array(#"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#.utf8)
        + Array("\n\ndata: [DONE]\n\n".utf8)

    static func registry(_ server: FakeServer) -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.providers["openai"] = ProviderConfiguration(kind: "openai", baseURL: server.baseURL + "/v1", apiKeyEnvironment: ["K"])
        return ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory, environment: ["K": "sk-test-123456789012"])
    }

    /// The text pieces handed on, with when each came.
    final class Pieces: Sendable {
        private let seen = Mutex<[(text: String, at: ContinuousClock.Instant)]>([])
        func add(_ text: String) { seen.withLock { $0.append((text, .now)) } }
        var texts: [String] { seen.withLock { $0.map(\.text) } }
        var times: [ContinuousClock.Instant] { seen.withLock { $0.map(\.at) } }
        /// Pieces that came together (each within 20 ms of the one before): one read's worth.
        var bursts: Int {
            seen.withLock { seen in zip(seen, seen.dropFirst()).count { $0.at.duration(to: $1.at) >= .milliseconds(20) } + (seen.isEmpty ? 0 : 1) }
        }
    }

    static func stream(_ registry: ModelRegistry, pacing: Duration?) async throws -> Pieces {
        let pieces = Pieces()
        _ = try await registry.generate(GenerationRequest(model: "openai:gpt-4o-mini", prompt: "hi"), options: RequestOptions(readPacing: pacing)) { event in
            if case .text(let delta) = event { pieces.add(delta) }
        }
        return pieces
    }

    @Test("every token arrives, in order, in a handful of pieces: at most one read per interval once text flows")
    func coalescesWithoutLoss() async throws {
        // A token every 50 ms: read as they come, that is 20 reads apart.
        let tokens = (0..<20).map { " t\($0)" }
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: tokens.map(Self.event) + [Self.finish], interval: .milliseconds(50))
        }
        defer { Task { await server.shutdown() } }
        let registry = Self.registry(server)
        let pacing = Duration.milliseconds(200)
        let start = ContinuousClock.now
        let paced = try await Self.stream(registry, pacing: pacing)
        let elapsed = ContinuousClock.now - start
        #expect(paced.texts.joined() == tokens.joined())
        // A read per interval of the time it took, plus the first read and the last; each read
        // brings several events, handed on back to back.
        let allowed = Int(elapsed / pacing) + 3
        #expect(paced.bursts <= allowed, "\(paced.bursts) reads' worth in \(elapsed), at most \(allowed) allowed")
        #expect(paced.bursts < tokens.count / 2)
        let unpaced = try await Self.stream(registry, pacing: nil)
        #expect(unpaced.texts.joined() == tokens.joined() && unpaced.bursts >= tokens.count / 2) // (what pacing changes)
    }

    @Test("the first token is not held back for the interval: it comes well before the rest, which waits for it")
    func firstTokenAtOnce() async throws {
        let server = try await FakeServer { _ in
            FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: [Self.event("first"), Self.event(" second"), Self.finish],
                                interval: .milliseconds(500))
        }
        defer { Task { await server.shutdown() } }
        let pieces = try await Self.stream(Self.registry(server), pacing: .seconds(4))
        #expect(pieces.texts == ["first", " second"])
        // " second" is read when the four-second interval after the first text is up, whether
        // the first came in the head's read or one of its own. Had the first token been held
        // back too, both would have come in that same read, together.
        let times = pieces.times
        #expect(times[0].duration(to: times[1]) >= .seconds(1), "the first token came \(times[0].duration(to: times[1])) before the second")
    }
}
