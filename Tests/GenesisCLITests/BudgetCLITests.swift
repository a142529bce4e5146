import Foundation
import GenesisTestSupport
import Testing

/// Hard budgets through real processes sharing one database: each request is booked in the
/// ledger before it is sent, so processes starting at once cannot all pass the budget.
///
/// Requests go to a fake OpenAI at gpt-4o-mini's price: `hi` with `--max-tokens 100` books
/// 5 prompt tokens at $0.15/M and 100 answer tokens at $0.60/M, $0.00006075.
@Suite("Hard budgets across processes")
struct BudgetCLITests {
    /// A fake OpenAI: `answer` streams the fixture answer (1M + 1M tokens, $0.75), otherwise it
    /// takes each request and never answers.
    static func server(answering answer: Bool) async throws -> FakeServer {
        try await FakeServer { request in
            guard request.uri == "/v1/chat/completions" else { return .init(status: 404, chunks: [Array("no route".utf8)]) }
            if answer { return .init(headers: [("content-type", "text/event-stream")], chunks: [Array(ProviderCLITests.openAIStream.utf8)]) }
            return .init(headers: [("content-type", "text/event-stream")], delay: .hours(1))
        }
    }

    static func environment(_ server: FakeServer, dollarsPerDay: Double) throws -> [String: String] {
        var environment = try StorageCLITests.environment(config: """
            [[budgets]]
            period = "day"
            dollars = \(dollarsPerDay)
            """)
        environment["OPENAI_API_KEY"] = "sk-test-0123456789abcdef"
        environment["OPENAI_BASE_URL"] = server.baseURL + "/v1"
        environment["GENESIS_DISCOVER_LOCAL"] = "0"
        return environment
    }

    static func sent(_ server: FakeServer) -> Int { server.requests.count { $0.uri == "/v1/chat/completions" } }

    /// Polls (bounded) until `done` holds: the processes work on their own.
    static func waitUntil(_ done: () -> Bool) async throws {
        for _ in 0..<1200 where !done() { try await Task.sleep(for: .milliseconds(50)) }
    }

    @Test("a budget's alert is said on standard error by the ask that crosses it, without --verbose, and the answer on standard output is untouched; usage shows the request's latency")
    func alertsReachTheTerminal() async throws {
        var environment = try StorageCLITests.environment(simTokensPerDay: 10, hard: false)
        environment["GENESIS_SIM_SPEED"] = "0"
        environment["GENESIS_DISCOVER_LOCAL"] = "0"
        let first = try await CLI.run(["ask", "-m", "sim:fast", "Say something about tea"], environment: environment)
        #expect(first.status == 0 && !first.stdout.isEmpty && !first.stdout.contains("budget"))
        let alert = first.stderr.split(separator: "\n").first { $0.hasPrefix("genesis: budget sim daily 10 tokens (soft): 100% used (") }
        #expect(alert?.hasSuffix("of 10 tokens); over budget") == true, "\(first.stderr)")
        #expect(!first.stderr.contains(" warning genesis"), "only the alert, not the log's other lines")
        let second = try await CLI.run(["ask", "-m", "sim:fast", "And about coffee?"], environment: environment)
        #expect(second.status == 0 && !second.stderr.contains("genesis: budget"), "a threshold an earlier run crossed is not said again: \(second.stderr)")
        let usage = try #require(try await CLI.run(["usage", "--json"], environment: environment).json)
        let group = try #require((usage["groups"] as? [[String: Any]])?.first)
        #expect((group["latency_ms"] as? [String: Any])?["p50"] is Int && (group["ttft_ms"] as? [String: Any])?["p50"] is Int, "\(group)")
        #expect((group["errors_by_type"] as? [String: Any])?.isEmpty == true)
        let text = try await CLI.run(["usage"], environment: environment).stdout
        #expect(text.hasPrefix("provider") && text.contains("latency p50") && text.contains("ttft p50"), "\(text)")
    }

