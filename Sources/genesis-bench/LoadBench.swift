import Foundation
import GenesisEngine
import GenesisProviders
import GenesisStore
import GenesisTestSupport
import NIOCore
import Synchronization

/// `genesis-bench load`: many concurrent streams across four wire formats (OpenAI, Anthropic,
/// Gemini, Ollama) against one loopback fake upstream for a while, through one engine with a
/// SQLite ledger. Every 25th OpenAI request fails with a 503 (retried). Prints memory over time
/// and checks that every answer and every failed attempt is a ledger row.
///
///   swift run -c release genesis-bench load [--streams 200] [--seconds 60] [--tokens 50] [--json]
///
/// For a leak check, run it short under valgrind (see Benchmarks/README.md).
enum LoadBench {
    struct Options {
        var streams = 200
        var seconds = 60.0
        var tokens = 50
        var json = false

        init(_ arguments: ArraySlice<String>) {
            var rest = arguments
            while let flag = rest.popFirst() {
                switch flag {
                case "--streams": streams = Int(rest.popFirst() ?? "") ?? streams
                case "--seconds": seconds = Double(rest.popFirst() ?? "") ?? seconds
                case "--tokens": tokens = Int(rest.popFirst() ?? "") ?? tokens
                case "--json": json = true
                default:
                    FileHandle.standardError.write(Data("usage: genesis-bench load [--streams N] [--seconds S] [--tokens N] [--json]\n".utf8))
                    exit(2)
                }
            }
        }
    }

    /// Four providers, one per wire format, and the model each serves.
    static let models = [ModelID(provider: "openai", model: "gpt-4o-mini"), ModelID(provider: "anthropic", model: "claude-3-5-haiku-20241022"),
                         ModelID(provider: "gemini", model: "gemini-2.0-flash"), ModelID(provider: "ollama", model: "llama3.2:3b")]

    /// Streamed answers of `tokens` deltas in each format, one delta per write.
    struct Bodies {
        let openai, anthropic, gemini, ollama: [[UInt8]]

