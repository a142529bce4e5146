import Clocks
import Foundation
import GenesisEngine
import GenesisProcess
import GenesisProviders
import GenesisTestSupport
import Histogram
import Logging
import NIOCore
import NIOPosix

/// The engine against a loopback fake OpenAI upstream (started here, on port 0) that answers at
/// once and streams as fast as it can, next to a bare client on the same transport doing the same
/// request: the difference is what the engine adds to a real request.
///
/// The bare client is the least any client does: HTTP (the engine's own transport, one
/// connection per request), and for streams SSE framing and delta decoding (the adapter's own
/// decoder). The engine path adds the adapter's request encoding, the registry (lookup, limiter,
/// breaker, deadline, retries, metrics, pricing) and the event plumbing up to the caller.
enum UpstreamBench {
    struct Figures {
        var bare: Histogram<UInt64>
        var engine: Histogram<UInt64>
        /// The adapter alone (no registry), measured alongside: where the overhead lives.
        var adapter: Histogram<UInt64>
        /// Median engine-minus-bare p50 over the rounds, and its range.
        var overheadP50: Double
        var overheadP99: Double
        var overheadRange: (Double, Double)
        var streaming: [[String: JSONValue]]
        var baseURL: String
        /// Wall time of whole `genesis ask` runs against the upstream, in ms (nil without the binary).
        var cliAskMs: (median: Double, min: Double, runs: Int)?
    }

