import Foundation
import GenesisProcess
import GenesisProviders
import GenesisTestSupport
import Testing

/// The console in a real terminal: tmux runs `genesis`, `send-keys` types, `capture-pane` reads.
@Suite("Console end to end in tmux", .serialized)
struct ConsoleEndToEndTests {
    static let hasTmux = FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")

    struct Tmux {
        let socket = "genesis-test-\(UUID().uuidString.prefix(8))"

        /// Runs tmux with nothing of ours inherited (``ChildProcess``): the tmux server it may
        /// start lives as long as the test, and a copy of another test's connection in it kept
        /// that connection open after its server closed it (seen: cut-off streams read as
        /// stalls). Foundation's `Process` was seen leaving the tmux client a zombie and the test
        /// waiting forever. A failure is part of the output, so a timed-out wait shows why tmux
        /// could not answer.
        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            let (status, output) = try ChildProcess.run(["/usr/bin/tmux", "-L", socket] + arguments)
            let text = String(decoding: output, as: UTF8.self)
            return status == 0 ? text : text + "[tmux \(arguments.first ?? "") exited with status \(status)]"
        }

        func screen() throws -> String { try run(["capture-pane", "-p", "-t", "t"]) }

        /// Polls the screen until `condition` holds, up to a deadline.
        func waitFor(_ what: String, seconds: Double = 20, _ condition: (String) -> Bool) async throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if condition(last) { return last }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("timed out waiting for \(what); the screen was:\n\(last)")
            return last
        }
    }

    /// The processes whose parent is `pid`.
    static func children(of pid: Int32) -> [Int32] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return all.compactMap(Int32.init).filter { candidate in
            guard let status = try? String(contentsOfFile: "/proc/\(candidate)/status", encoding: .utf8) else { return false }
            return status.split(separator: "\n").contains { $0.hasPrefix("PPid:") && $0.split(separator: "\t").last == "\(pid)" }
        }
    }

    /// The names of `pid`'s threads.
    static func threadNames(of pid: Int32) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { try? String(contentsOfFile: "/proc/\(pid)/task/\($0)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    @Test(.enabled(if: hasTmux, "tmux is needed (CI installs it)"))
    func typeAPromptWatchThePanesStreamResizeAndQuit() async throws {
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        let command = "env XDG_CONFIG_HOME=\(CLI.home.path) XDG_DATA_HOME=\(CLI.home.path) XDG_STATE_HOME=\(CLI.home.path) GENESIS_SIM_SPEED=5 GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color "
            + "\(CLI.binary.path) --model sim:fast --model sim:balanced; echo GENESIS_EXIT=$?; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "t", "-x", "150", "-y", "36", command])

        // The whole first frame: under load, a capture can land while it is still being written.
        var screen = try await tmux.waitFor("the console to start") { $0.contains("type a prompt and press Enter") && $0.contains("rpm") }
        #expect(screen.contains("sim:fast · simulated") && screen.contains("sim:balanced · simulated"))
        #expect(screen.contains("providers") && screen.contains("rpm"))

        try tmux.run(["send-keys", "-t", "t", "-l", "Explain tokenizers briefly"])
        try tmux.run(["send-keys", "-t", "t", "Enter"])
        // The whole frame, footers included: under load a capture can land mid-frame.
        screen = try await tmux.waitFor("both answers to finish, with their figures") {
            $0.components(separatedBy: "done: stop").count == 3 && $0.components(separatedBy: "TTFT").count == 3
        }
        #expect(screen.contains("› Explain tokenizers briefly") && screen.contains("tok/s"))

        try tmux.run(["resize-window", "-t", "t", "-x", "50", "-y", "14"])
        screen = try await tmux.waitFor("the narrow layout") { $0.contains("sim:fast") && !$0.contains("providers") }
        try tmux.run(["resize-window", "-t", "t", "-x", "30", "-y", "10"])
        screen = try await tmux.waitFor("the too-small notice") { $0.contains("too small") || $0.contains("Terminal too small") }
        try tmux.run(["resize-window", "-t", "t", "-x", "100", "-y", "30"])
        screen = try await tmux.waitFor("the full layout again") { $0.contains("sim:balanced") && $0.contains("prompt") }

        try tmux.run(["send-keys", "-t", "t", "?"])
        screen = try await tmux.waitFor("the help overlay") { $0.contains("Genesis keys and commands") }
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        screen = try await tmux.waitFor("the exit status") { $0.contains("GENESIS_EXIT=") }
        #expect(screen.contains("GENESIS_EXIT=0"))
        #expect(!screen.contains("╭")) // the terminal is restored: the console's frames are gone
    }

    @Test(.enabled(if: hasTmux, "tmux is needed (CI installs it)"))
    func theConsoleServesPrometheusMetricsOfWhatItAsked() async throws {
        let env = try StorageCLITests.environment()
        let prefix = "env " + env.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            + " GENESIS_SIM_SPEED=5 GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color \(CLI.binary.path)"
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        try tmux.run(["new-session", "-d", "-s", "t", "-x", "140", "-y", "30", prefix + " --model sim:fast --metrics-port 0; echo GENESIS_EXIT=$?; sleep 30"])
        // The console's own frame, not the address genesis prints before it starts: keys typed
        // before then meet a terminal not yet in raw mode, which turns Enter into a newline.
        let screen = try await tmux.waitFor("the console with the metrics address") {
            $0.contains("metrics at http://127.0.0.1:") && $0.contains("Enter send") && $0.contains("rpm")
        }
        let address = try #require(screen.firstMatch(of: /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/)?.1)
        try tmux.run(["send-keys", "-t", "t", "-l", "Count to three"])
        try tmux.run(["send-keys", "-t", "t", "Enter"])
        _ = try await tmux.waitFor("the answer") { $0.contains("done: stop") }
        // One event loop thread serves its connections (HTTPStreamingCall.readOnOneThread), here
        // the metrics server's.
        let shell = try #require(Int32(try tmux.run(["list-panes", "-t", "t", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)))
        let console = try #require(Self.children(of: shell).first)
        #expect(Self.threadNames(of: console).filter { $0.hasPrefix("NIO-SGLTN") }.count == 1, "\(Self.threadNames(of: console))")
        var text = ""
        for _ in 0..<300 { // the ledger row that feeds the metrics lands just after the answer shows (up to 30 s on a loaded machine)
            let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: String(address)),
                                                            connectTimeout: .seconds(5), idleTimeout: .seconds(5))
            #expect(response.status == 200)
            text = String(decoding: try await response.collect(upTo: 1 << 20), as: UTF8.self)
            if text.contains(#"genesis_requests_total{provider="sim",model="fast",outcome="ok"} 1"#) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(text.contains(#"genesis_requests_total{provider="sim",model="fast",outcome="ok"} 1"#), "\(text)")
        #expect(text.contains(#"genesis_tokens_total{provider="sim",model="fast",direction="output"}"#))
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        _ = try await tmux.waitFor("the exit") { $0.contains("GENESIS_EXIT=0") }
    }

    @Test(.enabled(if: hasTmux, "tmux is needed (CI installs it)"))
    func anEnvironmentsPaneAsksWhatItServesAtEachPromptWithItsParameters() async throws {
        let env = try StorageCLITests.environment()
        #expect(try await CLI.run(["deploy", "sim:fast", "--env", "production", "--max-tokens", "5"], environment: env).status == 0)
        let prefix = "env " + env.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            + " GENESIS_SIM_SPEED=5 GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color \(CLI.binary.path)"
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        try tmux.run(["new-session", "-d", "-s", "t", "-x", "120", "-y", "30", prefix + " --env production; echo GENESIS_EXIT=$?; sleep 30"])
        var screen = try await tmux.waitFor("the console to start") { $0.contains("type a prompt and press Enter") }
        #expect(screen.contains("production: sim:fast · simulated"))
        try tmux.run(["send-keys", "-t", "t", "-l", "Describe the sea"])
        try tmux.run(["send-keys", "-t", "t", "Enter"])
        screen = try await tmux.waitFor("the answer") { $0.contains("done:") }
        #expect(screen.contains(" 5 tok ")) // the deployment's max tokens applied

        // A canary taking every request, deployed while the console runs, answers the next prompt.
        #expect(try await CLI.run(["deploy", "--env", "production", "--canary", "sim:deep", "--weight", "1"], environment: env).status == 0)
        try tmux.run(["send-keys", "-t", "t", "-l", "And the sky?"])
        try tmux.run(["send-keys", "-t", "t", "Enter"])
        screen = try await tmux.waitFor("the canary's answer") { $0.contains("production: sim:deep") && $0.contains("done:") }
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        _ = try await tmux.waitFor("the exit") { $0.contains("GENESIS_EXIT=0") }
        let history = try #require(try await CLI.run(["history", "--json"], environment: env).json)
        let conversation = try #require((history["conversations"] as? [[String: Any]])?.first)
        #expect(Set(conversation["models"] as? [String] ?? []) == ["sim:fast", "sim:deep"])
    }

    @Test(.enabled(if: hasTmux, "tmux is needed (CI installs it)"))
    func theConsoleRecordsItsConversationAndReopensIt() async throws {
        // Temperature 0: the simulated answers are the same every run, so what the reopened
        // panes show is too (above it, the words of an answer vary from run to run).
        let env = try StorageCLITests.environment(config: """
            [defaults]
            temperature = 0

            [[budgets]]
            provider = "sim"
            period = "day"
            tokens = 100
            hard = false
            """)
        let prefix = "env " + env.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            + " GENESIS_SIM_SPEED=5 GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color \(CLI.binary.path)"
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        try tmux.run(["new-session", "-d", "-s", "t", "-x", "140", "-y", "40", prefix + " --model sim:fast --model sim:deep; echo GENESIS_EXIT=$?; sleep 30"])
        _ = try await tmux.waitFor("the console to start") { $0.contains("type a prompt and press Enter") }
        try tmux.run(["send-keys", "-t", "t", "-l", "Remember the lighthouse"])
        try tmux.run(["send-keys", "-t", "t", "Enter"])
        var screen = try await tmux.waitFor("both answers") { $0.components(separatedBy: "done:").count == 3 }
        screen = try await tmux.waitFor("the budget alert") { $0.contains("budget sim daily 100 tokens (soft)") }
        #expect(screen.contains("today $0"))
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        _ = try await tmux.waitFor("the exit") { $0.contains("GENESIS_EXIT=0") }

        let history = try #require(try await CLI.run(["history", "--json"], environment: env).json)
        let conversation = try #require((history["conversations"] as? [[String: Any]])?.first)
        #expect(conversation["source"] as? String == "console" && conversation["title"] as? String == "Remember the lighthouse")
        #expect(conversation["models"] as? [String] == ["sim:fast", "sim:deep"])
        let id = try #require(conversation["id"] as? String)
        let shown = try #require(try await CLI.run(["history", "show", id, "--json"], environment: env).json)
        let statuses = (shown["messages"] as? [[String: Any]])?.map { $0["status"] as? String }
        #expect(statuses == ["complete", "complete", "complete"])

        try tmux.run(["kill-server"])
        let again = Tmux()
        defer { _ = try? again.run(["kill-server"]) }
        try again.run(["new-session", "-d", "-s", "t", "-x", "140", "-y", "40", prefix + " --resume \(id.prefix(8)); echo GENESIS_EXIT=$?; sleep 30"])
        screen = try await again.waitFor("the reopened conversation") { $0.contains("› Remember the lighthouse") && $0.contains("sim:deep · simulated") }
        #expect(screen.components(separatedBy: "lighthouse").count > 4) // the answers are back
        try again.run(["send-keys", "-t", "t", "-l", "/history"])
        try again.run(["send-keys", "-t", "t", "Enter"])
        screen = try await again.waitFor("the history overlay") { $0.contains("Recent conversations") }
        #expect(screen.contains(String(id.prefix(8))))
        try again.run(["send-keys", "-t", "t", "Escape"])
        try again.run(["send-keys", "-t", "t", "Up"]) // /history, typed in this run
        try again.run(["send-keys", "-t", "t", "Up"]) // the prompt of the last run
        screen = try await again.waitFor("the prompt history from the last run") { screen in
            screen.components(separatedBy: "prompt → all panes").last?.contains("› Remember the lighthouse") == true
        }
        try again.run(["send-keys", "-t", "t", "C-q"])
        _ = try await again.waitFor("the exit") { $0.contains("GENESIS_EXIT=0") }
    }

    @Test("a reasoning model's pane shows its thinking as it streams, then a summary above the answer that Ctrl-T expands; the next console starts expanded",
          .enabled(if: hasTmux, "tmux is needed (CI installs it)"))
    func aReasoningModelsThinkingShowsCollapsesAndExpands() async throws {
        let env = try StorageCLITests.environment()
        let prefix = "env " + env.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            + " GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color"
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        // At half speed the thinker thinks for a few seconds: long enough to see it, whatever the load.
        try tmux.run(["new-session", "-d", "-s", "t", "-x", "120", "-y", "60",
                      prefix + " GENESIS_SIM_SPEED=0.5 \(CLI.binary.path) --model sim:thinker; echo GENESIS_EXIT=$?; sleep 30"])
        _ = try await tmux.waitFor("the console to start") { $0.contains("type a prompt and press Enter") && $0.contains("Enter send") }
        try tmux.run(["send-keys", "-t", "t", "-l", "Explain tokenizers briefly"])
        try tmux.run(["send-keys", "-t", "t", "Enter"])
        // The reasoning's first sentence names the topic: the prompt's line and that one.
        // Each wait names the whole frame it needs: under load a capture can land mid-frame.
        // The footer counts the reasoning as it streams.
        var screen = try await tmux.waitFor("the thinking section, its footer counting") {
            $0.contains("thinking…") && $0.components(separatedBy: "tokenizers briefly").count > 2 && $0.contains("think ")
        }

        screen = try await tmux.waitFor("the answer, under a summary of the reasoning", seconds: 60) {
            $0.contains("done: stop") && $0.contains("▸ thinking · ") && $0.contains("tok/s")
        }
        let summary = try #require(screen.split(separator: "\n").first { $0.contains("▸ thinking · ") }, "\(screen)")
        #expect(summary.contains(" tokens · ") && summary.contains(" s "), "tokens and seconds: \(summary)")
        #expect(!screen.contains("Plan:") && !screen.contains("So: define it"), "collapsed: the reasoning itself is hidden")
        #expect(screen.contains("think ") && screen.contains("tok/s"))

        try tmux.run(["send-keys", "-t", "t", "C-t"])
        // The whole frame, down to the reasoning's plan: under load a capture can land while the
        // expanded frame is still being written.
        screen = try await tmux.waitFor("the reasoning expanded, down to its plan") {
            $0.contains("▾ thinking · ") && ($0.contains("Plan:") || $0.contains("So: define it"))
        }
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        _ = try await tmux.waitFor("the exit") { $0.contains("GENESIS_EXIT=0") }
        let kept = try String(contentsOfFile: (env["XDG_STATE_HOME"] ?? "") + "/genesis/console.toml", encoding: .utf8)
        #expect(kept.contains(#"thinking = "expanded""#))

        try tmux.run(["kill-server"])
        let again = Tmux()
        defer { _ = try? again.run(["kill-server"]) }
        try again.run(["new-session", "-d", "-s", "t", "-x", "120", "-y", "60",
                       prefix + " GENESIS_SIM_SPEED=5 \(CLI.binary.path) --model sim:thinker; echo GENESIS_EXIT=$?; sleep 30"])
        _ = try await again.waitFor("the console to start") { $0.contains("type a prompt and press Enter") && $0.contains("Enter send") }
        try again.run(["send-keys", "-t", "t", "-l", "Explain tokenizers briefly"])
        try again.run(["send-keys", "-t", "t", "Enter"])
        screen = try await again.waitFor("the answer, its reasoning expanded as the last console left it", seconds: 60) {
            $0.contains("done: stop") && $0.contains("▾ thinking · ")
        }
        try again.run(["send-keys", "-t", "t", "C-q"])
        _ = try await again.waitFor("the exit") { $0.contains("GENESIS_EXIT=0") }
    }

    @Test("Ctrl-Q ends the console while a multi-megabyte token with no space in it streams, and the terminal is restored",
          .enabled(if: hasTmux, "tmux is needed (CI installs it)"))
    func ctrlQQuitsWhileALongUnbrokenTokenStreams() async throws {
        // A fake OpenAI upstream: one 4 MB delta of a single token, then 64 KB more of it every
        // 20 ms for as long as the console listens.
        func event(_ content: String) -> [UInt8] {
            Array((#"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"\#(content)"},"finish_reason":null}]}"# + "\n\n").utf8)
        }
        let body = [event(String(repeating: "x", count: 4 << 20)), event(String(repeating: "x", count: 64 << 10))]
        let server = try await FakeServer(recording: false) { request in
            request.uri == "/v1/chat/completions"
                ? .init(headers: [("content-type", "text/event-stream")], chunks: body, interval: .milliseconds(20), endless: true)
                : .init(status: 404, headers: [("content-type", "application/json")],
                        chunks: [Array(#"{"error":{"message":"not here","type":"invalid_request_error"}}"#.utf8)])
        }
        let env = try StorageCLITests.environment().merging(["OPENAI_API_KEY": "sk-test-0123456789abcdef", "OPENAI_BASE_URL": server.baseURL + "/v1",
                                                              "GENESIS_DISCOVER_LOCAL": "0", "TERM": "xterm-256color"]) { $1 }
        let command = "env " + env.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            + " \(CLI.binary.path) --model openai:gpt-4o-mini; echo GENESIS_EXIT=$?; sleep 30"
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        func run() async throws {
            try tmux.run(["new-session", "-d", "-s", "t", "-x", "150", "-y", "36", command])
            _ = try await tmux.waitFor("the console to start") { $0.contains("type a prompt and press Enter") && $0.contains("Enter send") }
            try tmux.run(["send-keys", "-t", "t", "-l", "One long token, please"])
            try tmux.run(["send-keys", "-t", "t", "Enter"])
            // The 4 MB delta has arrived once the token fills lines of the pane.
            var screen = try await tmux.waitFor("the token on screen", seconds: 60) { $0.contains(String(repeating: "x", count: 60)) }
            #expect(screen.contains("streaming"))
            try tmux.run(["send-keys", "-t", "t", "C-q"])
            screen = try await tmux.waitFor("the exit status", seconds: 60) { $0.contains("GENESIS_EXIT=") }
            #expect(screen.contains("GENESIS_EXIT=0"))
            #expect(!screen.contains("╭")) // the terminal is restored: the console's frames are gone
        }
        do { try await run() } catch { await server.shutdown(); throw error }
        await server.shutdown()
    }
}
