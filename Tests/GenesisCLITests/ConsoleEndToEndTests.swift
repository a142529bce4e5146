import Foundation
import Testing

/// The console in a real terminal: tmux runs `genesis`, `send-keys` types, `capture-pane` reads.
@Suite("Console end to end in tmux", .serialized)
struct ConsoleEndToEndTests {
    static let hasTmux = FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")

    struct Tmux {
        let socket = "genesis-test-\(UUID().uuidString.prefix(8))"

        /// Runs tmux through the shell (`popen`, which also reaps it; Foundation's `Process`
        /// was seen leaving the tmux client a zombie and the test waiting forever).
        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            let quoted = (["/usr/bin/tmux", "-L", socket] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            guard let pipe = popen(quoted.joined(separator: " ") + " 2>/dev/null", "r") else { return "" }
            var output = [UInt8](), chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = fread(&chunk, 1, chunk.count, pipe)
                if count <= 0 { break }
                output += chunk[0..<count]
            }
            pclose(pipe)
            return String(decoding: output, as: UTF8.self)
        }

        func screen() throws -> String { try run(["capture-pane", "-p", "-t", "t"]) }

        /// Polls the screen until `condition` holds, up to a deadline.
        func waitFor(_ what: String, seconds: Double = 20, _ condition: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if condition(last) { return last }
                Thread.sleep(forTimeInterval: 0.1)
            }
            Issue.record("timed out waiting for \(what); the screen was:\n\(last)")
            return last
        }
    }

    @Test(.enabled(if: hasTmux, "tmux is needed (CI installs it)"))
    func typeAPromptWatchThePanesStreamResizeAndQuit() throws {
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        let command = "env XDG_CONFIG_HOME=\(CLI.home.path) XDG_DATA_HOME=\(CLI.home.path) XDG_STATE_HOME=\(CLI.home.path) GENESIS_SIM_SPEED=5 GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color "
            + "\(CLI.binary.path) --model sim:fast --model sim:balanced; echo GENESIS_EXIT=$?; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "t", "-x", "120", "-y", "36", command])

        var screen = try tmux.waitFor("the console to start") { $0.contains("type a prompt and press Enter") }
        #expect(screen.contains("sim:fast · simulated") && screen.contains("sim:balanced · simulated"))
        #expect(screen.contains("providers") && screen.contains("rpm"))

        try tmux.run(["send-keys", "-t", "t", "-l", "Explain tokenizers briefly"])
        try tmux.run(["send-keys", "-t", "t", "Enter"])
        screen = try tmux.waitFor("both answers to finish") { $0.components(separatedBy: "done: stop").count == 3 }
        #expect(screen.contains("› Explain tokenizers briefly") && screen.contains("tok/s"))
        #expect(screen.contains("TTFT"))

        try tmux.run(["resize-window", "-t", "t", "-x", "50", "-y", "14"])
        screen = try tmux.waitFor("the narrow layout") { $0.contains("sim:fast") && !$0.contains("providers") }
        try tmux.run(["resize-window", "-t", "t", "-x", "30", "-y", "10"])
        screen = try tmux.waitFor("the too-small notice") { $0.contains("too small") || $0.contains("Terminal too small") }
        try tmux.run(["resize-window", "-t", "t", "-x", "100", "-y", "30"])
        screen = try tmux.waitFor("the full layout again") { $0.contains("sim:balanced") && $0.contains("prompt") }

        try tmux.run(["send-keys", "-t", "t", "?"])
        screen = try tmux.waitFor("the help overlay") { $0.contains("Genesis keys and commands") }
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        screen = try tmux.waitFor("the exit status") { $0.contains("GENESIS_EXIT=") }
        #expect(screen.contains("GENESIS_EXIT=0"))
        #expect(!screen.contains("╭")) // the terminal is restored: the console's frames are gone
    }
}