    static let completion = Array(#"{"id":"chatcmpl-bench","object":"chat.completion","created":1732540000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#.utf8)

    /// A whole OpenAI stream of `tokens` deltas with usage, in 64 KB writes.
    static func stream(tokens: Int) -> [[UInt8]] {
        var body = DecodeBench.body(chunks: tokens)
        body.removeLast(#"data: [DONE]"#.utf8.count + 2)
        body += Array(#"data: {"id":"chatcmpl-9xYz","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":\#(tokens),"total_tokens":\#(tokens + 3)}}"#.utf8)
        body += Array("\n\ndata: [DONE]\n\n".utf8)
        return stride(from: 0, to: body.count, by: 64 << 10).map { Array(body[$0..<min(body.count, $0 + (64 << 10))]) }
    }

    static func run(iterations: Int, streams: [Int], tokens: Int) async throws -> Figures {
        let streamed = stream(tokens: tokens)
        let textBytes = (0..<tokens).reduce(0) { $0 + " token\($1 % 100)".utf8.count }
        let marker = Array(#""stream":true"#.utf8)
        // The upstream on a thread of its own: a client connection sharing its event loop with
        // the server side answers without a thread hand-over, and which connection happens to
        // land there moved a path's p50 by 15 µs from run to run.
        let upstreamThread = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await FakeServer(recording: false, group: upstreamThread) { request in
            let isStream = request.body.withUnsafeBufferPointer { body in
                body.count >= marker.count && (0...(body.count - marker.count)).contains { start in
                    marker.indices.allSatisfy { body[start + $0] == marker[$0] }
                }
            }
            return isStream
                ? FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: streamed)
                : FakeServer.Response(headers: [("content-type", "application/json")], chunks: [completion])
        }
        defer { Task { await server.shutdown() } }

        var configuration = GenesisConfiguration()
        configuration.providers = ["openai": ProviderConfiguration(kind: "openai", baseURL: server.baseURL + "/v1")]
        configuration.cache.policy = .never
        configuration.fallbacks = []
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory,
                                     environment: ["OPENAI_API_KEY": "sk-bench-0123456789abcdef"])
        let model = ModelID(provider: "openai", model: "gpt-4o-mini")
        let request = GenerationRequest(model: model, prompt: "hello", parameters: .init(maxTokens: 16))
        func bareSpec(stream: Bool) -> HTTPRequestSpec {
            var body: [String: JSONValue] = ["model": "gpt-4o-mini", "max_tokens": 16,
                                             "messages": [["role": "user", "content": "hello"]]]
            if stream { body["stream"] = true; body["stream_options"] = ["include_usage": true] }
            return HTTPRequestSpec(url: server.baseURL + "/v1/chat/completions",
                                   headers: [("authorization", "Bearer sk-bench-0123456789abcdef")], body: .object(body))
        }
        let adapter = try ProviderAdapters.factory.make(name: "openai", configuration: configuration.providers["openai"]!,
                                                        context: ProviderContext(environment: ["OPENAI_API_KEY": "sk-bench-0123456789abcdef"], clock: AnyClock(ContinuousClock()), simulatorSpeed: 1, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })))
        let adapterRequest = ProviderRequest(model: "gpt-4o-mini", messages: request.messages, parameters: request.parameters)
        let single = bareSpec(stream: false), streaming = bareSpec(stream: true)
        guard let sharedPool = (adapter as? any PooledConnections)?.connections else { throw BenchFailure("the OpenAI adapter keeps no connections") }
        func bare() async throws {
            // Over the adapter's own kept connection: which event loop a connection lands on
            // moved a path's p50 by 15 µs, so all three paths share one.
            let response = try await HTTPStreamingCall.send(single, connectTimeout: .seconds(5), idleTimeout: .seconds(30), pool: sharedPool)
            let body = try await response.collect(upTo: 1 << 20)
            guard response.status == 200, JSONValue.parse(body)?["choices"]?[0]?["message"]?["content"]?.string == "ok" else {
                throw BenchFailure("the bare request got \(response.status)")
            }
        }

        // The engine sends through this same adapter, so all paths go over one kept connection.
        try await registry.addProvider(name: "openai", provider: adapter)
        for _ in 0..<300 { _ = try await registry.generate(request); try await bare(); _ = try await adapter.generate(adapterRequest) }
        // The in-memory engine path (no network), for telling the engine's own work from how it meets the network.
        let (memoryRegistry, memoryRequest) = try await EngineLoop.registry()
        // For profilers (`perf stat -e context-switches`, `perf record`): one path alone, then exit.
        func path(_ name: String) async throws {
            switch name {
            case "engine-memory": _ = try await memoryRegistry.generate(memoryRequest)
            case "bare": try await bare()
            case "adapter": _ = try await adapter.generate(adapterRequest)
            case "adapter-deadline":
                var timed = adapterRequest
                timed.attempt = AttemptContext(deadline: .now + .seconds(60))
                _ = try await adapter.generate(timed)
            case "adapter-report":
                var reported = adapterRequest
                reported.attempt = AttemptContext()
                _ = try await adapter.generate(reported)
            default: _ = try await registry.generate(request)
            }
        }
        // Paths side by side, one request of each in turn (`GENESIS_BENCH_COMPARE=bare,adapter,engine`): p50 of each.
        if let names = ProcessInfo.processInfo.environment["GENESIS_BENCH_COMPARE"]?.split(separator: ",").map(String.init) {
            var times = names.map { _ in Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three) }
            let clock = ContinuousClock()
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<iterations {
                for index in names.indices.shuffled(using: &generator) {
                    let start = clock.now
                    try await path(names[index])
                    _ = times[index].record(nanoseconds(clock.now - start))
                }
            }
            for (index, name) in names.enumerated() {
                print(String(format: "%@: p50 %.2f µs, p99 %.2f µs", name, microseconds(times[index], 50), microseconds(times[index], 99)))
            }
            exit(0)
        }
        let only = ProcessInfo.processInfo.environment["GENESIS_BENCH_ONLY"]
        if let only, only != "streams" {
            let start = ContinuousClock.now
            for _ in 0..<iterations { try await path(only) }
            print("\(only): \(iterations) requests, \((ContinuousClock.now - start).seconds * 1e6 / Double(iterations)) µs each")
            exit(0)
        }
        // Requests alternate one by one (bare, engine, adapter) in rounds; each round's overhead is
        // the difference of its p50s, and the median round is reported. Alternating single requests
        // keeps drift on a busy 2-core machine (other processes, frequency changes) out of the
        // difference, and the order is shuffled each time: what ran just before leaves caches and
        // threads warm or cold for the next, which in a fixed order moved a path's p50 by 15 µs.
        var rounds: [(bare: Histogram<UInt64>, engine: Histogram<UInt64>)] = []
        var adapterTimes = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        let clock = ContinuousClock()
        let names = ["bare", "engine", "adapter"]
        for _ in 0..<5 {
            var b = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
            var e = b
            for _ in 0..<(iterations / 5) {
                for name in names.shuffled() {
                    let start = clock.now
                    try await path(name)
                    let elapsed = nanoseconds(clock.now - start)
                    switch name {
                    case "bare": _ = b.record(elapsed)
                    case "engine": _ = e.record(elapsed)
                    default: _ = adapterTimes.record(elapsed)
                    }
                }
            }
            rounds.append((b, e))
        }
        func overhead(_ round: (bare: Histogram<UInt64>, engine: Histogram<UInt64>)) -> Double {
            microseconds(round.engine, 50) - microseconds(round.bare, 50)
        }
        rounds.sort { overhead($0) < overhead($1) }
        let median = rounds[rounds.count / 2]

