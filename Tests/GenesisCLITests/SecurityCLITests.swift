import Foundation
import GenesisTestSupport
import Testing

/// Keys never leak; keys.toml must be private; content rules and input checks at the command line.
@Suite("genesis keys, keys.toml and content rules")
struct SecurityCLITests {
    static let environmentKey = "sk-proj-ENVKEYdoNotLeak0123456789abcdef"
    static let fileKey = "sk-proj-FILEKEYdoNotLeak9876543210fedcba"

    /// A home with a private keys.toml holding `fileKey`, and a config file.
    static func home(config: String = "", keysMode: Int = 0o600) throws -> (URL, [String: String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-security-\(UUID())")
        let configDirectory = directory.appendingPathComponent("config/genesis")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: configDirectory.appendingPathComponent("keys.toml").path,
                                       contents: Data("[openai]\nkey = \"\(fileKey)\"\n".utf8), attributes: [.posixPermissions: keysMode])
        try config.write(to: configDirectory.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        return (directory, ["XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
                            "XDG_DATA_HOME": directory.appendingPathComponent("data").path,
                            "XDG_STATE_HOME": directory.appendingPathComponent("state").path,
                            "GENESIS_DISCOVER_LOCAL": "0"])
    }

    @Test("no key reaches the database, the log, exports, error messages or any output, even when the provider echoes it")
    func noKeyAnywhere() async throws {
        let stream = """
            data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"fine"},"finish_reason":"stop"}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}

            data: [DONE]


            """
        let server = try await FakeServer { request in
            let key = String((request.header("authorization") ?? "").dropFirst("Bearer ".count))
            let body = String(decoding: request.body, as: UTF8.self)
            if request.uri == "/v1/chat/completions", body.contains("\"stream\":true"), body.contains("works") {
                return .init(headers: [("content-type", "text/event-stream")], chunks: [Array(stream.utf8)])
            }
            // The worst case: a provider that quotes the whole key back.
            return .init(status: 401, headers: [("content-type", "application/json")],
                         chunks: [Array(#"{"error":{"message":"Incorrect API key provided: \#(key). Key \#(key) is invalid.","type":"invalid_request_error","code":"invalid_api_key"}}"#.utf8)])
        }
        defer { Task { await server.shutdown() } }
        let (directory, base) = try Self.home()
        var env = base
        env["OPENAI_API_KEY"] = Self.environmentKey
        env["OPENAI_BASE_URL"] = server.baseURL + "/v1"

        var outputs: [String] = []
        func run(_ arguments: [String]) async throws -> CLI.Output {
            let result = try await CLI.run(arguments, environment: env)
            outputs += [result.stdout, result.stderr]
            return result
        }
        #expect(try await run(["ask", "-m", "openai:gpt-4o-mini", "--verbose", "this works"]).status == 0)
        let rejected = try await run(["ask", "-m", "openai:gpt-4o-mini", "--verbose", "--json", "rejected"])
        #expect(rejected.status == 3)
        #expect(try await run(["ask", "-m", "openai:gpt-4o-mini", "--verbose", "--no-stream", "rejected"]).status == 3)
        _ = try await run(["models", "--json"])
        _ = try await run(["history", "--json"])
        let ids = (try await run(["history", "--json"]).json?["conversations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.count == 3)
        for id in ids {
            _ = try await run(["export", id, "--format", "json"])
            _ = try await run(["export", id, "--format", "md"])
        }
        _ = try await run(["usage", "--json"])
        let keys = try await run(["keys", "--json"])
        #expect(keys.stdout.contains("…cdef") && keys.stdout.contains("…dcba"))
        // The ledger knows which key served: by id, never by value.
        let keyList = keys.json?["keys"] as? [[String: Any]] ?? []
        #expect(keyList.contains { ($0["uses"] as? Int ?? 0) >= 1 })

        var written: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let file = enumerator?.nextObject() as? String {
            let path = directory.appendingPathComponent(file).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  !file.hasSuffix("keys.toml") else { continue }
            written[file] = FileManager.default.contents(atPath: path)
        }
        #expect(written.keys.contains { $0.hasSuffix("genesis.sqlite") } && written.keys.contains { $0.hasSuffix("genesis.log") })
        let log = String(decoding: written.first(where: { $0.key.hasSuffix("genesis.log") })?.value ?? Data(), as: UTF8.self)
        #expect(log.contains("attempt failed"))
        for secret in [Self.environmentKey, Self.fileKey] {
            for (file, data) in written {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) holds a key")
                #expect(data.range(of: Data(secret.dropLast(4).utf8)) == nil, "\(file) holds most of a key")
            }
            for output in outputs { #expect(!output.contains(secret.dropLast(4)), "an output holds a key") }
        }
    }

    @Test("a keys.toml readable by others stops every command that uses keys, with the chmod fix")
    func keysFileMustBePrivate() async throws {
        let (_, env) = try Self.home(keysMode: 0o644)
        let result = try await CLI.run(["ask", "-m", "sim:fast", "hi"], environment: env)
        #expect(result.status == 2)
        #expect(result.stderr.contains("keys.toml") && result.stderr.contains("chmod 600"))
        #expect(!result.stderr.contains(Self.fileKey.dropLast(4)))
    }

    @Test("content rules from the configuration: a blocked prompt exits 8 and is not sent; a redacted one is reported; neither match is stored")
    func contentRules() async throws {
        let (home, env) = try Self.home(config: """
            [[filters]]
            builtin = "card-number"
            action = "block"
            on = ["input"]

            [[filters]]
            name = "emails"
            builtin = "email"
            action = "redact"
            """)
        let blocked = try await CLI.run(["ask", "-m", "sim:fast", "charge 4242 4242 4242 4242 please"], environment: env)
        #expect(blocked.status == 8 && blocked.stderr.contains("content rule \"card-number\""))
        let redacted = try await CLI.run(["ask", "-m", "sim:fast", "--json", "email me at me@example.com"], environment: env)
        let filters = redacted.json?["filters"] as? [[String: Any]]
        #expect(filters?.first?["rule"] as? String == "emails" && filters?.first?["direction"] as? String == "input")
        let usage = try await CLI.run(["usage", "--json"], environment: env).json?["total"] as? [String: Any]
        #expect(usage?["refused"] as? Int == 1)
        // Both prompts are kept (nothing lost), but as the rules allow: the matches never reach
        // the database, its log, history or exports.
        let listed = try await CLI.run(["history", "--json"], environment: env).json?["conversations"] as? [[String: Any]] ?? []
        #expect(listed.count == 2)
        var exported = ""
        for conversation in listed {
            exported += try await CLI.run(["export", conversation["id"] as? String ?? "", "--format", "md"], environment: env).stdout
        }
        #expect(exported.contains("[blocked:card-number]") && exported.contains("[redacted:emails]"), "\(exported)")
        var written = Data()
        for file in FileManager.default.enumerator(atPath: home.path)?.compactMap({ $0 as? String }) ?? [] {
            written += FileManager.default.contents(atPath: home.appendingPathComponent(file).path) ?? Data()
        }
        let everything = String(decoding: written, as: UTF8.self) + exported
        #expect(!everything.contains("4242 4242 4242 4242") && !everything.contains("me@example.com"))
        let bad = try await CLI.run(["ask", "-m", "sim:fast", "hi"], environment: try Self.home(config: "[[filters]]\nbuiltin = \"phone\"\naction = \"redact\"\n").1)
        #expect(bad.status == 2 && bad.stderr.contains("config.toml:2") && bad.stderr.contains("email, card-number, api-key"))
    }

    @Test("a prompt argument that is not UTF-8 is refused with where the bad byte is, not sent with replacement characters")
    func argumentNotUTF8() async throws {
        let (_, env) = try Self.home()
        // Foundation passes arguments as Strings, so the shell writes the raw byte 0xFF.
        let (status, stderr): (Int32, String) = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", #"exec "$0" ask -m sim:fast "$(printf 'hi \377!')""#, CLI.binary.path]
                process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
                let pipe = Pipe()
                process.standardError = pipe
                process.standardOutput = FileHandle.nullDevice
                do {
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch { continuation.resume(throwing: error) }
            }
        }
        #expect(status == 8 && stderr.contains("prompt argument is not valid UTF-8") && stderr.contains("offset 3"), "\(stderr)")
    }

    @Test("standard input that is not UTF-8 is refused with where the bad byte is; a JSON answer is checked")
    func inputAndJSON() async throws {
        let (_, env) = try Self.home()
        let invalid = try await CLI.runBytes(["ask", "-m", "sim:fast"], stdin: [0x68, 0x69, 0x20, 0xFF, 0x21], environment: env)
        #expect(invalid.status == 8 && invalid.stderr.contains("not valid UTF-8") && invalid.stderr.contains("offset 3"))
        let json = try await CLI.run(["ask", "-m", "sim:fast", "--expect-json", "--json", "cats as JSON"], environment: env).json
        #expect(json?["json_valid"] as? Bool == true)
        let cut = try await CLI.run(["ask", "-m", "sim:fast", "--expect-json", "--max-tokens", "3", "cats as JSON"], environment: env)
        #expect(cut.status == 0 && cut.stderr.contains("not valid JSON"))
    }
}
