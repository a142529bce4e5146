import Foundation
import GenesisEngine
@testable import GenesisProviders
import GenesisTestSupport
import NIOCore
import Synchronization
import Testing

/// The engine and the OpenAI adapter against an upstream that misbehaves on command: it
/// retries, falls back, cools down and recovers as configured, keeps partial answers, and its
/// metrics and health say what happened. Nothing may crash or hang.
@Suite("Fault injection")
struct FaultInjectionTests {
    static func chunk(_ text: String) -> [UInt8] {
        let escaped = String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
        return Array(#"data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":\#(escaped)},"finish_reason":null}]}"#.utf8) + [10, 10]
    }
    static let done: [UInt8] = Array(#"data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#.utf8) + Array("\n\ndata: [DONE]\n\n".utf8)
    static let sse = [("content-type", "text/event-stream")]

    /// A registry with provider `up` (OpenAI format) at `url`, falling back to `sim:fast`. Its
    /// deadline is generous unless a test is about the deadline: a busy machine (all tests at
    /// once on two cores) can hold a request back for many seconds.
    static func registry(_ url: String, idle: Duration = .seconds(5), timeout: Duration = .seconds(60), attempts: Int = 3,
                         fallback: Bool = true, breakerMinimum: Int = 4) -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.breaker.minimumRequests = breakerMinimum
        configuration.simulatorSpeed = 0
        configuration.timeout = timeout
        configuration.retry = RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))
        configuration.providers["up"] = ProviderConfiguration(kind: "openai", baseURL: url + "/v1", apiKeyEnvironment: ["UP_KEY"],
                                                              connectTimeout: .seconds(10), idleTimeout: idle)
        configuration.fallbacks = fallback ? [FallbackRule(primary: "up:m", fallback: "sim:fast")] : []
        return ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory, environment: ["UP_KEY": "sk-test-0123456789abcdef"])
    }

    static func stream(_ registry: ModelRegistry, _ prompt: String = "hi") async -> (text: String, result: GenerationResult?, error: (any Error)?) {
        var text = ""
        do {
            for try await event in registry.streamGenerate(provider: "up", model: "m", prompt: prompt) {
                if case .text(let delta) = event { text += delta }
                if case .completed(let result) = event { return (text, result, nil) }
            }
            return (text, nil, nil)
        } catch {
            return (text, nil, error)
        }
    }

    @Test("connection refused: retried, then the fallback answers; health says down")
    func refused() async throws {
        let registry = Self.registry("http://127.0.0.1:9")
        let (_, result, error) = await Self.stream(registry)
        #expect(error == nil && result?.model == "sim:fast", "\(String(describing: error))")
        #expect(result?.failedAttempts.map(\.category) == [.network, .network, .network])
        let metrics = await registry.providerMetrics("up")
        #expect(metrics.models.first?.errorCount == 3 && metrics.health != .ok)
    }

    @Test("reset mid-stream: the partial answer is kept, never silently restarted elsewhere")
    func resetMidStream() async throws {
        let server = try await FakeServer { _ in .init(headers: Self.sse, chunks: [Self.chunk("Half of "), Self.chunk("an answer")], cutOff: true) }
        defer { Task { await server.shutdown() } }
        // A generous idle timeout: on a loaded machine (CI runs the fuzzers beside this) the close
        // can take seconds to be read, and it is the close, not a stall, that this checks.
        let (text, result, error) = await Self.stream(Self.registry(server.baseURL, idle: .seconds(30), timeout: .seconds(60)))
        #expect(text == "Half of an answer" && result == nil)
        #expect((error as? ProviderError)?.category == .brokenStream, "\(String(describing: error))")
    }

    @Test("a stall hits the idle timeout and falls back; a slow trickle within it completes")
    func stallAndTrickle() async throws {
        let stalled = try await FakeServer { _ in .init(headers: Self.sse, chunks: [Self.chunk("x")], delay: .seconds(30)) }
        defer { Task { await stalled.shutdown() } }
        let (_, fallback, _) = await Self.stream(Self.registry(stalled.baseURL, idle: .milliseconds(200), attempts: 1))
        #expect(fallback?.model == "sim:fast" && fallback?.failedAttempts.first?.category == .timeout)

        // 20 chunks 150 ms apart: 3 s in all, three times the idle timeout, which each byte restarts
        // (the gaps leave room for a busy machine).
        let words = (1...20).map { Self.chunk("w\($0) ") } + [Self.done]
        let slow = try await FakeServer { _ in .init(headers: Self.sse, chunks: words, interval: .milliseconds(150)) }
        defer { Task { await slow.shutdown() } }
        let (text, result, error) = await Self.stream(Self.registry(slow.baseURL, idle: .seconds(1)))
        #expect(error == nil && result?.model == "up:m" && text.hasPrefix("w1 w2") && text.hasSuffix("w20 "))
    }

    @Test("a burst of 5xx is retried until the upstream recovers; a 429 storm is waited out as Retry-After asks")
    func burstsAndStorms() async throws {
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let server = try await FakeServer { _ in
            let n = arrivals.withLock { $0.append(.now); return $0.count }
            switch n {
            case 1: return .init(status: 500, headers: [("content-type", "application/json")], chunks: [Array(#"{"error":{"message":"boom","type":"server_error"}}"#.utf8)])
            case 2: return .init(status: 503, headers: [("content-type", "application/json")], chunks: [Array(#"{"error":{"message":"busy"}}"#.utf8)])
            case 3: return .init(status: 429, headers: [("content-type", "application/json"), ("retry-after-ms", "300")],
                                 chunks: [Array(#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#.utf8)])
            case 4: return .init(status: 429, headers: [("content-type", "application/json"), ("retry-after", "1")],
                                 chunks: [Array(#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#.utf8)])
            default: return .init(headers: Self.sse, chunks: [Self.chunk("recovered"), Self.done])
            }
        }
        defer { Task { await server.shutdown() } }
        // The breaker is kept out of it here (it would rightly stop calling a failing upstream).
        let registry = Self.registry(server.baseURL, attempts: 5, fallback: false, breakerMinimum: 100)
        let clock = ContinuousClock(), start = clock.now
        var last = await Self.stream(registry)
        while last.result == nil, clock.now - start < .seconds(10) { last = await Self.stream(registry) }
        #expect(last.text == "recovered" && last.result?.model == "up:m")
        let times = arrivals.withLock { $0 }
        #expect(times.count >= 5)
        // Backoff alone waits at most 50 ms here; the waits after the 429s are the server's asks
        // (lower bounds, so a slow machine cannot fail them).
        if times.count >= 5 {
            #expect(times[3] - times[2] >= .milliseconds(300), "retry-after-ms: 300 was not waited out")
            #expect(times[4] - times[3] >= .seconds(1), "Retry-After: 1 was not waited out")
        }
        let metrics = await registry.providerMetrics("up")
        #expect((metrics.models.first?.errorCount ?? 0) >= 4)
    }

    @Test("malformed JSON and invalid UTF-8 in the stream: no crash; the bad chunk is an error or replaced, the rest is kept")
    func garbage() async throws {
        let malformed = try await FakeServer { _ in .init(headers: Self.sse, chunks: [Self.chunk("before "), Array("data: {\"choices\": [tru\n\n".utf8), Self.done]) }
        defer { Task { await malformed.shutdown() } }
        let bad = await Self.stream(Self.registry(malformed.baseURL, fallback: false))
        #expect(bad.text == "before ")
        #expect(bad.error != nil || bad.result?.text == "before ")

        let invalid = Array(#"data: {"choices":[{"index":0,"delta":{"content":"caf"#.utf8) + [0xC3, 0x28] + Array(#" ok"},"finish_reason":null}]}"#.utf8) + [10, 10]
            + Self.done
        let binary = try await FakeServer { _ in .init(headers: Self.sse, chunks: [invalid]) }
        defer { Task { await binary.shutdown() } }
        let replaced = await Self.stream(Self.registry(binary.baseURL, fallback: false))
        #expect(replaced.error == nil)
        #expect(replaced.text.hasPrefix("caf") && replaced.text.hasSuffix(" ok"))
    }

    @Test("a 10 MB single event is decoded whole")
    func hugeEvent() async throws {
        let big = String(repeating: "abcdefghij", count: 1_000_000)
        let server = try await FakeServer { _ in .init(headers: Self.sse, chunks: [Self.chunk(big), Self.done]) }
        defer { Task { await server.shutdown() } }
        let (text, result, error) = await Self.stream(Self.registry(server.baseURL, fallback: false))
        #expect(error == nil && text.utf8.count == 10_000_000 && result?.text.count == 10_000_000)
    }

    // The deadline's own message proves which limit stopped the request; no wall-clock assertion.
    @Test("a server that never ends is stopped by the request's deadline, keeping what it sent", .timeLimit(.minutes(1)))
    func neverEnds() async throws {
        let server = try await FakeServer { _ in .init(headers: Self.sse, chunks: [Self.chunk("tick ")], interval: .milliseconds(20), endless: true) }
        defer { Task { await server.shutdown() } }
        let (text, _, error) = await Self.stream(Self.registry(server.baseURL, timeout: .seconds(2), fallback: false))
        #expect((error as? ProviderError)?.category == .timeout)
        #expect("\(error.map { "\($0)" } ?? "")".contains("within the request's deadline of 2 s"))
        #expect(text == String(repeating: "tick ", count: text.count / 5)) // what arrived is kept, whole
    }

    @Test("a server that accepts but never answers is stopped by the deadline too, not by its idle timeout", .timeLimit(.minutes(1)))
    func neverAnswers() async throws {
        let server = try await FakeServer { _ in .init(headers: [("content-type", "application/json")], chunks: [Array("{}".utf8)], delay: .seconds(30)) }
        defer { Task { await server.shutdown() } }
        let registry = Self.registry(server.baseURL, idle: .seconds(20), timeout: .seconds(1), fallback: false)
        await #expect {
            _ = try await registry.generateText(provider: "up", model: "m", prompt: "hi")
        } throws: { error in
            (error as? ProviderError)?.category == .timeout && "\(error)".contains("within the request's deadline of 1 s")
        }
    }

    @Test("after the fallback has served while the breaker was open, the model recovers once its upstream does")
    func recovery() async throws {
        let healthy = Mutex(false)
        let server = try await FakeServer { _ in
            healthy.withLock { $0 } ? .init(headers: Self.sse, chunks: [Self.chunk("back"), Self.done])
                                    : .init(status: 503, headers: [("content-type", "application/json")], chunks: [Array(#"{"error":{"message":"down"}}"#.utf8)])
        }
        defer { Task { await server.shutdown() } }
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        configuration.retry = .none
        // Long enough that the four requests below finish inside it on a loaded machine; the
        // recovery after it is polled for, not timed.
        configuration.breaker.coolDown = .seconds(5)
        configuration.breaker.minimumRequests = 2
        configuration.breaker.probes = 1
        configuration.providers["up"] = ProviderConfiguration(kind: "openai", baseURL: server.baseURL + "/v1", apiKeyEnvironment: ["UP_KEY"])
        configuration.fallbacks = [FallbackRule(primary: "up:m", fallback: "sim:fast")]
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory, environment: ["UP_KEY": "sk-test-0123456789abcdef"])
        for _ in 0..<4 { #expect(await Self.stream(registry).result?.model == "sim:fast") }
        #expect(server.requests.count == 2, "the breaker opened after two failures: the other two went straight to the fallback")
        healthy.withLock { $0 = true }
        let deadline = ContinuousClock.now + .seconds(30)
        var back = await Self.stream(registry)
        while back.result?.model != "up:m", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            back = await Self.stream(registry)
        }
        #expect(back.result?.model == "up:m" && back.text == "back", "once the cool-down is over, the probe goes to the recovered upstream")
    }
}
