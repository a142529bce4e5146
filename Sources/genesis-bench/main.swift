// genesis-bench: what the engine costs on top of a provider, measured in one run.
//
//   swift run -c release genesis-bench [--iterations N] [--streams N] [--tokens N] [--json]
//
// Headline figures (overhead_us, streaming) are against a loopback fake OpenAI upstream, engine
// vs a bare client on the same transport (UpstreamBench). The in-memory figures (engine_only)
// put the engine next to a provider that answers without any I/O: the engine's own cost, with
// nothing to hide it.
import Foundation
import GenesisConsole
import GenesisEngine
import Histogram

/// Answers at once: a fixed reply, or a stream of `tokens` deltas as fast as they can be taken.
struct InstantProvider: Provider {
    let name = "bench"
    let tokens: Int
    func listModels() async throws -> [ModelInfo] { [ModelInfo(id: ModelID(provider: name, model: "instant"))] }
    func generate(_ request: ProviderRequest) async throws -> ProviderResponse {
        ProviderResponse(text: "ok", finishReason: .stop, usage: Usage(inputTokens: 3, outputTokens: 1))
    }
    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        let tokens = self.tokens
        return ProviderStream(bufferingPolicy: .unbounded) { continuation in
            let task = Task {
                for _ in 0..<tokens { continuation.yield(.text(" tok")) }
                continuation.yield(.usage(Usage(inputTokens: 3, outputTokens: tokens)))
                continuation.yield(.finish(.stop))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

struct Options {
    var iterations = 20_000
    var streams = [1, 8, 64]
    var tokens = 20_000
    var json = false

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            switch flag {
            case "--iterations": iterations = Int(rest.popFirst() ?? "") ?? iterations
            case "--tokens": tokens = Int(rest.popFirst() ?? "") ?? tokens
            case "--streams": streams = (rest.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--json": json = true
            default:
                FileHandle.standardError.write(Data("usage: genesis-bench [--iterations N] [--streams 1,8] [--tokens N] [--json]\n".utf8))
                exit(2)
            }
        }
    }
}

func nanoseconds(_ duration: Duration) -> UInt64 { UInt64(max(0, duration.seconds * 1e9)) }

func measure(_ iterations: Int, _ body: () async throws -> Void) async rethrows -> Histogram<UInt64> {
    // Times each call of `body` in nanoseconds.
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    let clock = ContinuousClock()
    for _ in 0..<iterations {
        let start = clock.now
        try await body()
        _ = histogram.record(nanoseconds(clock.now - start))
    }
    return histogram
}

/// Runs `concurrent` copies of `stream` at once: the sum of what they return, and the seconds it took.
func concurrently(_ concurrent: Int, _ stream: @escaping @Sendable () async throws -> Int) async throws -> (total: Int, seconds: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<concurrent { group.addTask(operation: stream) }
        return try await group.reduce(0, +)
    }
    return (total, (clock.now - start).seconds)
}

func microseconds(_ h: Histogram<UInt64>, _ percentile: Double) -> Double { Double(h.valueAtPercentile(percentile)) / 1000 }

if CommandLine.arguments.dropFirst().first == "console" {
    // The console process alone: CPU and memory while four panes stream (a quick loop for tuning it).
    // GENESIS_BENCH_REASONING=N: the first N of each answer's 1,500 deltas are reasoning (600: 6 s of it).
    let reasoning = ProcessInfo.processInfo.environment["GENESIS_BENCH_REASONING"].flatMap(Int.init) ?? 0
    guard let c = try await ConsoleProcessBench.run(reasoning: reasoning) else {
        FileHandle.standardError.write(Data("genesis-bench console needs tmux and the release genesis beside this binary\n".utf8))
        exit(2)
    }
    print(String(format: "console process, %d panes x %d tokens/s%@ for %.0f s: CPU %.1f%% streaming, %.1f%% idle; RSS %.1f MB (%.1f MB private)",
                 c.panes, c.tokensPerSecondPerPane, reasoning > 0 ? ", reasoning then answers," : "", c.streamedSeconds, c.streamingCPUPercent,
                 c.idleCPUPercent, c.rssMB, c.privateDirtyMB))
    exit(0)
}

if CommandLine.arguments.dropFirst().first == "console-thinking" {
    // The console process with four reasoning panes: reasoning, then answers, collapsed and expanded.
    let rounds = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 4
    // sim:balanced, which answers at a like speed without reasoning, for comparison.
    // The console's own cost, as `genesis-bench console` measures it, with 6 s of reasoning
    // before each 9 s answer (a loopback OpenAI upstream: no simulator in the process).
    guard let c = try await ConsoleProcessBench.run(reasoning: 600) else {
        FileHandle.standardError.write(Data("genesis-bench console-thinking needs tmux and the release genesis beside this binary\n".utf8))
        exit(2)
    }
    print(String(format: "console process, %d panes x %d tokens/s, reasoning then answers, for %.0f s: CPU %.1f%%; RSS %.1f MB (%.1f MB private)",
                 c.panes, c.tokensPerSecondPerPane, c.streamedSeconds, c.streamingCPUPercent, c.rssMB, c.privateDirtyMB))
    let runs: [(model: String, expanded: Bool, reasoning: String?)] = [
        ("sim:thinker", false, nil), ("sim:thinker", true, nil), ("sim:thinker", false, "max"), ("sim:thinker", true, "max"), ("sim:balanced", false, nil),
    ]
    for run in runs {
        guard let t = try await ConsoleProcessBench.runThinking(rounds: rounds, expanded: run.expanded, model: run.model, reasoning: run.reasoning) else {
            FileHandle.standardError.write(Data("genesis-bench console-thinking needs tmux and the release genesis beside this binary\n".utf8))
            exit(2)
        }
        let what = run.model == "sim:thinker"
            ? "reasoning\(run.reasoning.map { " (\($0))" } ?? "") \(t.expanded ? "expanded" : "collapsed") then answers" : "answers"
        print(String(format: "console process, %d %@ panes, %@, %d rounds (%.1f s): CPU %.1f%% of a core; RSS %.1f MB",
                     t.panes, run.model, what, t.rounds, t.measuredSeconds, t.cpuPercent, t.rssMB))
    }
    exit(0)
}

if CommandLine.arguments.dropFirst().first == "slow-consumer" {
    // A consumer slower than a loopback server sending N MB (100 unless given): the process's peak RSS.
    let megabytes = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 100
    let s = try await SlowConsumerBench.run(megabytes: megabytes)
    print(String(format: "slow consumer, %d MB body (%d bytes arrived) in %.1f s: RSS %.1f MB before the request, peak %.1f MB (+%.1f MB)",
                 s.megabytes, s.receivedBytes, s.seconds, s.baselineRSSMB, s.peakRSSMB, s.peakRSSMB - s.baselineRSSMB))
    exit(0)
}

if CommandLine.arguments.dropFirst().first == "storage" {
    // The storage line alone: what recording an answer and its ledger row cost.
    print(try await StorageBench.run().line)
    exit(0)
}

if CommandLine.arguments.dropFirst().first == "decode" {
    // The decoding lines alone: SSE framing, Chat Completions chunks (text and reasoning),
    // Responses events, and the price catalog.
    print(try DecodeBench.run().line)
    print(CatalogBench.run().line)
    exit(0)
}

if CommandLine.arguments.dropFirst().first == "load" {
    try await LoadBench.run(LoadBench.Options(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "long-token" {
    // One long unbroken token: laying it out, and Ctrl-Q while it streams (LongTokenBench).
    try await LongTokenBench.run(CommandLine.arguments.dropFirst(2))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "diff-view" {
    // `/diff` at 200x60 on long answers (N lines each, 2,000 unless given): DiffViewBench.
    let lines = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 2_000
    for panes in [2, 4] {
        let d = await DiffViewBench.run(panes: panes, lines: lines)
        print(String(format: "diff view 200x60, %d answers of %d lines (%d words in all): diff %.1f ms once, first frame %.1f ms, "
                     + "then a frame a page down p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                     d.panes, lines, d.words, d.computeMs, d.firstFrameMs, microseconds(d.frames, 50) / 1000, microseconds(d.frames, 99) / 1000,
                     Double(d.frames.max) / 1_000_000))
    }
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "engine-loop" {
    // The in-memory engine path alone, in a loop for a profiler: `perf record -g genesis-bench engine-loop 5`.
    let seconds = Double(CommandLine.arguments.dropFirst(2).first ?? "") ?? 5
    let perRequest = try await EngineLoop.run(seconds: seconds)
    print(String(format: "engine path in memory: %.2f µs per request (mean over %.0f s, one request at a time)", perRequest, seconds))
    exit(0)
}
let options = Options(CommandLine.arguments)
let upstream = try await UpstreamBench.run(iterations: options.iterations, streams: options.streams, tokens: options.tokens)
let memory = try await MemoryBench.run(iterations: options.iterations, streams: options.streams, tokens: options.tokens)
let (bare, engine, overheadRange, plumbing) = (memory.bare, memory.engine, memory.overheadRange, memory.streaming)

// Console: one frame of a 200x60 screen with 4 panes, each holding a long history (the last answer
// still streaming), and the diff against the previous frame after one more delta.
func consoleState(historyTokens: Int) -> ConsoleState {
    var state = ConsoleState(models: ["sim:fast", "sim:balanced", "sim:deep", "sim:flaky"])
    let paragraph = "Rate limiting keeps **shared** services fair: each client gets a budget, 茶 and 🍵 included. "
    let history = String(repeating: paragraph + "\n\n- a point\n- another point\n\n", count: max(1, historyTokens / 30))
    for pane in state.panes.indices {
        _ = state.update(.event(pane: pane, .text(history)))
    }
    state.providers = [ProviderSummary(name: "sim", isSimulated: true, health: .ok, requestsPerMinute: 60, requestsInLastMinute: 12,
                                       tokensPerMinute: 40_000, tokensInLastMinute: 9000)]
    return state
}
var frames: [[String: JSONValue]] = []
for historyTokens in [1_000, 10_000, 50_000] {
    var state = consoleState(historyTokens: historyTokens)
    var previous = ConsoleRenderer.render(state, width: 200, height: 60)
    let histogram = await measure(200) {
        _ = state.update(.event(pane: 0, .text(" more")))
        let frame = ConsoleRenderer.render(state, width: 200, height: 60)
        _ = frame.changes(since: previous)
        previous = frame
    }
    frames.append(["history_tokens_per_pane": .number(Double(historyTokens)), "frame_ms_p50": .number(microseconds(histogram, 50) / 1000),
                   "frame_ms_p99": .number(microseconds(histogram, 99) / 1000)])
}

let store = try await StorageBench.run()
let consoleProcess = try await ConsoleProcessBench.run()
let consoleThinking = try await ConsoleProcessBench.runThinking()
let consoleReasoning = try await ConsoleProcessBench.run(reasoning: 600)
let decode = try DecodeBench.run()
let catalog = CatalogBench.run()

let memoryOverheadP50 = microseconds(engine, 50) - microseconds(bare, 50)
let memoryOverheadP99 = microseconds(engine, 99) - microseconds(bare, 99)
func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
/// A figure as JSON: rounded to two places.
func figure(_ value: Double) -> JSONValue { .number(rounded(value)) }
func count(_ value: Int) -> JSONValue { .number(Double(value)) }
/// A figure of a row as the text lines print it.
func text(_ value: JSONValue?) -> String { value.map(JSONWriter.string) ?? "?" }
#if DEBUG
let build = "debug"
#else
let build = "release"
#endif
let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB, \(build) build"

if !options.json {
    print("machine: \(machine)")
    print("loopback fake OpenAI upstream at \(upstream.baseURL), \(options.iterations) requests per path:")
    print(String(format: "  request, bare HTTP client: p50 %8.2f µs   p99 %8.2f µs", microseconds(upstream.bare, 50), microseconds(upstream.bare, 99)))
    print(String(format: "  request, adapter alone:    p50 %8.2f µs   p99 %8.2f µs", microseconds(upstream.adapter, 50), microseconds(upstream.adapter, 99)))
    print(String(format: "  request, through engine:   p50 %8.2f µs   p99 %8.2f µs", microseconds(upstream.engine, 50), microseconds(upstream.engine, 99)))
    print(String(format: "  engine overhead:           p50 %8.2f µs   p99 %8.2f µs   (median of 5 rounds; p50 ranged %.1f to %.1f µs)",
                 upstream.overheadP50, upstream.overheadP99, upstream.overheadRange.0, upstream.overheadRange.1))
    for row in upstream.streaming {
        print("  streaming, \(text(row["streams"])) concurrent x \(options.tokens) tokens: engine \(text(row["tokens_per_s"])) tok/s, bare client \(text(row["bare_tokens_per_s"])) tok/s, ratio \(text(row["ratio"]))")
    }
    if let cli = upstream.cliAskMs {
        print(String(format: "  genesis ask, whole process (start, config, storage, streamed request): median %.1f ms, best %.1f ms (%d runs)", cli.median, cli.min, cli.runs))
    }
    print("in memory (a provider that answers without I/O: the engine's own cost):")
    print(String(format: "  request, bare provider:  p50 %8.2f µs   p99 %8.2f µs", microseconds(bare, 50), microseconds(bare, 99)))
    print(String(format: "  request, through engine: p50 %8.2f µs   p99 %8.2f µs   (overhead p50 %.2f µs, rounds %.1f to %.1f µs)",
                 microseconds(engine, 50), microseconds(engine, 99), memoryOverheadP50, overheadRange.0, overheadRange.1))
    for row in plumbing {
        print("  streaming, \(text(row["streams"])) concurrent x \(options.tokens) tokens: engine \(text(row["tokens_per_s"])) tok/s, bare provider \(text(row["bare_tokens_per_s"])) tok/s, ratio \(text(row["ratio"]))")
    }
    for row in frames {
        print(String(format: "console frame, 200x60, 4 panes, %@ tokens of history each: p50 %.2f ms  p99 %.2f ms",
                     text(row["history_tokens_per_pane"]), row["frame_ms_p50"]?.double ?? 0, row["frame_ms_p99"]?.double ?? 0))
    }
    if let c = consoleProcess {
        print(String(format: "console process (release genesis in tmux 200x60, %d panes streaming %d tok/s each for %.0f s): CPU %.1f%% of a core, idle %.1f%%, RSS %.1f MB (%.1f MB private)",
                     c.panes, c.tokensPerSecondPerPane, c.streamedSeconds, c.streamingCPUPercent, c.idleCPUPercent, c.rssMB, c.privateDirtyMB))
    } else {
        print("console process: skipped (needs tmux and the genesis binary beside genesis-bench)")
    }
    if let c = consoleReasoning {
        print(String(format: "console process (the same, each answer 6 s of reasoning then 9 s of text, for %.0f s across the two): CPU %.1f%% of a core, RSS %.1f MB",
                     c.streamedSeconds, c.streamingCPUPercent, c.rssMB))
    }
    if let t = consoleThinking {
        print(String(format: "console process (release genesis in tmux 200x60, %d sim:thinker panes, reasoning then answers, %d rounds, %.1f s): CPU %.1f%% of a core, RSS %.1f MB",
                     t.panes, t.rounds, t.measuredSeconds, t.cpuPercent, t.rssMB))
    }
    print(decode.line)
    print(catalog.line)
    print(store.line)
}
let summary: JSONValue = [
    "overhead_us": ["p50": figure(upstream.overheadP50), "p99": figure(upstream.overheadP99),
                    "p50_min": figure(upstream.overheadRange.0), "p50_max": figure(upstream.overheadRange.1)],
    "engine_us": ["p50": .number(microseconds(upstream.engine, 50)), "p99": .number(microseconds(upstream.engine, 99))],
    "bare_us": ["p50": .number(microseconds(upstream.bare, 50)), "p99": .number(microseconds(upstream.bare, 99))],
    "streaming": .array(upstream.streaming.map(JSONValue.object)),
    "cli_ask_ms": upstream.cliAskMs.map { ["median": figure($0.median), "min": figure($0.min), "runs": count($0.runs)] } ?? .null,
    "engine_only": ["overhead_us": ["p50": figure(memoryOverheadP50), "p99": figure(memoryOverheadP99),
                                    "p50_min": figure(overheadRange.0), "p50_max": figure(overheadRange.1)],
                    "streaming": .array(plumbing.map(JSONValue.object))],
    "console": ["frame_ms": frames.first { $0["history_tokens_per_pane"]?.int == 10_000 }?["frame_ms_p50"] ?? 0,
                "frames": .array(frames.map(JSONValue.object)),
                "process": consoleProcess.map { c in
                    ["cpu_streaming_pct": figure(c.streamingCPUPercent), "cpu_idle_pct": figure(c.idleCPUPercent), "rss_mb": figure(c.rssMB),
                     "private_dirty_mb": figure(c.privateDirtyMB), "panes": count(c.panes), "tokens_per_s_per_pane": count(c.tokensPerSecondPerPane)]
                } ?? .null,
                "reasoning_process": consoleReasoning.map { c in
                    ["cpu_streaming_pct": figure(c.streamingCPUPercent), "rss_mb": figure(c.rssMB), "panes": count(c.panes),
                     "tokens_per_s_per_pane": count(c.tokensPerSecondPerPane), "seconds": figure(c.streamedSeconds)]
                } ?? .null,
                "thinking": consoleThinking.map { t in
                    ["cpu_pct": figure(t.cpuPercent), "rss_mb": figure(t.rssMB), "panes": count(t.panes), "rounds": count(t.rounds),
                     "seconds": figure(t.measuredSeconds)]
                } ?? .null],
    "sse_decode_mb_s": .number(decode.megabytesPerSecond.rounded()),
    "chunk_decode_per_s": .number(decode.chunksPerSecond.rounded()),
    "responses_event_decode_per_s": .number(decode.responsesEventsPerSecond.rounded()),
    "reasoning_chunk_decode_per_s": .number(decode.reasoningChunksPerSecond.rounded()),
    "catalog_load_ms": .number(catalog.loadMilliseconds), "price_lookup_us": .number(catalog.lookupMicroseconds),
    "storage": ["answer_write_us": .number(store.answerMicroseconds.rounded()), "append_us": .number(store.appendMicroseconds.rounded()),
                "ledger_row_us": .number(store.ledgerMicroseconds.rounded()), "ledger_booking_us": .number(store.bookingMicroseconds.rounded()),
                "bytes_per_answer": .number(store.bytesPerAnswer.rounded()),
                "appends_per_answer": count(store.appendsPerAnswer)],
    "machine": .string(machine),
]
print(JSONWriter.string(summary))