        init(tokens: Int) {
            func text(_ n: Int) -> String { " w\(n % 97)" }
            func event(_ type: String?, _ json: String) -> [UInt8] {
                let name: String = type.map { "event: \($0)\n" } ?? ""
                return Array((name + "data: " + json + "\n\n").utf8)
            }
            let openaiDelta: (Int) -> [UInt8] = { n in
                event(nil, #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"\#(text(n))"},"finish_reason":null}]}"#)
            }
            let openaiEnd: [UInt8] = event(nil, #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":\#(tokens),"total_tokens":\#(tokens + 5)}}"#)
                + Array("data: [DONE]\n\n".utf8)
            openai = (0..<tokens).map(openaiDelta) + [openaiEnd]

            let anthropicStart: [UInt8] = event("message_start", #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}"#)
                + event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#)
            let anthropicDelta: (Int) -> [UInt8] = { n in
                event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\#(text(n))"}}"#)
            }
            var anthropicEnd: [UInt8] = event("content_block_stop", #"{"type":"content_block_stop","index":0}"#)
            anthropicEnd += event("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":\#(tokens)}}"#)
            anthropicEnd += event("message_stop", #"{"type":"message_stop"}"#)
            anthropic = [anthropicStart] + (0..<tokens).map(anthropicDelta) + [anthropicEnd]

            let geminiDelta: (Int) -> [UInt8] = { n in
                let last = n == tokens - 1
                let finish: String = last ? #""finishReason":"STOP","# : ""
                let usage: String = last ? #""candidatesTokenCount":\#(tokens),"totalTokenCount":\#(tokens + 5)"# : #""totalTokenCount":5"#
                let json: String = #"{"candidates":[{"content":{"parts":[{"text":"\#(text(n))"}],"role":"model"},\#(finish)"index":0}],"usageMetadata":{"promptTokenCount":5,\#(usage)},"modelVersion":"gemini-2.0-flash"}"#
                return Array(("data: " + json + "\r\n\r\n").utf8)
            }
            gemini = (0..<tokens).map(geminiDelta)

            let ollamaDelta: (Int) -> [UInt8] = { n in
                Array((#"{"model":"llama3.2:3b","created_at":"2025-11-24T12:00:00Z","message":{"role":"assistant","content":"\#(text(n))"},"done":false}"# + "\n").utf8)
            }
            let ollamaEnd: [UInt8] = Array((#"{"model":"llama3.2:3b","created_at":"2025-11-24T12:00:01Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":5,"eval_count":\#(tokens)}"# + "\n").utf8)
            ollama = (0..<tokens).map(ollamaDelta) + [ollamaEnd]
        }
    }

    final class Tally: Sendable {
        struct Counts {
            var answers = 0, failedRequests = 0, failedAttempts = 0, outputTokens = 0
        }
        let counts = Mutex(Counts())
    }

    static func residentMegabytes() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    static func run(_ options: Options) async throws {
        let bodies = Bodies(tokens: options.tokens)
        let served = Atomic<Int>(0)
        let interval = TimeAmount.milliseconds(20)
        let server = try await FakeServer(recording: false) { request in
            let sse = [("content-type", "text/event-stream")]
            if request.uri.hasPrefix("/v1/chat/completions") {
                if served.add(1, ordering: .relaxed).newValue % 25 == 0 {
                    return .init(status: 503, headers: [("content-type", "application/json")],
                                 chunks: [Array(#"{"error":{"message":"overloaded","type":"server_error"}}"#.utf8)])
                }
                return .init(headers: sse, chunks: bodies.openai, interval: interval)
            }
            if request.uri.hasPrefix("/v1/messages") { return .init(headers: sse, chunks: bodies.anthropic, interval: interval) }
            if request.uri.contains(":streamGenerateContent") { return .init(headers: sse, chunks: bodies.gemini, interval: interval) }
            if request.uri.hasPrefix("/api/chat") { return .init(headers: [("content-type", "application/x-ndjson")], chunks: bodies.ollama, interval: interval) }
            return .init(status: 404, chunks: [Array("no route".utf8)])
        }
        defer { Task { await server.shutdown() } }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-load-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try Storage(path: directory.appendingPathComponent("genesis.sqlite").path)
        var configuration = GenesisConfiguration()
        configuration.providers = [
            "openai": ProviderConfiguration(kind: "openai", baseURL: server.baseURL + "/v1"),
            "anthropic": ProviderConfiguration(kind: "anthropic", baseURL: server.baseURL),
            "gemini": ProviderConfiguration(kind: "gemini", baseURL: server.baseURL),
            "ollama": ProviderConfiguration(kind: "ollama", baseURL: server.baseURL),
        ]
        configuration.cache.policy = .never
        configuration.fallbacks = []
        configuration.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(20), maxDelay: .milliseconds(200))
        configuration.breaker.minimumRequests = 1_000_000 // a 4% failure rate is the point, not a reason to stop
        let registry = ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory,
                                     environment: ["OPENAI_API_KEY": "sk-load-0123456789abcdef", "ANTHROPIC_API_KEY": "sk-ant-load-0123456789",
                                                   "GEMINI_API_KEY": "AIza-load-0123456789abcdef"],
                                     ledger: storage)
        let expectedText = (0..<options.tokens).map { " w\($0 % 97)" }.joined()

        let tally = Tally()
        let clock = ContinuousClock()
        let start = clock.now
        let end = start.advanced(by: .seconds(options.seconds))
        let sampler = Task {
            var samples: [(seconds: Double, megabytes: Double, answers: Int)] = [(0, residentMegabytes(), 0)]
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(1, options.seconds / 12)))
                let answers = tally.counts.withLock { $0.answers }
                samples.append(((clock.now - start).seconds, residentMegabytes(), answers))
                if !options.json {
                    print(String(format: "  %5.1f s  RSS %6.1f MB  %6d answers", samples.last!.seconds, samples.last!.megabytes, answers))
                }
            }
            return samples
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<options.streams {
                group.addTask {
                    var round = 0
                    while clock.now < end {
                        let model = models[(worker + round) % models.count]
                        round += 1
                        var text = ""
                        do {
                            var result: GenerationResult?
                            for try await event in registry.stream(GenerationRequest(model: model, prompt: "load \(worker)")) {
                                if case .text(let delta) = event { text += delta }
                                if case .completed(let done) = event { result = done }
                            }
                            guard let result, text == expectedText else { throw BenchFailure("\(model) streamed \(text.count) characters, not the \(expectedText.count) sent") }
                            tally.counts.withLock {
                                $0.answers += 1
                                $0.failedAttempts += result.failedAttempts.count
                                $0.outputTokens += result.usage.outputTokens
                            }
                        } catch let error as BenchFailure {
                            throw error
                        } catch {
                            tally.counts.withLock { $0.failedRequests += 1 }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = (clock.now - start).seconds
        sampler.cancel()
        let memory = await sampler.value
        let counts = tally.counts.withLock { $0 }

        let totals = try await storage.usageTotals(by: .provider)
        let ledgerOK = totals.reduce(0) { $0 + $1.requests - $1.errors - $1.cached - $1.refused - $1.pending }
        let ledgerErrors = totals.reduce(0) { $0 + $1.errors }
        let ledgerTokens = totals.reduce(0) { $0 + $1.outputTokens }
        let accounted = ledgerOK == counts.answers && ledgerTokens == counts.outputTokens && counts.failedRequests == 0
            && ledgerErrors == counts.failedAttempts
        let settled = memory.filter { $0.seconds >= options.seconds / 4 }.map(\.megabytes)
        let growth = (settled.last ?? 0) - (settled.first ?? 0)
        // Bounded: after the first quarter (connections, caches and pools warm), memory may wander
        // but not climb: at most 8 MB or 10% of where it stood, whichever is more.
        let allowance = max(8, (settled.first ?? 0) * 0.1)
        let bounded = growth <= allowance
        let rss: JSONValue = ["start": .number(memory.first?.megabytes ?? 0), "peak": .number(memory.map(\.megabytes).max() ?? 0),
                              "end": .number(memory.last?.megabytes ?? 0), "growth_after_warmup": .number((growth * 10).rounded() / 10),
                              "allowed_growth": .number((allowance * 10).rounded() / 10), "bounded": .bool(bounded)]
        let ledger: JSONValue = ["ok_rows": .number(Double(ledgerOK)), "error_rows": .number(Double(ledgerErrors)),
                                 "output_tokens": .number(Double(ledgerTokens)), "accounted": .bool(accounted)]
        let summary: JSONValue = [
            "streams": .number(Double(options.streams)), "seconds": .number((elapsed * 10).rounded() / 10),
            "answers": .number(Double(counts.answers)), "answers_per_s": .number((Double(counts.answers) / elapsed).rounded()),
            "failed_requests": .number(Double(counts.failedRequests)), "retried_attempts": .number(Double(counts.failedAttempts)),
            "rss_mb": rss, "ledger": ledger, "connections_opened": .number(Double(server.acceptedConnections)),
        ]
        if !options.json {
            print(String(format: "%d streams for %.1f s over OpenAI, Anthropic, Gemini and Ollama formats: %d answers (%.0f/s), %d failed requests, %d attempts retried after a 503",
                         options.streams, elapsed, counts.answers, Double(counts.answers) / elapsed, counts.failedRequests, counts.failedAttempts))
            print(String(format: "RSS: %.1f MB at start, peak %.1f MB, %.1f MB at the end; %+.1f MB from a quarter of the run to the end (%@, allowed %.1f MB)",
                         memory.first?.megabytes ?? 0, memory.map(\.megabytes).max() ?? 0, memory.last?.megabytes ?? 0, growth,
                         bounded ? "bounded" : "GROWING", allowance))
            print("connections: \(server.acceptedConnections) opened for \(counts.answers + counts.failedAttempts) requests (kept alive and reused between them)")
            print("ledger: \(ledgerOK) ok rows for \(counts.answers) answers, \(ledgerTokens) output tokens for \(counts.outputTokens), "
                  + "\(ledgerErrors) error rows for \(counts.failedAttempts) failed attempts: \(accounted ? "all accounted" : "MISMATCH")")
        }
        print(JSONWriter.string(summary))
        if !accounted || !bounded { exit(1) }
    }
}
