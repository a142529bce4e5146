import Foundation
import Testing

/// Runs the built `genesis` binary the way a script would.
struct CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }
        /// Standard output as JSON lines, one object each.
        var jsonLines: [[String: Any]] {
            stdout.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        }
    }

    static let binary: URL = {
        // The test bundle sits in the same build folder as the executables.
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("genesis")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/genesis")
    }()

    /// An empty configuration home, so a developer's own config never leaks into tests.
    static let home = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-cli-tests-\(UUID())")

    static func run(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) async throws -> Output {
        try await runBytes(arguments, stdin: stdin.map { Array($0.utf8) }, environment: extra)
    }

    /// Runs the binary on a thread of its own: waiting for a process must not hold one of the
    /// few threads Swift concurrency has (other tests' async work would stall behind it).
    static func runBytes(_ arguments: [String], stdin: [UInt8]?, environment extra: [String: String] = [:]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(arguments, stdin: stdin, environment: extra) })
            }
        }
    }

    static func runBlocking(_ arguments: [String], stdin: [UInt8]?, environment extra: [String: String]) throws -> Output {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = home.path
        environment["XDG_DATA_HOME"] = home.path
        environment["XDG_STATE_HOME"] = home.path
        environment["GENESIS_SIM_SPEED"] = "0"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("genesis CLI contract")
struct CLITests {
    @Test func askStreamsTheAnswerToStandardOutput() async throws {
        let result = try await CLI.run(["ask", "--model", "sim:fast", "--temperature", "0", "Explain token buckets"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("token") && result.stdout.hasSuffix("\n"))
    }

    @Test func askJSONHasEveryFieldOfTheContract() async throws {
        let result = try await CLI.run(["ask", "--provider", "sim", "--model", "balanced", "--max-tokens", "12", "--json", "hello world"])
        #expect(result.status == 0)
        let json = try #require(result.json)
        #expect(json["provider"] as? String == "sim" && json["model"] as? String == "balanced")
        #expect((json["text"] as? String)?.isEmpty == false)
        #expect(json["finish_reason"] as? String == "length")
        let usage = try #require(json["usage"] as? [String: Any])
        #expect(usage["output_tokens"] as? Int == 12 && (usage["input_tokens"] as? Int ?? 0) > 0)
        #expect(json["cost_usd"] as? Double == 0)
        #expect(json["latency_ms"] is Int && json["ttft_ms"] is Int)
        #expect((json["fallbacks"] as? [Any])?.isEmpty == true)
        #expect(json["simulated"] as? Bool == true)
    }

    @Test func noStreamGivesTheSameShapeWithoutTimeToFirstToken() async throws {
        let json = try #require(try await CLI.run(["ask", "-m", "sim:fast", "--no-stream", "--json", "hi there"]).json)
        #expect(json["finish_reason"] as? String == "stop" && json["ttft_ms"] is NSNull)
    }

    @Test func thePromptCanComeFromStandardInput() async throws {
        let piped = try await CLI.run(["ask", "-m", "sim:fast", "--json"], stdin: "Describe kubernetes operators")
        #expect((piped.json?["text"] as? String)?.lowercased().contains("kubernetes") == true)
        let dash = try await CLI.run(["ask", "-m", "sim:fast", "--json", "-"], stdin: "Describe haskell monads")
        #expect((dash.json?["text"] as? String)?.lowercased().contains("haskell") == true)
    }

    @Test func anUnknownModelExitsFiveWithAJSONError() async throws {
        let result = try await CLI.run(["ask", "-m", "sim:gpt-17", "--json", "hi"])
        #expect(result.status == 5)
        let error = try #require(result.json?["error"] as? [String: Any])
        #expect(error["type"] as? String == "model_not_found")
        #expect(error["provider"] as? String == "sim" && error["model"] as? String == "gpt-17")
        #expect(error["status"] as? Int == 404)
        #expect((error["message"] as? String)?.contains("genesis models") == true)
        #expect(error["retry_after_s"] is NSNull)
    }

    @Test func aContextTooLongRequestExitsEight() async throws {
        let result = try await CLI.run(["ask", "-m", "sim:tiny", "--json", "-"], stdin: String(repeating: "many words here ", count: 800))
        #expect(result.status == 8)
        #expect((result.json?["error"] as? [String: Any])?["type"] as? String == "context_length_exceeded")
    }

    @Test func anUnknownProviderIsAUsageErrorExitingTwo() async throws {
        let result = try await CLI.run(["ask", "-m", "nowhere:x", "hi"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown provider \"nowhere\""))
    }

    @Test(arguments: [["ask", "--temperature", "5", "hi"], ["ask", "--max-tokens", "0", "hi"], ["compare", "hi"], ["ask", "--bogus"]])
    func badArgumentsExitTwoWithAMessage(arguments: [String]) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test func aBrokenConfigFileIsNamedWithItsLine() async throws {
        let file = CLI.home.appendingPathComponent("broken.toml")
        try FileManager.default.createDirectory(at: CLI.home, withIntermediateDirectories: true)
        try "[providers.sim]\nrequests_per_minute = -1\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await CLI.run(["ask", "--config", file.path, "hi"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("broken.toml:2 providers.sim.requests_per_minute: must be a positive integer"))
    }

    @Test func aFallbackServesWhenThePrimaryFails() async throws {
        // sim:tiny refuses the long prompt (context too long, not retried); sim:fast answers it.
        let result = try await CLI.run(["ask", "-m", "sim:tiny", "--fallback", "sim:fast", "--json", "-"], stdin: String(repeating: "long prompt words ", count: 800))
        #expect(result.status == 0)
        let json = try #require(result.json)
        #expect(json["model"] as? String == "fast")
        let fallbacks = try #require(json["fallbacks"] as? [[String: Any]])
        #expect(fallbacks.count == 1 && fallbacks[0]["model"] as? String == "tiny" && fallbacks[0]["type"] as? String == "context_length_exceeded")
    }

    @Test func compareAsksEveryModelAndReportsEachOutcome() async throws {
        let result = try await CLI.run(["compare", "--model", "sim:fast", "--model", "sim:deep", "--model", "sim:nope", "--json", "Compare sorting algorithms"])
        #expect(result.status == 5) // the first failure's exit code
        let results = try #require(result.json?["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results[0]["model"] as? String == "fast" && results[0]["text"] is String)
        #expect(results[1]["model"] as? String == "deep" && results[1]["finish_reason"] as? String == "stop")
        #expect((results[2]["error"] as? [String: Any])?["type"] as? String == "model_not_found")
    }

    @Test func compareInTextShowsEachModelLabelled() async throws {
        let result = try await CLI.run(["compare", "-m", "sim:fast", "-m", "sim:balanced", "--max-tokens", "10", "hello"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("── sim:fast (simulated) ──") && result.stdout.contains("── sim:balanced (simulated) ──"))
    }

    @Test func modelsListsTheSimulatedProvider() async throws {
        let result = try await CLI.run(["models", "--json"])
        #expect(result.status == 0)
        let models = try #require(result.json?["models"] as? [[String: Any]])
        #expect(models.compactMap { $0["id"] as? String }.contains("sim:balanced"))
        #expect(models.allSatisfy { $0["provider"] as? String == "sim" && $0["simulated"] as? Bool == true })
        #expect(models.first { $0["id"] as? String == "sim:tiny" }?["context_window"] as? Int == 2048)
    }

    @Test func theSeedsJSONConfigPicksTheDefaultModel() async throws {
        let file = CLI.home.appendingPathComponent("seed.json")
        try FileManager.default.createDirectory(at: CLI.home, withIntermediateDirectories: true)
        try #"{"model_config": {"provider": "sim", "model": "fast", "max_tokens": 5, "temperature": 0.7, "rate_limits": {"requests_per_minute": 200, "tokens_per_minute": 40000}}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let json = try #require(try await CLI.run(["ask", "--config", file.path, "--json", "hi"]).json)
        #expect(json["model"] as? String == "fast" && (json["usage"] as? [String: Any])?["output_tokens"] as? Int == 5)
    }

    @Test func helpDescribesTheExitCodes() async throws {
        let result = try await CLI.run(["--help"])
        #expect(result.status == 0 && result.stdout.contains("Exit codes:") && result.stdout.contains("budget exceeded"))
    }
}