        func throughput(concurrent: Int, viaEngine: Bool) async throws -> Double {
            let (total, seconds) = try await concurrently(concurrent) {
                // Text bytes, not events: how the engine splits text into events is its own
                // business (one per provider event), and the bare decoder's may differ.
                var bytes = 0
                if viaEngine {
                    for try await event in registry.stream(request) { if case .text(let delta) = event { bytes += delta.utf8.count } }
                } else {
                    let response = try await HTTPStreamingCall.send(streaming, connectTimeout: .seconds(5), idleTimeout: .seconds(30))
                    var decoder = try TranscriptDecoder(format: "openai")
                    for try await chunk in response.body {
                        try decoder.feed(chunk.readableBytesView) { if case .text(let delta) = $0 { bytes += delta.utf8.count } }
                    }
                    guard decoder.isComplete else { throw BenchFailure("the bare stream ended early") }
                }
                return bytes
            }
            guard total == concurrent * textBytes else { throw BenchFailure("\(total) bytes of text arrived, \(concurrent * textBytes) were sent") }
            return Double(concurrent * tokens) / seconds
        }
        var rows: [[String: JSONValue]] = []
        for concurrent in streams {
            _ = try await throughput(concurrent: concurrent, viaEngine: true) // warm-up
            // Best of three each, alternating, so one busy moment does not decide the ratio.
            var bareRate = 0.0, engineRate = 0.0
            for _ in 0..<3 {
                bareRate = max(bareRate, try await throughput(concurrent: concurrent, viaEngine: false))
                engineRate = max(engineRate, try await throughput(concurrent: concurrent, viaEngine: true))
            }
            rows.append(["streams": .number(Double(concurrent)), "tokens_per_s": .number(engineRate.rounded(.down)),
                         "bare_tokens_per_s": .number(bareRate.rounded(.down)), "ratio": .number((engineRate / bareRate * 1000).rounded() / 1000)])
        }
        if only == "streams" { // `GENESIS_BENCH_ONLY=streams`: the streaming rows alone
            for row in rows { print(row.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) }
            exit(0)
        }
        return Figures(bare: median.bare, engine: median.engine, adapter: adapterTimes, overheadP50: overhead(median),
                       overheadP99: microseconds(median.engine, 99) - microseconds(median.bare, 99),
                       overheadRange: (overhead(rounds.first!), overhead(rounds.last!)), streaming: rows, baseURL: server.baseURL,
                       cliAskMs: try cliAsk(baseURL: server.baseURL, runs: 10))
    }
}

extension UpstreamBench {
    /// Whole `genesis ask` runs (process start, configuration, keys, storage, the streamed request,
    /// the answer saved) with the `genesis` built beside this benchmark, after one warm-up run.
    static func cliAsk(baseURL: String, runs: Int) throws -> (median: Double, min: Double, runs: Int)? {
        let binary = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent().appendingPathComponent("genesis")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { return nil }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-bench-cli-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ProcessInfo.processInfo.environment
        for variable in ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"] { environment[variable] = home.path }
        environment["OPENAI_BASE_URL"] = baseURL + "/v1"
        environment["OPENAI_API_KEY"] = "sk-bench-0123456789abcdef"
        environment["GENESIS_DISCOVER_LOCAL"] = "0"
        var times: [Double] = []
        for run in 0...runs {
            let start = ContinuousClock.now
            let status = try spawnAndWait(binary.path, ["ask", "-m", "openai:gpt-4o-mini", "hello"], environment: environment)
            let elapsed = (ContinuousClock.now - start).seconds * 1000
            guard status == 0 else { throw BenchFailure("genesis ask exited with \(status)") }
            if run > 0 { times.append(elapsed) }
        }
        times.sort()
        return (times[times.count / 2], times[0], times.count)
    }
}

/// Runs `path` with its output discarded and returns its exit status. posix_spawn rather than
/// Foundation's `Process`, whose start-up on Linux (run loop, descriptor sweep) added ~40 ms to
/// every measured run.
func spawnAndWait(_ path: String, _ arguments: [String], environment: [String: String]) throws -> Int32 {
    do {
        return ChildProcess.wait(try ChildProcess.start([path] + arguments, environment: environment).pid)
    } catch {
        throw BenchFailure(error.description)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
