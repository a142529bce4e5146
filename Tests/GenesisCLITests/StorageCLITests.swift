import Foundation
import Testing

/// History, export, usage and budgets through the binary, each test on its own database.
@Suite("genesis history, export, usage and budgets")
struct StorageCLITests {
    /// A fresh data directory (the database lives under it) and, when given, a config file.
    static func environment(config: String? = nil) throws -> [String: String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-storage-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var environment = ["XDG_DATA_HOME": directory.path, "XDG_STATE_HOME": directory.path]
        if let config {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("genesis"), withIntermediateDirectories: true)
            try config.write(to: directory.appendingPathComponent("genesis/config.toml"), atomically: true, encoding: .utf8)
            environment["XDG_CONFIG_HOME"] = directory.path
        }
        return environment
    }

    /// A fresh home whose configuration has one daily token budget, on `sim`.
    static func environment(simTokensPerDay tokens: Int, hard: Bool = true) throws -> [String: String] {
        try environment(config: "[[budgets]]\nprovider = \"sim\"\nperiod = \"day\"\ntokens = \(tokens)\nhard = \(hard)\n")
    }

    @Test("a deterministic answer is served from the cache by the next process; --cache never asks the model again, --cache always caches at any temperature")
    func cacheFlag() async throws {
        var environment = try Self.environment()
        environment["GENESIS_SIM_SPEED"] = "0"
        environment["GENESIS_DISCOVER_LOCAL"] = "0"
        func cached(_ flags: [String]) async throws -> Bool? {
            let run = try await CLI.run(["ask", "--json", "-m", "sim:fast"] + flags + ["What is a token bucket?"], environment: environment)
            return run.json?["cached"] as? Bool
        }
        #expect(try await cached(["--temperature", "0"]) == false)
        #expect(try await cached(["--temperature", "0"]) == true)
        #expect(try await cached(["--temperature", "0", "--cache", "never"]) == false)
        #expect(try await cached(["--temperature", "0.7"]) == false)
        #expect(try await cached(["--temperature", "0.7", "--cache", "always"]) == false)
        #expect(try await cached(["--temperature", "0.7", "--cache", "always"]) == true)
        let wrong = try await CLI.run(["ask", "--cache", "sometimes", "hi"], environment: environment)
        #expect(wrong.status != 0 && wrong.stderr.contains("sometimes"), "\(wrong.stderr)")
    }

    @Test("ask and compare are recorded: history lists them, export gives the prompt and every answer, usage sums the ledger")
    func askAndCompareAreRecorded() async throws {
        let env = try Self.environment()
        #expect(try await CLI.run(["ask", "-m", "sim:fast", "--max-tokens", "30", "What is WAL?"], environment: env).status == 0)
        #expect(try await CLI.run(["compare", "-m", "sim:fast", "-m", "sim:deep", "--max-tokens", "20", "Compare B-trees"], environment: env).status == 0)

        let history = try #require(try await CLI.run(["history", "--json"], environment: env).json)
        let conversations = try #require(history["conversations"] as? [[String: Any]])
        #expect(conversations.map { $0["title"] as? String } == ["Compare B-trees", "What is WAL?"])
        #expect(conversations[0]["models"] as? [String] == ["sim:fast", "sim:deep"])
        #expect(conversations[0]["source"] as? String == "compare" && conversations[0]["messages"] as? Int == 3)

        let id = try #require(conversations[1]["id"] as? String)
        let exported = try #require(try await CLI.run(["export", String(id.prefix(8)), "--format", "json"], environment: env).json)
        let messages = try #require(exported["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["user", "assistant"])
        #expect(messages[0]["content"] as? String == "What is WAL?")
        #expect(messages[1]["status"] as? String == "complete" && messages[1]["finish_reason"] as? String == "length")
        #expect((messages[1]["usage"] as? [String: Any])?["output_tokens"] as? Int == 30)
        #expect(((messages[1]["parameters"] as? [String: Any])?["max_tokens"] as? Int) == 30)

        let markdown = try await CLI.run(["export", id, "--format", "md"], environment: env).stdout
        #expect(markdown.hasPrefix("# What is WAL?") && markdown.contains("**Prompt:** What is WAL?") && markdown.contains("### sim:fast"))

        let usage = try #require(try await CLI.run(["usage", "--by", "model", "--json"], environment: env).json)
        let groups = try #require(usage["groups"] as? [[String: Any]])
        #expect(groups.map { $0["key"] as? String } == ["sim:deep", "sim:fast"])
        let total = try #require(usage["total"] as? [String: Any])
        #expect(total["requests"] as? Int == 3)
        #expect(total["output_tokens"] as? Int == groups.reduce(0) { $0 + ($1["output_tokens"] as? Int ?? 0) })
        #expect(total["output_tokens"] as? Int == 30 + 20 + 20)
    }

    @Test("--no-history records nothing")
    func noHistory() async throws {
        let env = try Self.environment()
        #expect(try await CLI.run(["ask", "--no-history", "-m", "sim:fast", "private"], environment: env).status == 0)
        let history = try #require(try await CLI.run(["history", "--json"], environment: env).json)
        #expect((history["conversations"] as? [Any])?.isEmpty == true)
        #expect((try await CLI.run(["usage", "--json"], environment: env).json?["total"] as? [String: Any])?["requests"] as? Int == 0)
    }

    @Test("after kill -9 mid-stream, the prompt and the answer up to the last save are there, marked incomplete")
    func killedMidStream() async throws {
        var env = try Self.environment()
        env["GENESIS_SIM_SPEED"] = "0.25" // a quarter of real time: the answer takes about forty seconds
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["ask", "-m", "sim:deep", "--max-tokens", "3000", "Write a long essay about crash safety"]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = CLI.home.path
        for (key, value) in env { environment[key] = value }
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-killed-\(UUID()).txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed once text has streamed for a few seconds (a save a second), not after a fixed
        // sleep: on a loaded machine a sleeping test can wake after the answer has ended.
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(60) {
            let shown = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
            if shown >= 100, ContinuousClock.now - started >= .milliseconds(3500) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try handle.close()
        let printed = try String(contentsOf: output, encoding: .utf8)

        let history = try #require(try await CLI.run(["history", "--json"], environment: env).json)
        let id = try #require((history["conversations"] as? [[String: Any]])?.first?["id"] as? String)
        let conversation = try #require(try await CLI.run(["history", "show", id, "--json"], environment: env).json)
        let messages = try #require(conversation["messages"] as? [[String: Any]])
        #expect(messages.first?["content"] as? String == "Write a long essay about crash safety")
        let answer = try #require(messages.last)
        #expect(answer["status"] as? String == "incomplete")
        let saved = answer["content"] as? String ?? ""
        #expect(!saved.isEmpty, "at least two seconds of streamed text were saved")
        #expect(printed.hasPrefix(saved), "what was saved is what was shown, up to the last save")
    }

    @Test("a hard token budget refuses the next request with exit 9, naming the budget; usage shows it used up")
    func budgetRefuses() async throws {
        let env = try Self.environment(simTokensPerDay: 40)
        // A request books its prompt (6 tokens here) and its max tokens: 6 + 34 is the whole budget.
        #expect(try await CLI.run(["ask", "-m", "sim:fast", "--max-tokens", "34", "spend it"], environment: env).status == 0)
        let refused = try await CLI.run(["ask", "-m", "sim:fast", "one more"], environment: env)
        #expect(refused.status == 9)
        #expect(refused.stderr.contains("budget exceeded: sim daily 40 tokens (spent 40, reserved 0 by requests not yet finished: nothing left of 40 tokens); the request was not sent"),
                "\(refused.stderr)")
        let usage = try #require(try await CLI.run(["usage", "--json"], environment: env).json)
        let budget = try #require((usage["budgets"] as? [[String: Any]])?.first)
        #expect((budget["used"] as? Double ?? 0) >= 1)
        #expect((usage["total"] as? [String: Any])?["refused"] as? Int == 1)
    }

    @Test("--no-history does not get around a hard budget: usage rows are kept for it, conversations are not")
    func budgetHoldsWithoutHistory() async throws {
        let env = try Self.environment(config: """
            [[budgets]]
            provider = "sim"
            period = "day"
            tokens = 40
            """)
        #expect(try await CLI.run(["ask", "--no-history", "-m", "sim:fast", "--max-tokens", "34", "spend it"], environment: env).status == 0)
        let refused = try await CLI.run(["ask", "--no-history", "-m", "sim:fast", "one more"], environment: env)
        #expect(refused.status == 9 && refused.stderr.contains("budget exceeded: sim daily 40 tokens"))
        let history = try #require(try await CLI.run(["history", "--json"], environment: env).json)
        #expect((history["conversations"] as? [Any])?.isEmpty == true)
    }

    @Test("a budget without a limit or with a bad period is a configuration error naming the line and key")
    func budgetConfigErrors() async throws {
        let env = try Self.environment(config: """
            [[budgets]]
            period = "week"
            dollars = 5
            """)
        let result = try await CLI.run(["ask", "-m", "sim:fast", "hi"], environment: env)
        #expect(result.status == 2)
        #expect(result.stderr.contains("config.toml:2") && result.stderr.contains("budgets.period") && result.stderr.contains("\"day\" or \"month\""))
    }

    @Test("usage --since takes dates, today and day counts, and rejects anything else")
    func usageSince() async throws {
        let env = try Self.environment()
        #expect(try await CLI.run(["usage", "--since", "2026-01-01"], environment: env).status == 0)
        #expect(try await CLI.run(["usage", "--since", "7d", "--by", "day"], environment: env).status == 0)
        let bad = try await CLI.run(["usage", "--since", "last tuesday"], environment: env)
        #expect(bad.status == 2 && bad.stderr.contains("YYYY-MM-DD"))
    }
}
