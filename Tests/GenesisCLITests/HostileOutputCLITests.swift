import Foundation
import GenesisTestSupport
import Testing

/// What a hostile upstream can make Genesis write, and what happens when nothing can be written:
/// escape sequences never reach a terminal or a pipe unless `--raw` asks for them, held keys are
/// masked everywhere, and a closed or full standard output ends the command cleanly.
@Suite("hostile output: escape sequences, echoed keys, closed and full standard output")
struct HostileOutputCLITests {
    static let key = "sk-proj-HOSTILEkeyDoNotEcho0123456789abcdef"

    /// An OpenAI-style stream of `pieces`, one SSE event each, served as model `model`.
    static func stream(_ pieces: [String], model: String = "gpt-4o-mini") -> [[UInt8]] {
        func event(_ object: [String: Any]) -> [UInt8] {
            let data = try! JSONSerialization.data(withJSONObject: object)
            return Array("data: ".utf8) + Array(data) + Array("\n\n".utf8)
        }
        var chunks = pieces.map { piece in
            event(["id": "c1", "object": "chat.completion.chunk", "model": model,
                   "choices": [["index": 0, "delta": ["content": piece], "finish_reason": NSNull()]]])
        }
        chunks.append(event(["id": "c1", "object": "chat.completion.chunk", "model": model,
                             "choices": [["index": 0, "delta": [:] as [String: Any], "finish_reason": "stop"]],
                             "usage": ["prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12]]))
        chunks.append(Array("data: [DONE]\n\n".utf8))
        return chunks
    }

    /// The same answer as one chat completion.
    static func whole(_ text: String, model: String = "gpt-4o-mini") -> [UInt8] {
        let object: [String: Any] = ["id": "c1", "object": "chat.completion", "model": model,
                                     "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": "stop"]],
                                     "usage": ["prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12]]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    /// A server that answers streamed requests with `pieces` and whole ones with their text.
    static func upstream(_ pieces: [String], model: String = "gpt-4o-mini") async throws -> FakeServer {
        try await FakeServer { request in
            let body = String(decoding: request.body, as: UTF8.self)
            if body.contains("\"stream\":true") {
                return .init(headers: [("content-type", "text/event-stream")], chunks: stream(pieces, model: model))
            }
            return .init(headers: [("content-type", "application/json")], chunks: [whole(pieces.joined(), model: model)])
        }
    }

    static func environment(_ server: FakeServer) -> [String: String] {
        ["OPENAI_API_KEY": key, "OPENAI_BASE_URL": server.baseURL + "/v1", "GENESIS_DISCOVER_LOCAL": "0",
         "XDG_DATA_HOME": FileManager.default.temporaryDirectory.appendingPathComponent("genesis-hostile-\(UUID())").path]
    }

    /// A window title, a clipboard write and a screen clear, each cut across two deltas, and a
    /// CSI in its one-scalar C1 form.
    static let hostile = ["Hello \u{1B}]0;pwn", "ed\u{07}world\u{1B}]52;c;aGk=", "\u{1B}\\ and \u{1B}[2", "J done\u{9B}31m red\n"]
    static let escapeBytes: [Character] = ["\u{1B}", "\u{9B}", "\u{07}"]

    @Test("escape sequences in an answer are removed from ask (streamed and whole), compare, history show and export; --raw keeps them")
    func escapesRemoved() async throws {
        let server = try await Self.upstream(Self.hostile)
        defer { Task { await server.shutdown() } }
        let env = Self.environment(server)
        for arguments in [["ask", "-m", "openai:gpt-4o-mini", "hi"], ["ask", "--no-stream", "-m", "openai:gpt-4o-mini", "hi"],
                          ["compare", "-m", "openai:gpt-4o-mini", "-m", "sim:fast", "hi"]] {
            let result = try await CLI.run(arguments, environment: env)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains(where: Self.escapeBytes.contains), "\(arguments) wrote an escape: \(result.stdout.debugDescription)")
            #expect(result.stdout.contains("Hello world and  done red"), "\(arguments): \(result.stdout.debugDescription)")
        }
        let raw = try await CLI.run(["ask", "--raw", "-m", "openai:gpt-4o-mini", "hi"], environment: env)
        #expect(raw.stdout.hasPrefix(Self.hostile.joined()))

        let ids = (try await CLI.run(["history", "--json"], environment: env).json?["conversations"] as? [[String: Any]] ?? [])
            .compactMap { $0["id"] as? String }
        #expect(ids.count == 4)
        for id in ids {
            for arguments in [["history", "show", id], ["export", id, "--format", "md"]] {
                let shown = try await CLI.run(arguments, environment: env)
                #expect(shown.status == 0 && !shown.stdout.contains(where: Self.escapeBytes.contains), "\(arguments): \(shown.stdout.debugDescription)")
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-export-\(UUID()).md").path
            #expect(try await CLI.run(["export", id, "-o", file], environment: env).status == 0)
            #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains(where: Self.escapeBytes.contains))
        }
        let rawShow = try await CLI.run(["history", "show", "--raw", ids[0]], environment: env)
        #expect(rawShow.stdout.contains("\u{1B}]52;c;aGk="), "stored text is kept as the model gave it")
    }

    @Test("--json escapes C1 controls and DEL as well as C0, and stays valid JSON")
    func jsonEscapesC1() async throws {
        let server = try await Self.upstream(["a\u{9B}31mb\u{7F}c\u{1B}[0m"])
        defer { Task { await server.shutdown() } }
        let result = try await CLI.run(["ask", "--json", "-m", "openai:gpt-4o-mini", "hi"], environment: Self.environment(server))
        #expect(result.stdout.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) || $0 == "\n" })
        #expect(result.stdout.contains(#"\u009b31m"#) && result.stdout.contains(#"\u007f"#) && result.stdout.contains(#"\u001b"#))
        #expect(result.json?["text"] as? String == "a\u{9B}31mb\u{7F}c\u{1B}[0m", "the text itself is unchanged")
    }

    @Test("escape sequences in a provider's error message and in an HTML error page do not reach standard error")
    func errorsSanitized() async throws {
        let server = try await FakeServer { request in
            if request.uri.contains("chat") && String(decoding: request.body, as: UTF8.self).contains("html") {
                return .init(status: 502, headers: [("content-type", "text/html")],
                             chunks: [Array("<html><title>\u{1B}]0;owned\u{07}Bad gateway</title>\u{1B}[2J</html>".utf8)])
            }
            return .init(status: 400, headers: [("content-type", "application/json")],
                         chunks: [Array(#"{"error":{"message":"bad \u001b]52;c;aGk=\u0007request \u001b[2J","type":"invalid_request_error"}}"#.utf8)])
        }
        defer { Task { await server.shutdown() } }
        let env = Self.environment(server)
        for prompt in ["json", "html"] {
            let result = try await CLI.run(["ask", "--retries", "0", "-m", "openai:gpt-4o-mini", prompt], environment: env)
            #expect(result.status != 0)
            #expect(result.stderr.contains("genesis: error:"), "\(result.stderr)")
            #expect(!result.stderr.contains(where: Self.escapeBytes.contains), "\(prompt): \(result.stderr.debugDescription)")
        }
    }

    @Test("a held key echoed by the upstream is masked in streamed and whole answers (split across deltas, or without its sk- prefix), the served version, history and exports")
    func echoedKeysMasked() async throws {
        let bare = String(Self.key.dropFirst("sk-proj-".count))
        let pieces = ["Your key is sk-proj-HOSTILE", "keyDoNotEcho0123456789", "abcdef and again ", String(bare.prefix(10)), String(bare.dropFirst(10)), " end"]
        let server = try await Self.upstream(pieces, model: "gpt-4o-mini-\(Self.key)")
        defer { Task { await server.shutdown() } }
        let env = Self.environment(server)
        var everything = ""
        for arguments in [["ask", "--json", "-m", "openai:gpt-4o-mini", "hi"], ["ask", "-m", "openai:gpt-4o-mini", "hi"],
                          ["ask", "--no-stream", "--json", "-m", "openai:gpt-4o-mini", "hi"]] {
            let result = try await CLI.run(arguments, environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            everything += result.stdout + result.stderr
        }
        #expect(everything.contains("Your key is …cdef and again …cdef end"), "\(everything)")
        let json = try await CLI.run(["ask", "--json", "-m", "openai:gpt-4o-mini", "hi"], environment: env).json
        #expect(json?["served_version"] as? String == "gpt-4o-mini-…cdef")
        for id in (try await CLI.run(["history", "--json"], environment: env).json?["conversations"] as? [[String: Any]] ?? []).compactMap({ $0["id"] as? String }) {
            everything += try await CLI.run(["export", id, "--format", "json"], environment: env).stdout
            everything += try await CLI.run(["export", id, "--format", "md"], environment: env).stdout
        }
        let data = env["XDG_DATA_HOME"]! + "/genesis"
        for file in try FileManager.default.contentsOfDirectory(atPath: data) { // the database, its WAL and its journal
            everything += String(decoding: try Data(contentsOf: URL(fileURLWithPath: data + "/" + file)), as: UTF8.self)
        }
        #expect(!everything.contains(bare.dropLast(4)), "a key reached the output or the database")
    }

    /// Runs genesis with standard output on `stdout`; what it wrote to standard error and its status.
    static func run(_ arguments: [String], stdout: FileHandle, environment: [String: String],
                    whileRunning: @escaping @Sendable () throws -> Void = {}) async throws -> (status: Int32, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = CLI.binary
                    process.arguments = arguments
                    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                        .merging(["XDG_CONFIG_HOME": CLI.home.path, "XDG_DATA_HOME": CLI.home.path, "XDG_STATE_HOME": CLI.home.path,
                                  "GENESIS_SIM_SPEED": "0"]) { old, _ in old }
                    let err = Pipe()
                    process.standardOutput = stdout
                    process.standardError = err
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    try whileRunning()
                    let stderr = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
                })
            }
        }
    }

    @Test("a reader that goes away ends ask with exit 141 and no trap; the answer is recorded as cut off")
    func closedPipe() async throws {
        let server = try await FakeServer { _ in
            .init(headers: [("content-type", "text/event-stream")], chunks: Array(Self.stream(["a few words of an answer that goes on "]).dropLast(2)),
                  interval: .milliseconds(5), endless: true)
        }
        defer { Task { await server.shutdown() } }
        let env = Self.environment(server)
        let pipe = Pipe()
        let reader = pipe.fileHandleForReading
        let result = try await Self.run(["ask", "-m", "openai:gpt-4o-mini", "hi"], stdout: pipe.fileHandleForWriting, environment: env) {
            try pipe.fileHandleForWriting.close()
            _ = try reader.read(upToCount: 20) // `| head -c 20`
            try reader.close()
        }
        #expect(result.status == 141, "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"), "\(result.stderr)")
        let history = try await CLI.run(["history", "--json"], environment: env).json?["conversations"] as? [[String: Any]] ?? []
        let id = try #require(history.first?["id"] as? String)
        let messages = try await CLI.run(["export", id, "--format", "json"], environment: env).json?["messages"] as? [[String: Any]] ?? []
        let answer = try #require(messages.last)
        #expect(answer["status"] as? String == "cut_off")
        #expect((answer["content"] as? String ?? "").hasPrefix("a few words"))
        #expect(server.requests.count == 1)
    }

    @Test("listing commands and ask on a standard output nobody reads exit 141 quietly")
    func nobodyReads() async throws {
        for arguments in [["models"], ["ask", "-m", "sim:fast", "hi"], ["ask", "--json", "-m", "sim:fast", "hi"], ["history"]] {
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            let result = try await Self.run(arguments, stdout: pipe.fileHandleForWriting, environment: ["GENESIS_DISCOVER_LOCAL": "0"]) {
                try pipe.fileHandleForWriting.close()
            }
            #expect(result.status == 141, "\(arguments): \(result.stderr)")
            #expect(result.stderr.isEmpty || !result.stderr.contains("Fatal error"), "\(arguments): \(result.stderr)")
        }
    }

    @Test("a full disk (/dev/full) is an error naming ENOSPC with exit 74, not a trap")
    func fullDisk() async throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        for arguments in [["models"], ["ask", "-m", "sim:fast", "hi"]] {
            let result = try await Self.run(arguments, stdout: full, environment: ["GENESIS_DISCOVER_LOCAL": "0"])
            #expect(result.status == 74, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("cannot write to standard output: No space left on device (ENOSPC)"), "\(result.stderr)")
        }
    }
}

/// A model's reasoning at the command line: on standard error (standard output holds only the
/// answer), in `--json`, and beside the answer in history and exports.
@Suite("reasoning at the command line")
struct ReasoningCLITests {
    static func reasoningStream() -> [[UInt8]] {
        func event(_ delta: [String: Any], finish: Any = NSNull(), usage: [String: Any]? = nil) -> [UInt8] {
            var object: [String: Any] = ["id": "c1", "object": "chat.completion.chunk", "model": "deepseek-reasoner",
                                         "choices": [["index": 0, "delta": delta, "finish_reason": finish]]]
            if let usage { object["usage"] = usage }
            return Array("data: ".utf8) + Array(try! JSONSerialization.data(withJSONObject: object)) + Array("\n\n".utf8)
        }
        return [event(["reasoning_content": "Nine is three "]), event(["reasoning_content": "squared."]), event(["content": "√9 = 3"]),
                event([:], finish: "stop", usage: ["prompt_tokens": 14, "completion_tokens": 30,
                                                   "prompt_tokens_details": ["cached_tokens": 8], "completion_tokens_details": ["reasoning_tokens": 22]]),
                Array("data: [DONE]\n\n".utf8)]
    }

    @Test("ask prints reasoning to standard error and only the answer to standard output; --json and exports carry it apart")
    func reasoningApart() async throws {
        let server = try await FakeServer { _ in .init(headers: [("content-type", "text/event-stream")], chunks: Self.reasoningStream()) }
        defer { Task { await server.shutdown() } }
        let env = HostileOutputCLITests.environment(server)
        let plain = try await CLI.run(["ask", "-m", "openai:gpt-4o-mini", "root of nine?"], environment: env)
        #expect(plain.status == 0 && plain.stdout == "√9 = 3\n")
        #expect(plain.stderr.contains("Nine is three squared."))
        let hidden = try await CLI.run(["ask", "--hide-reasoning", "-m", "openai:gpt-4o-mini", "root of nine?"], environment: env)
        #expect(hidden.stdout == "√9 = 3\n" && !hidden.stderr.contains("squared"))
        let json = try #require(try await CLI.run(["ask", "--json", "-m", "openai:gpt-4o-mini", "root of nine?"], environment: env).json)
        #expect(json["text"] as? String == "√9 = 3" && json["reasoning"] as? String == "Nine is three squared.")
        let usage = try #require(json["usage"] as? [String: Any])
        #expect(usage["cached_input_tokens"] as? Int == 8 && usage["reasoning_tokens"] as? Int == 22)
        let id = try #require((try await CLI.run(["history", "--json"], environment: env).json?["conversations"] as? [[String: Any]])?.first?["id"] as? String)
        let exported = try await CLI.run(["export", id, "--format", "md"], environment: env).stdout
        #expect(exported.contains("<details>\n<summary>Reasoning") && exported.contains("Nine is three squared.") && exported.contains("√9 = 3"))
        let messages = try await CLI.run(["export", id, "--format", "json"], environment: env).json?["messages"] as? [[String: Any]] ?? []
        #expect(messages.last?["reasoning"] as? String == "Nine is three squared." && messages.last?["content"] as? String == "√9 = 3")
    }
}