    @Test("ten `genesis ask` processes at once under a daily budget with room for three: three requests are sent, seven exit 9 unsent")
    func concurrentProcesses() async throws {
        let server = try await Self.server(answering: false)
        let environment = try Self.environment(server, dollarsPerDay: 0.0002)
        let asks = try (0..<10).map { _ in try CLI.start(["ask", "-m", "openai:gpt-4o-mini", "--max-tokens", "100", "hi"], environment: environment) }
        // Each process is refused (and exits) or sends its request (and waits for an answer that never comes).
        try await Self.waitUntil { Self.sent(server) + asks.count { !$0.isRunning } >= 10 }
        let refused = asks.filter { !$0.isRunning }
        let waiting = asks.filter(\.isRunning)
        for ask in waiting { ask.killNine() }
        #expect(Self.sent(server) == 3)
        #expect(refused.count == 7)
        for ask in refused {
            #expect(ask.process.terminationStatus == 9)
            #expect(ask.standardError.contains("budget exceeded: overall daily $0.000200 (spent $0, reserved $0.000182 by requests not yet finished; this request could use up to $0.000061, more than the $0.000018 left of $0.000200)"),
                    "\(ask.standardError)")
        }
        // The three killed mid-request stay booked at their estimates.
        let usage = try #require(try await CLI.run(["usage", "--json"], environment: environment).json)
        let total = try #require(usage["total"] as? [String: Any])
        #expect(total["pending"] as? Int == 3 && total["refused"] as? Int == 7)
        let budget = try #require((usage["budgets"] as? [[String: Any]])?.first)
        #expect(abs((budget["reserved_usd"] as? Double ?? 0) - 3 * 0.00006075) < 1e-12)
        await server.shutdown()
    }

    @Test("a request killed with kill -9 after it was sent stays in the ledger, unfinished, and the budget counts it")
    func killedRequestCounts() async throws {
        let server = try await Self.server(answering: false)
        let environment = try Self.environment(server, dollarsPerDay: 0.0001) // room for one
        let ask = try CLI.start(["ask", "-m", "openai:gpt-4o-mini", "--max-tokens", "100", "hi"], environment: environment)
        try await Self.waitUntil { Self.sent(server) == 1 }
        #expect(Self.sent(server) == 1)
        ask.killNine()

        let usage = try #require(try await CLI.run(["usage", "--json"], environment: environment).json)
        #expect((usage["total"] as? [String: Any])?["pending"] as? Int == 1)
        let budget = try #require((usage["budgets"] as? [[String: Any]])?.first)
        #expect(abs((budget["reserved_usd"] as? Double ?? 0) - 0.00006075) < 1e-12)
        let text = try await CLI.run(["usage"], environment: environment).stdout
        #expect(text.contains("1 request(s) unfinished (running now, or their process ended before they did): booked at up to $0.000061, which budgets count"))

        let next = try await CLI.run(["ask", "-m", "openai:gpt-4o-mini", "--max-tokens", "100", "hi"], environment: environment)
        #expect(next.status == 9 && next.stderr.contains("reserved $0.000061 by requests not yet finished"), "\(next.stderr)")
        #expect(Self.sent(server) == 1)
        await server.shutdown()
    }

    @Test("one `genesis compare` of five models under a budget with room for one sends one request; the other four fail unsent, exit 9")
    func compareOfFive() async throws {
        let server = try await Self.server(answering: true)
        let environment = try Self.environment(server, dollarsPerDay: 0.0001)
        let models = ["gpt-4o-mini", "gpt-4o-mini-a", "gpt-4o-mini-b", "gpt-4o-mini-c", "gpt-4o-mini-d"] // one price
        let result = try await CLI.run(["compare"] + models.flatMap { ["-m", "openai:\($0)"] } + ["--max-tokens", "100", "--json", "hi"],
                                       environment: environment)
        #expect(result.status == 9, "\(result.stderr)")
        let results = try #require(result.json?["results"] as? [[String: Any]])
        #expect(results.count { $0["text"] as? String == "Hello from OpenAI 🍵" } == 1)
        let errors = results.compactMap { $0["error"] as? [String: Any] }
        #expect(errors.count == 4 && errors.allSatisfy { $0["type"] as? String == "budget_exceeded" })
        #expect(Self.sent(server) == 1)
        await server.shutdown()
    }
}

extension CLI {
    /// A `genesis` process started and left running; its standard error is read once it ends.
    final class Started {
        let process: Process
        private let errors: Pipe

        init(process: Process, errors: Pipe) {
            self.process = process
            self.errors = errors
        }

        var isRunning: Bool { process.isRunning }
        var standardError: String { String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }

        /// `kill -9`, and waits for it to be gone.
        func killNine() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Starts the binary as ``run(_:stdin:environment:)`` would, without waiting for it.
    static func start(_ arguments: [String], environment extra: [String: String]) throws -> Started {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for key in ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"] { environment[key] = home.path }
        environment["GENESIS_SIM_SPEED"] = "0"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Started(process: process, errors: errors)
    }
}
