import Foundation
import GenesisTestSupport
import Testing

/// The console comparing its panes, in a real terminal: the round summary, `/diff`,
/// synchronised scrolling and `/judge`.
@Suite("Console comparison end to end in tmux", .serialized)
struct CompareConsoleEndToEndTests {
    typealias Tmux = ConsoleEndToEndTests.Tmux

    /// `genesis` on sim:fast and sim:balanced in a fresh tmux `width` x `height`, once its first frame is up.
    static func start(environment: [String: String], width: Int, height: Int) async throws -> Tmux {
        let tmux = Tmux()
        var environment = environment
        environment["XDG_CONFIG_HOME"] = environment["XDG_CONFIG_HOME"] ?? CLI.home.path
        let command = "env " + environment.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            + " GENESIS_SIM_SPEED=5 GENESIS_DISCOVER_LOCAL=0 TERM=xterm-256color \(CLI.binary.path) --model sim:fast --model sim:balanced"
            + "; echo GENESIS_EXIT=$?; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)", command])
        _ = try await tmux.waitFor("the console to start", seconds: 30) { $0.contains("type a prompt and press Enter") }
        return tmux
    }

    static func type(_ line: String, _ tmux: Tmux) throws {
        try tmux.run(["send-keys", "-t", "t", "-l", line])
        try tmux.run(["send-keys", "-t", "t", "Enter"])
    }

    @Test(.enabled(if: ConsoleEndToEndTests.hasTmux, "tmux is needed (CI installs it)"))
    func aRoundsSummaryItsDiffAndSynchronisedScrolling() async throws {
        let tmux = try await Self.start(environment: try StorageCLITests.environment(), width: 120, height: 24)
        defer { _ = try? tmux.run(["kill-server"]) }
        try Self.type("Explain tokenizers in detail", tmux)
        var screen = try await tmux.waitFor("both answers and the round's summary", seconds: 30) {
            $0.components(separatedBy: "done: stop").count == 3 && $0.contains("★ fastest first token")
        }
        #expect(screen.contains("★ fastest first token sim:"))

        try Self.type("/diff", tmux)
        screen = try await tmux.waitFor("the diff view", seconds: 30) { $0.contains("diff: sim:fast vs sim:balanced") && $0.contains("% similar") }
        try tmux.run(["send-keys", "-t", "t", "Escape"])
        screen = try await tmux.waitFor("the panes again", seconds: 30) { !$0.contains("% similar") && $0.contains("done: stop") }
        try tmux.run(["send-keys", "-t", "t", "C-o"])
        _ = try await tmux.waitFor("the diff view from its key", seconds: 30) { $0.contains("% similar") }
        try tmux.run(["send-keys", "-t", "t", "C-o"])
        _ = try await tmux.waitFor("the panes again", seconds: 30) { !$0.contains("% similar") && $0.contains("done: stop") }

        try tmux.run(["send-keys", "-t", "t", "C-s"])
        _ = try await tmux.waitFor("the synchronised mode in the chrome", seconds: 30) { $0.contains("⇅ scroll synced") }
        for _ in 0..<40 { try tmux.run(["send-keys", "-t", "t", "PPage"]) }
        screen = try await tmux.waitFor("both panes at their tops", seconds: 30) { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count > 1 && lines[1].components(separatedBy: "› Explain tokenizers in detail").count == 3
        }
        #expect(screen.contains("↓"), "the answers are longer than their panes, so they scrolled:\n\(screen)")
        for _ in 0..<40 { try tmux.run(["send-keys", "-t", "t", "NPage"]) }
        _ = try await tmux.waitFor("both panes at their ends", seconds: 30) { !$0.contains("↓") && $0.components(separatedBy: "done: stop").count == 3 }
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        screen = try await tmux.waitFor("the exit status", seconds: 30) { $0.contains("GENESIS_EXIT=") }
        #expect(screen.contains("GENESIS_EXIT=0"))
    }

    @Test(.enabled(if: ConsoleEndToEndTests.hasTmux, "tmux is needed (CI installs it)"))
    func aJudgeComparesTheAnswersInAnOverlayAndItsVerdictsAreKept() async throws {
        let server = try await JudgeCLITests.judge { a, b in a.count >= b.count ? "A" : "B" }
        defer { Task { await server.shutdown() } }
        let environment = try JudgeCLITests.environment(server)
        let tmux = try await Self.start(environment: environment, width: 140, height: 36)
        defer { _ = try? tmux.run(["kill-server"]) }
        try Self.type("Why is the sky blue?", tmux)
        _ = try await tmux.waitFor("both answers", seconds: 30) { $0.components(separatedBy: "done: stop").count == 3 }

        try Self.type("/judge openai:gpt-4o-mini", tmux)
        var screen = try await tmux.waitFor("the judge's verdicts", seconds: 30) { $0.contains("Judge openai:gpt-4o-mini") && $0.contains("winner:") }
        #expect(screen.contains("sim:fast vs sim:balanced") && screen.contains("it reads better") && screen.contains("wins"))
        #expect(server.requests.count { $0.uri == "/v1/chat/completions" } == 2) // the pair, in both orders
        try tmux.run(["send-keys", "-t", "t", "Escape"])
        screen = try await tmux.waitFor("the overlay closed", seconds: 30) { !$0.contains("Judge openai") && $0.contains("done: stop") }
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        _ = try await tmux.waitFor("the exit status", seconds: 30) { $0.contains("GENESIS_EXIT=0") }

        let judges = try await CLI.run(["leaderboard", "--judge", "--json"], environment: environment)
        #expect(judges.json?["votes"] as? Int == 1, "\(judges.stdout)")
    }

    @Test(.enabled(if: ConsoleEndToEndTests.hasTmux, "tmux is needed (CI installs it)"))
    func aBranchMakesEveryPaneGoOnFromOneAnswerAndTheHistoryShowsIt() async throws {
        let environment = try StorageCLITests.environment()
        let tmux = try await Self.start(environment: environment, width: 140, height: 36)
        defer { _ = try? tmux.run(["kill-server"]) }
        try Self.type("Name a river", tmux)
        _ = try await tmux.waitFor("both answers", seconds: 30) { $0.components(separatedBy: "done: stop").count == 3 }
        try Self.type("/branch 2", tmux)
        var screen = try await tmux.waitFor("the branch in both panes", seconds: 30) { $0.components(separatedBy: "↱ branch").count == 3 }
        #expect(screen.contains("every pane continues from sim:balanced's answer"))
        try Self.type("Go on", tmux)
        screen = try await tmux.waitFor("both answers after the branch", seconds: 30) {
            $0.contains("› Go on") && $0.components(separatedBy: "done: stop").count == 3 // a long answer may scroll its prompt away
        }
        try tmux.run(["send-keys", "-t", "t", "C-q"])
        _ = try await tmux.waitFor("the exit status", seconds: 30) { $0.contains("GENESIS_EXIT=0") }

        let history = try #require(try await CLI.run(["history", "--json"], environment: environment).json)
        let id = try #require((history["conversations"] as? [[String: Any]])?.first?["id"] as? String)
        let shown = try #require(try await CLI.run(["history", "show", id, "--json"], environment: environment).json)
        let branches = try #require(shown["branches"] as? [[String: Any]])
        #expect(branches.count == 1 && branches.first?["model"] as? String == "sim:balanced" && branches.first?["after_message"] as? Int == 2)
        let markdown = try await CLI.run(["export", id], environment: environment).stdout
        #expect(markdown.contains("> **Branch:** from here every model continues from sim:balanced's answer."), "\(markdown)")
    }
}
