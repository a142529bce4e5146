import Foundation
import GenesisConsole
import GenesisEngine
import GenesisTestSupport

/// One long unbroken token (no spaces, no newlines: a minified blob, a base64 image): what laying
/// it out costs, and whether the console still answers keys while it streams.
///
/// In process: the token laid out at once (`MarkdownLayout.lines`, width 98), and streamed into a
/// pane in 1000 deltas with a 200x60 frame rendered after each (the sum and the longest frame),
/// and as one delta, laid out in the console's steps.
/// As a process (skipped without tmux or the release `genesis`): the release console in tmux
/// 200x60, one pane on a loopback fake OpenAI upstream that streams the token in 1000 deltas
/// 5 ms apart and then only SSE comments (the answer never ends); how long until the token's
/// last character is on screen, and, in a second run, how long Ctrl-Q pressed 3 s into the
/// stream takes to end the process (and, for scale, Ctrl-Q with nothing streaming).
enum LongTokenBench {
    struct InProcess {
        var megabytes: Double
        var atOnceMs: Double
        /// The deltas taken into the state (sanitised and appended), in all.
        var streamedUpdatesMs: Double
        var streamedFramesMs: Double
        var longestFrameMs: Double
        /// The token as one delta: the steps the console takes to lay it out (a frame, then
        /// ``ConsoleState/layOutMore()`` until done), the longest and all of them.
        var oneDeltaSteps: Int
        var oneDeltaLongestStepMs: Double
        var oneDeltaMs: Double
    }

    struct Process {
        var megabytes: Double
        var streamSeconds: Double
        /// From the first delta on screen to the token's last character on screen; nil: not within the limit.
        var wholeTokenShownSeconds: Double?
        var limitSeconds: Double
        /// From Ctrl-Q to the terminal given back (the console's frame gone) and to the shell's
        /// prompt; nil: not within the limit.
        var quit: (restoredMs: Double?, exitedMs: Double?)
        /// The same with no answer streaming: what quitting costs anyway.
        var idleQuit: (restoredMs: Double?, exitedMs: Double?)
    }

    static let deltas = 1000

    /// `megabytes` of one character: `x`, or with `wide` the CJK `漢` (three bytes, two columns).
    static func token(megabytes: Double, wide: Bool = false) -> String {
        wide ? String(repeating: "漢", count: Int(megabytes * 1_000_000) / 3) : String(repeating: "x", count: Int(megabytes * 1_000_000))
    }

    static func inProcess(megabytes: Double, wide: Bool) -> InProcess {
        let clock = ContinuousClock()
        let text = token(megabytes: megabytes, wide: wide)
        var start = clock.now
        _ = MarkdownLayout.lines(text, width: 98)
        let atOnce = clock.now - start

        var state = ConsoleState(models: ["sim:fast"])
        let delta = token(megabytes: megabytes / Double(deltas), wide: wide)
        var updates = Duration.zero, frames = Duration.zero, longest = Duration.zero
        for _ in 0..<deltas {
            start = clock.now
            _ = state.update(.event(pane: 0, .text(delta)))
            updates += clock.now - start
            start = clock.now
            _ = ConsoleRenderer.render(state, width: 200, height: 60)
            let frame = clock.now - start
            frames += frame
            longest = max(longest, frame)
        }

        var whole = ConsoleState(models: ["sim:fast"])
        _ = whole.update(.event(pane: 0, .text(text)))
        start = clock.now
        _ = ConsoleRenderer.render(whole, width: 200, height: 60)
        var steps = 1, longestStep = clock.now - start, all = longestStep
        while whole.isLayingOut {
            start = clock.now
            whole.layOutMore()
            let step = clock.now - start
            steps += 1
            longestStep = max(longestStep, step)
            all += step
        }
        return InProcess(megabytes: megabytes, atOnceMs: atOnce.seconds * 1000, streamedUpdatesMs: updates.seconds * 1000, streamedFramesMs: frames.seconds * 1000,
                         longestFrameMs: longest.seconds * 1000, oneDeltaSteps: steps, oneDeltaLongestStepMs: longestStep.seconds * 1000,
                         oneDeltaMs: all.seconds * 1000)
    }

