import Foundation
import GenesisProcess
import GenesisProviders
import GenesisTestSupport
import NIOCore

/// The console as a user runs it: the release `genesis` built beside this benchmark, in a tmux
/// window of 200x60, with four panes on a loopback fake OpenAI upstream that streams each answer
/// at 100 tokens/s (one SSE event every 10 ms). Measures the process's CPU (user + system ticks
/// from `/proc/PID/stat`, as % of one core) while idle and while the four panes stream, and its
/// resident memory (`VmRSS`, the highest sample). Skipped (nil) without tmux or the binary.
enum ConsoleProcessBench {
    struct Figures {
        var idleCPUPercent: Double
        var streamingCPUPercent: Double
        var rssMB: Double
        /// Of the RSS, what the process alone wrote (heap, stacks): the rest is code and
        /// read-only data mapped from files, shared with every other Swift process.
        var privateDirtyMB: Double
        var panes: Int
        var tokensPerSecondPerPane: Int
        var streamedSeconds: Double
    }

    static let panes = 4, tokensPerSecond = 100, answerTokens = 1500

    /// One streamed answer: `answerTokens` deltas written 10 ms apart, then usage and `[DONE]`.
    /// The first `reasoning` of them are reasoning (`reasoning_content`, as DeepSeek sends it).
    static func answer(reasoning: Int = 0) -> [[UInt8]] {
        func event(_ json: String) -> [UInt8] { Array(("data: " + json + "\n\n").utf8) }
        let deltas = (0..<answerTokens).map { n in
            event(#"{"id":"chatcmpl-c","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"\#(n < reasoning ? "reasoning_content" : "content")":"\#(n % 40 == 39 ? "\\n\\n" : "") \#(n < reasoning ? "r" : "w")\#(n % 97)"},"finish_reason":null}]}"#)
        }
        let end = event(#"{"id":"chatcmpl-c","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":\#(answerTokens),"total_tokens":\#(answerTokens + 5)}}"#)
            + Array("data: [DONE]\n\n".utf8)
        return deltas + [end]
    }

    /// - Parameter reasoning: how many of each answer's deltas are reasoning, before the answer's
    ///   text: the window then starts while the panes think and ends after their answers began.
    static func run(reasoning: Int = 0) async throws -> Figures? {
        let binary = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent().appendingPathComponent("genesis")
        guard FileManager.default.isExecutableFile(atPath: binary.path),
              let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
        // GENESIS_BENCH_BURST=N sends N tokens per write (same tokens/s): what the per-chunk work costs.
        let burst = max(1, ProcessInfo.processInfo.environment["GENESIS_BENCH_BURST"].flatMap(Int.init) ?? 1)
        let events = answer(reasoning: reasoning)
        let body = stride(from: 0, to: events.count, by: burst).map { Array(events[$0..<min(events.count, $0 + burst)].joined()) }
        let server = try await FakeServer(recording: false) { request in
            request.uri.hasSuffix("/chat/completions")
                ? FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: body,
                                      interval: .milliseconds(Int64(1000 * burst / tokensPerSecond)))
                : FakeServer.Response(status: 404, headers: [("content-type", "application/json")],
                                      chunks: [Array(#"{"error":{"message":"not here","type":"invalid_request_error"}}"#.utf8)])
        }
        defer { Task { await server.shutdown() } }

        let home = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-bench-console-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let tmux = Tmux(path: tmuxPath)
        defer { tmux.run(["kill-server"]) }
        let models = (0..<panes).map { "--model openai:gpt-4o-mini-\($0)" }.joined(separator: " ")
        let command = "exec env XDG_CONFIG_HOME=\(home.path) XDG_DATA_HOME=\(home.path) XDG_STATE_HOME=\(home.path) "
            + "OPENAI_BASE_URL=\(server.baseURL)/v1 OPENAI_API_KEY=sk-bench-0123456789abcdef GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color "
            + "\(binary.path) \(models)"
        tmux.run(["new-session", "-d", "-s", "b", "-x", "200", "-y", "60", command])
        guard try await tmux.wait(seconds: 20, { $0.contains("type a prompt") }),
              let pid = Int32(tmux.run(["list-panes", "-t", "b", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw BenchFailure("the console did not start in tmux: \(tmux.run(["capture-pane", "-p", "-t", "b"]))") }

        try await Task.sleep(for: .seconds(1))
        let idle = try await cpuPercent(pid: pid, over: .seconds(5))

        tmux.run(["send-keys", "-t", "b", "-l", "Stream for the benchmark"])
        tmux.run(["send-keys", "-t", "b", "Enter"])
        guard try await tmux.wait(seconds: 10, { $0.contains(reasoning > 0 ? "r3" : "w3") }) else {
            throw BenchFailure("the panes did not stream: \(tmux.run(["capture-pane", "-p", "-t", "b"]))")
        }
        try await Task.sleep(for: .seconds(1))
        var peakRSS = residentMB(pid: pid), peakPrivate = privateDirtyMB(pid: pid)
        // With reasoning (6 s of it in 15 s), 5 s of thinking and 7 of answer.
        let window = Duration.seconds(reasoning > 0 ? 12 : 8)
        let streaming = try await cpuPercent(pid: pid, over: window) {
            peakRSS = max(peakRSS, residentMB(pid: pid))
            peakPrivate = max(peakPrivate, privateDirtyMB(pid: pid))
        }
        let screen = tmux.run(["capture-pane", "-p", "-t", "b"])
        if screen.contains("done: stop") {
            throw BenchFailure("an answer finished inside the measuring window; lengthen it: \(screen)")
        }
        if reasoning > 0, screen.contains("thinking…") || !screen.contains(" w") { // the panes thought ("r3" above), then answered
            throw BenchFailure("the answers had not begun after the reasoning: \(screen)")
        }
        return Figures(idleCPUPercent: idle, streamingCPUPercent: streaming, rssMB: peakRSS, privateDirtyMB: peakPrivate, panes: panes,
                       tokensPerSecondPerPane: tokensPerSecond, streamedSeconds: window.seconds)
    }

    /// The reasoning variant: four `sim:thinker` panes (the simulator runs in the console's
    /// process, at its real speed: ~90 tokens/s of reasoning for 1.3-2.2 s, three times that at
    /// `--reasoning max`, then 1.3-2.2 s of answer) in tmux 200x60, for `rounds` prompts one after
    /// another. CPU is counted from each Enter until all four answers are done, summed over the
    /// rounds (so each round's start and end, storage included, count too); `expanded` shows the
    /// reasoning whole above the answers (Ctrl-T first) rather than as summary lines.
    struct ThinkingFigures {
        var cpuPercent: Double
        var rssMB: Double
        var panes: Int
        var rounds: Int
        var measuredSeconds: Double
        var expanded: Bool
        var model: String
        var reasoning: String?
    }

    static func runThinking(rounds: Int = 4, expanded: Bool = false, model: String = "sim:thinker",
                            reasoning: String? = nil) async throws -> ThinkingFigures? {
        let binary = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent().appendingPathComponent("genesis")
        guard FileManager.default.isExecutableFile(atPath: binary.path),
              let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-bench-thinking-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let tmux = Tmux(path: tmuxPath)
        defer { tmux.run(["kill-server"]) }
        let models = (0..<panes).map { _ in "--model \(model)" }.joined(separator: " ")
        let command = "exec env XDG_CONFIG_HOME=\(home.path) XDG_DATA_HOME=\(home.path) XDG_STATE_HOME=\(home.path) "
            + "GENESIS_SIM_SPEED=1 GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color \(binary.path) \(models)"
            + (reasoning.map { " --reasoning \($0)" } ?? "")
        tmux.run(["new-session", "-d", "-s", "b", "-x", "200", "-y", "60", command])
        guard try await tmux.wait(seconds: 20, { $0.contains("type a prompt") }),
              let pid = Int32(tmux.run(["list-panes", "-t", "b", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw BenchFailure("the console did not start in tmux: \(tmux.run(["capture-pane", "-p", "-t", "b"]))") }
        try await Task.sleep(for: .seconds(1))
        if expanded { tmux.run(["send-keys", "-t", "b", "C-t"]) }

        /// Answers done: each pane's title says `done` (in full or, narrow, alone).
        func done(_ screen: String) -> Int { (screen.split(separator: "\n").first ?? "").components(separatedBy: " done").count - 1 }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        var ticks = 0, seconds = 0.0, peakRSS = residentMB(pid: pid)
        for round in 0..<rounds {
            tmux.run(["send-keys", "-t", "b", "-l", "Round \(round): explain how tokenizers split words"])
            guard let before = cpuTicks(pid: pid) else { throw BenchFailure("process \(pid) is gone") }
            let start = ContinuousClock.now
            tmux.run(["send-keys", "-t", "b", "Enter"])
            // The last round's titles said done too: first wait for them to change.
            guard try await tmux.wait(seconds: 10, { done($0) < panes }),
                  try await tmux.wait(seconds: 60, { peakRSS = max(peakRSS, residentMB(pid: pid)); return done($0) == panes }) else {
                throw BenchFailure("round \(round) did not finish: \(tmux.run(["capture-pane", "-p", "-t", "b"]))")
            }
            guard let after = cpuTicks(pid: pid) else { throw BenchFailure("process \(pid) is gone") }
            ticks += after - before
            seconds += (ContinuousClock.now - start).seconds
        }
        let screen = tmux.run(["capture-pane", "-p", "-t", "b"])
        // Collapsed, the summary line; expanded, the reasoning (its header may have scrolled off), down to its plan.
        let shown = expanded ? ["▾ thinking · ", "Plan:", "So: define it"] : ["▸ thinking · "]
        guard model != "sim:thinker" || shown.contains(where: screen.contains) else {
            throw BenchFailure("no reasoning on screen: \(screen)")
        }
        return ThinkingFigures(cpuPercent: Double(ticks) / ticksPerSecond / seconds * 100, rssMB: peakRSS, panes: panes, rounds: rounds,
                               measuredSeconds: seconds, expanded: expanded, model: model, reasoning: reasoning)
    }

    /// CPU time of `pid` over a wall-clock window, as % of one core; `sample` runs every 250 ms.
    static func cpuPercent(pid: Int32, over window: Duration, sample: () -> Void = {}) async throws -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard let before = cpuTicks(pid: pid) else { throw BenchFailure("process \(pid) is gone") }
        let start = ContinuousClock.now
        while ContinuousClock.now - start < window {
            try await Task.sleep(for: .milliseconds(250))
            sample()
        }
        guard let after = cpuTicks(pid: pid) else { throw BenchFailure("process \(pid) is gone") }
        let elapsed = (ContinuousClock.now - start).seconds
        return Double(after - before) / ticksPerSecond / elapsed * 100
    }

    /// utime + stime, fields 14 and 15 of `/proc/PID/stat` (counted after the command's closing parenthesis).
    static func cpuTicks(pid: Int32) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// `Private_Dirty` of `/proc/PID/smaps_rollup`, in MB.
    static func privateDirtyMB(pid: Int32) -> Double {
        guard let rollup = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8),
              let line = rollup.split(separator: "\n").first(where: { $0.hasPrefix("Private_Dirty:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }

    static func residentMB(pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }

    /// tmux on a socket of its own; its server inherits nothing of ours (``ChildProcess``).
    struct Tmux {
        let path: String
        let socket = "genesis-bench-\(UUID().uuidString.prefix(8))"

        @discardableResult
        func run(_ arguments: [String]) -> String {
            guard let (_, output) = try? ChildProcess.run([path, "-L", socket] + arguments) else { return "" }
            return String(decoding: output, as: UTF8.self)
        }

        func wait(seconds: Double, _ condition: (String) -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                if condition(run(["capture-pane", "-p", "-t", "b"])) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
    }
}