    static func process(megabytes: Double, limitSeconds: Double = 120) async throws -> Process? {
        let binary = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent().appendingPathComponent("genesis")
        guard FileManager.default.isExecutableFile(atPath: binary.path),
              let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
        func event(_ content: String) -> [UInt8] {
            Array((#"data: {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"\#(content)"},"finish_reason":null}]}"# + "\n\n").utf8)
        }
        let piece = String(repeating: "x", count: max(1, Int(megabytes * 1_000_000) / deltas))
        // The last delta ends in a wide character seen nowhere else: on screen, the whole token has been laid out.
        let body = (0..<deltas).map { event(piece + ($0 == deltas - 1 ? "茶" : "")) } + [Array(": still thinking\n\n".utf8)]
        let interval = Duration.milliseconds(5)
        let server = try await FakeServer(recording: false) { request in
            request.uri.hasSuffix("/chat/completions")
                ? FakeServer.Response(headers: [("content-type", "text/event-stream")], chunks: body, interval: .milliseconds(5), endless: true)
                : FakeServer.Response(status: 404, headers: [("content-type", "application/json")],
                                      chunks: [Array(#"{"error":{"message":"not here","type":"invalid_request_error"}}"#.utf8)])
        }
        defer { Task { await server.shutdown() } }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-bench-long-token-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let command = "env XDG_CONFIG_HOME=\(home.path) XDG_DATA_HOME=\(home.path) XDG_STATE_HOME=\(home.path) "
            + "OPENAI_BASE_URL=\(server.baseURL)/v1 OPENAI_API_KEY=sk-bench-0123456789abcdef GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color "
            + "\(binary.path) --model openai:gpt-4o-mini \(ProcessInfo.processInfo.environment["GENESIS_BENCH_CONSOLE_ARGS"] ?? ""); echo GENESIS_EXIT=$?; sleep 600"

        /// Starts a console, sends a prompt and returns once the first delta is on screen.
        func start(prompt: Bool = true) async throws -> ConsoleProcessBench.Tmux {
            let tmux = ConsoleProcessBench.Tmux(path: tmuxPath)
            tmux.run(["new-session", "-d", "-s", "b", "-x", "200", "-y", "60", command])
            guard try await tmux.wait(seconds: 20, { $0.contains("type a prompt") && $0.contains("Enter send") }) else {
                throw BenchFailure("the console did not start in tmux: \(tmux.run(["capture-pane", "-p", "-t", "b"]))")
            }
            guard prompt else { return tmux }
            tmux.run(["send-keys", "-t", "b", "-l", "One long token, please"])
            tmux.run(["send-keys", "-t", "b", "Enter"])
            guard try await tmux.wait(seconds: 20, { $0.contains("xxxxxxxx") }) else {
                throw BenchFailure("the token did not stream: \(tmux.run(["capture-pane", "-p", "-t", "b"]))")
            }
            return tmux
        }
        let clock = ContinuousClock()

        let first = try await start()
        let begun = clock.now
        let shown = try await first.wait(seconds: limitSeconds, { $0.contains("茶") })
        let shownSeconds = shown ? (clock.now - begun).seconds : nil
        first.run(["kill-server"])

        /// Presses Ctrl-Q: the milliseconds until the console's frame is gone, and until the shell reports the exit.
        func quit(_ tmux: ConsoleProcessBench.Tmux) async throws -> (restoredMs: Double?, exitedMs: Double?) {
            defer { tmux.run(["kill-server"]) }
            tmux.run(["send-keys", "-t", "b", "C-q"])
            let begun = clock.now
            var restored: Double?
            while (clock.now - begun).seconds < limitSeconds {
                let screen = tmux.run(["capture-pane", "-p", "-t", "b"])
                let elapsed = (clock.now - begun).seconds * 1000
                if restored == nil, !screen.contains("╭") { restored = elapsed }
                if screen.contains("GENESIS_EXIT=") { return (restored ?? elapsed, elapsed) }
                try await Task.sleep(for: .milliseconds(5))
            }
            return (restored, nil)
        }
        let second = try await start()
        try await Task.sleep(for: .seconds(3))
        let streamingQuit = try await quit(second)
        let idle = try await start(prompt: false)
        try await Task.sleep(for: .seconds(1))
        let idleQuit = try await quit(idle)
        return Process(megabytes: megabytes, streamSeconds: (interval * deltas).seconds, wholeTokenShownSeconds: shownSeconds,
                       limitSeconds: limitSeconds, quit: streamingQuit, idleQuit: idleQuit)
    }

    /// `genesis-bench long-token [MB ...] [--wide] [--process MB]`: the in-process figures for each
    /// size (default 10; `--wide`: of a CJK character), then the console process with a token of
    /// `--process` MB (default 10; 0 skips it).
    static func run(_ arguments: ArraySlice<String>) async throws {
        var sizes: [Double] = [], processMegabytes = 10.0, wide = false
        var rest = arguments
        while let argument = rest.popFirst() {
            if argument == "--process" { processMegabytes = Double(rest.popFirst() ?? "") ?? processMegabytes; continue }
            if argument == "--wide" { wide = true; continue }
            guard let size = Double(argument), size > 0 else {
                throw BenchFailure("genesis-bench long-token: expected sizes in MB, --wide and --process MB, got \(argument)")
            }
            sizes.append(size)
        }
        for size in sizes.isEmpty ? [10] : sizes {
            let figures = inProcess(megabytes: size, wide: wide)
            print(String(format: "long token%@, %g MB: laid out at once (width 98) in %.1f ms; streamed in %d deltas with a 200x60 frame after each: %.1f ms of updates (sanitising, appending), %.1f ms of frames, the longest %.2f ms; as one delta: laid out in %d step(s) of at most %.2f ms, %.1f ms in all",
                         wide ? " of 漢" : "", figures.megabytes, figures.atOnceMs, deltas, figures.streamedUpdatesMs, figures.streamedFramesMs, figures.longestFrameMs,
                         figures.oneDeltaSteps, figures.oneDeltaLongestStepMs, figures.oneDeltaMs))
        }
        guard processMegabytes > 0 else { return }
        guard let p = try await process(megabytes: processMegabytes) else {
            print("console process: skipped (needs tmux and the genesis binary beside genesis-bench)")
            return
        }
        let shown = p.wholeTokenShownSeconds.map { String(format: "%.1f s", $0) } ?? String(format: "not within %.0f s", p.limitSeconds)
        func milliseconds(_ value: Double?) -> String { value.map { String(format: "%.0f ms", $0) } ?? String(format: "not within %.0f s", p.limitSeconds) }
        print(String(format: "console process, a %g MB token in %d deltas over %.1f s: the whole token on screen after %@; Ctrl-Q 3 s into the stream: terminal back after %@, exited after %@ (with nothing streaming: %@, %@)",
                     p.megabytes, deltas, p.streamSeconds, shown, milliseconds(p.quit.restoredMs), milliseconds(p.quit.exitedMs),
                     milliseconds(p.idleQuit.restoredMs), milliseconds(p.idleQuit.exitedMs)))
    }
}
