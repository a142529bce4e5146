import Clocks
import Foundation
import GenesisEngine
import Synchronization
import Testing

/// A provider that streams the chunks it is given and records what it was sent.
final class ChunkedProvider: Provider {
    let name = "chunks"
    let chunks: [String]
    private let sent = Mutex<[ProviderRequest]>([])
    var requests: [ProviderRequest] { sent.withLock { $0 } }

    init(_ chunks: [String]) { self.chunks = chunks }

    func listModels() async throws -> [ModelInfo] { [ModelInfo(id: ModelID(provider: name, model: "m"))] }

    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        sent.withLock { $0.append(request) }
        let (stream, continuation) = ProviderStream.makeStream()
        for chunk in chunks { continuation.yield(.text(chunk)) }
        continuation.yield(.usage(Usage(inputTokens: 5, outputTokens: 5)))
        continuation.yield(.finish(.stop))
        continuation.finish()
        return stream
    }
}

@Suite("Content rules, input checks and JSON output")
struct SecurityTests {
    static func filter(_ rules: [FilterRule]) throws -> ContentFilter { try ContentFilter(rules: rules) }

    @Test("built-in detectors: e-mail addresses, Luhn-valid card numbers only, and key-shaped strings")
    func builtIns() throws {
        let filter = try Self.filter([
            FilterRule(name: "email", pattern: .builtIn(.email), action: .redact),
            FilterRule(name: "card-number", pattern: .builtIn(.cardNumber), action: .redact),
            FilterRule(name: "api-key", pattern: .builtIn(.apiKey), action: .redact),
        ])
        let (text, matches, blocked) = try filter.apply(
            "Mail ada@example.co.uk, pay 4111 1111 1111 1111 not 4111 1111 1111 1112, key sk-proj-abcdefghijklmnop1234", direction: .input)
        #expect(text == "Mail [redacted:email], pay [redacted:card-number] not 4111 1111 1111 1112, key [redacted:api-key]")
        #expect(matches.map(\.summary) == ["email:input:redact", "card-number:input:redact", "api-key:input:redact"])
        #expect(blocked == nil)
    }

    @Test("word lists match whole words in any case; a rule applies only in its directions")
    func wordsAndDirections() throws {
        let filter = try Self.filter([FilterRule(name: "codename", pattern: .words(["Project Falcon", "zephyr"]), action: .warn, directions: [.output])])
        #expect(try filter.apply("project falcon and Zephyr, not zephyrs", direction: .output).matches.first?.count == 2)
        #expect(try filter.apply("project falcon", direction: .input).matches.isEmpty)
        #expect(try filter.apply("project falcon", direction: .output).text == "project falcon") // warn leaves the text
    }

    @Test("a rule that backtracks exponentially gives up on the text and refuses it, naming the rule; fast rules still match",
          .timeLimit(.minutes(1)))
    func catastrophicRule() throws {
        let filter = try Self.filter([FilterRule(name: "nested", pattern: .regex("(A+)+B"), action: .redact)])
        let hostile = String(repeating: "A", count: 40) + "C" // 2^40 ways to split the A's before failing
        let error = #expect(throws: ContentRuleTooSlowError.self) { _ = try filter.apply(hostile, direction: .input) }
        #expect(error?.rule == "nested" && error?.category.exitCode == 8)
        #expect(error?.description.hasPrefix("content rule \"nested\" took too long on the prompt: its pattern /(A+)+B/ took more than 100 ms of CPU time on 41 characters") == true,
                "\(String(describing: error))")
        #expect(filter.storable(hostile) == "[unchecked:nested]") // what it would hide is unknown: nothing is kept
        #expect(try filter.apply("AAAB", direction: .input).text == "[redacted:nested]")
    }

    @Test("a rule that fills the matcher's backtracking memory refuses the text too, rather than stop matching silently", .timeLimit(.minutes(1)))
    func backtrackingMemory() throws {
        let filter = try Self.filter([FilterRule(name: "loop", pattern: .regex("(?:(A)|B)*C"), action: .redact)])
        let error = #expect(throws: ContentRuleTooSlowError.self) { _ = try filter.apply(String(repeating: "A", count: 1_000_000), direction: .input) }
        #expect(error?.gaveUp.reason == .memory, "\(String(describing: error))")
    }

    @Test("a linear rule is never cut off, however long the text", .timeLimit(.minutes(1)))
    func longTextLinearRule() throws {
        let filter = try Self.filter([
            FilterRule(name: "email", pattern: .builtIn(.email), action: .redact),
            FilterRule(name: "ticket", pattern: .regex(#"TICKET-[0-9]+"#), action: .warn),
        ])
        let prose = String(repeating: "Write to ada@example.com about TICKET-42, please. ", count: 20_000)
        let (text, matches, _) = try filter.apply(prose, direction: .input)
        #expect(matches.map(\.count) == [20_000, 20_000] && !text.contains("@example.com"))
        // One long run of address characters with no @ (a pasted base64 blob): each start position
        // used to rescan the run, quadratic in its length.
        let blob = String(repeating: "QUJDREVGR0hJSktMTU5PUA", count: 20_000)
        #expect(try filter.apply(blob, direction: .input).matches.isEmpty)
    }

    @Test("an output rule that gives up stops the answer with the model named", .timeLimit(.minutes(1)))
    func catastrophicOutputRule() async throws {
        let provider = ChunkedProvider(["Here: ", String(repeating: "A", count: 40), "C and more text after it. ", String(repeating: "Padding. ", count: 10)])
        let registry = try await registry([FilterRule(name: "nested", pattern: .regex("(A+)+B"), action: .block, directions: [.output])], provider: provider)
        let error = await #expect(throws: ContentRuleTooSlowError.self) {
            _ = try await registry.generateText(provider: "chunks", model: "m", prompt: "go")
        }
        #expect(error?.direction == .output && error?.provider == "chunks" && error?.model == "m")
    }

    @Test("an input rule that gives up refuses the request before anything is sent, recorded as refused", .timeLimit(.minutes(1)))
    func catastrophicInputRule() async throws {
        let provider = ChunkedProvider(["never"])
        let ledger = MemoryLedger()
        let registry = try await registry([FilterRule(name: "nested", pattern: .regex("(A+)+B"), action: .warn)], provider: provider, ledger: ledger)
        let error = await #expect(throws: ContentRuleTooSlowError.self) {
            _ = try await registry.generateText(provider: "chunks", model: "m", prompt: String(repeating: "A", count: 40) + "C")
        }
        #expect(error?.description.hasPrefix("chunks:m content rule \"nested\"") == true && error?.description.contains("nothing was sent") == true)
        #expect(provider.requests.isEmpty && ledger.records.map(\.outcome) == [.refused])
    }

    @Test("an invalid regular expression is a configuration error")
    func badRegex() {
        #expect(throws: ConfigurationError.self) { try ContentFilter(rules: [FilterRule(name: "x", pattern: .regex("(unclosed"), action: .block)]) }
    }

    func registry(_ rules: [FilterRule], provider: ChunkedProvider, ledger: MemoryLedger? = nil) async throws -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.security.filter = try ContentFilter(rules: rules)
        let registry = ModelRegistry(configuration: configuration, ledger: ledger)
        try await registry.addProvider(name: "chunks", provider: provider)
        return registry
    }

    @Test("an input rule redacts before sending: the provider never sees the match, and the ledger records the rule, not the text")
    func inputRedaction() async throws {
        let provider = ChunkedProvider(["ok"])
        let ledger = MemoryLedger()
        let registry = try await registry([FilterRule(name: "email", pattern: .builtIn(.email), action: .redact, directions: [.input])],
                                          provider: provider, ledger: ledger)
        let result = try await registry.generateText(provider: "chunks", model: "m", prompt: "write to bob@example.com")
        #expect(provider.requests.first?.messages.last?.text == "write to [redacted:email]")
        #expect(result.filterMatches.map(\.summary) == ["email:input:redact"])
        #expect(ledger.records.first?.filterMatches == ["email:input:redact"])
    }

    @Test("an input block refuses the request before anything is sent (exit 8), recorded as refused")
    func inputBlock() async throws {
        let provider = ChunkedProvider(["never"])
        let ledger = MemoryLedger()
        let registry = try await registry([FilterRule(name: "card-number", pattern: .builtIn(.cardNumber), action: .block)],
                                          provider: provider, ledger: ledger)
        let error = await #expect(throws: ContentBlockedError.self) {
            _ = try await registry.generateText(provider: "chunks", model: "m", prompt: "my card is 5555-5555-5555-4444")
        }
        #expect(error?.category.exitCode == 8 && error?.description.contains("nothing was sent") == true)
        #expect(provider.requests.isEmpty)
        #expect(ledger.records.map(\.outcome) == [.refused])
        #expect(ledger.records.first?.filterMatches == ["card-number:input:block"])
    }

    @Test("output redaction in a stream catches a match split across deltas, and the streamed text equals the result")
    func streamedOutputRedaction() async throws {
        let provider = ChunkedProvider(["Contact: ali", "ce@exam", "ple.org for ", "details. ", String(repeating: "More text. ", count: 12)])
        let registry = try await registry([FilterRule(name: "email", pattern: .builtIn(.email), action: .redact, directions: [.output])], provider: provider)
        var streamed = ""
        var final: GenerationResult?
        for try await event in registry.streamGenerate(provider: "chunks", model: "m", prompt: "who?") {
            if case .text(let delta) = event { streamed += delta }
            if case .completed(let result) = event { final = result }
        }
        #expect(!streamed.contains("alice") && streamed.hasPrefix("Contact: [redacted:email] for details."))
        #expect(streamed == final?.text)
        #expect(final?.filterMatches.map(\.summary) == ["email:output:redact"])
    }

    @Test("an output block stops the answer before the match; the text before it stays")
    func outputBlock() async throws {
        let provider = ChunkedProvider([String(repeating: "Safe words here. ", count: 10), "The secret is zephyr. ", String(repeating: "After. ", count: 20)])
        let registry = try await registry([FilterRule(name: "codename", pattern: .words(["zephyr"]), action: .block, directions: [.output])], provider: provider)
        var streamed = ""
        let error = await #expect(throws: ContentBlockedError.self) {
            for try await event in registry.streamGenerate(provider: "chunks", model: "m", prompt: "tell me") {
                if case .text(let delta) = event { streamed += delta }
            }
        }
        #expect(error?.direction == .output && error?.rule == "codename")
        #expect(streamed.hasPrefix("Safe words here.") && !streamed.contains("zephyr"))
    }

    @Test("prompts with control characters or over the size limit are refused with what and where")
    func inputChecks() async throws {
        var configuration = GenesisConfiguration()
        configuration.security.maxPromptCharacters = 100
        let registry = ModelRegistry(configuration: configuration)
        let escape = await #expect(throws: InvalidRequestError.self) {
            _ = try await registry.generateText(provider: "sim", model: "fast", prompt: "hi\u{1B}[2J")
        }
        #expect(escape?.description.contains("U+001B (ESC) at character 3") == true)
        let long = await #expect(throws: InvalidRequestError.self) {
            _ = try await registry.generateText(provider: "sim", model: "fast", prompt: String(repeating: "a", count: 101))
        }
        #expect(long?.description.contains("101 characters; the limit is 100") == true)
        // Tabs and newlines are fine.
        _ = try await registry.generateText(provider: "sim", model: "fast", prompt: "a\tb\nc\r\n")
    }

    @Test("JSON output: the simulator's JSON mode parses; cut short by max tokens, the check says it does not")
    func jsonCheck() async throws {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let registry = ModelRegistry(configuration: configuration)
        let json = GenerationParameters(maxTokens: 400, temperature: 0, responseFormat: .json)
        let whole = try await registry.generate(GenerationRequest(model: "sim:fast", prompt: "list cats", parameters: json))
        #expect(whole.jsonProblem == nil)
        var short = json
        short.maxTokens = 4
        let cut = try await registry.generate(GenerationRequest(model: "sim:fast", prompt: "list cats", parameters: short))
        #expect(cut.jsonProblem?.hasPrefix("the answer is not valid JSON") == true)
    }

    @Test("the redactor masks held keys and key-shaped strings to their last four characters")
    func redactor() {
        let text = Redactor.redact("auth sk-ant-api03-abcdefghijk and AIzaSyA1234567890abcdefghijkl and custom-secret-value-9876",
                                   keys: ["custom-secret-value-9876"])
        #expect(text == "auth …hijk and …ijkl and …9876")
    }
}

@Suite("keys.toml")
struct KeyFileTests {
    func write(_ text: String, mode: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID()).toml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        return path
    }

    @Test("a group- or world-readable keys file is refused before it is parsed, naming the file and the chmod fix")
    func permissions() throws {
        for mode in [0o644, 0o640, 0o604] {
            let path = try write("this is not TOML = = =", mode: mode)
            let error = #expect(throws: ConfigurationError.self) { _ = try KeyFile.load(path: path) }
            #expect(error?.description.contains("chmod 600 \(path)") == true)
            #expect(error?.description.contains("syntax") == false)
        }
    }

    @Test("a private file gives each provider's keys in order, with their sources, and prints masked")
    func parsing() throws {
        let path = try write("""
            [openai]
            keys = ["sk-one-0000000000000001", "sk-two-0000000000000002"]
            [groq]
            key = "gsk_secret_value_0003"
            """, mode: 0o600)
        let keys = try KeyFile.load(path: path)
        #expect(keys.keys(for: "openai").map(\.source) == ["keys.toml openai #1", "keys.toml openai #2"])
        #expect(keys.keys(for: "groq").map(\.value) == ["gsk_secret_value_0003"])
        #expect("\(keys)" == "ProviderKeys(groq: …0003; openai: …0001, …0002)")
    }

    @Test("a section that names no provider is an error with its line and a suggestion, when the providers are known")
    func unknownSection() throws {
        let path = try write("""
            [openai]
            key = "sk-one-0000000000000001"
            [opnai]
            key = "sk-two-0000000000000002"
            """, mode: 0o600)
        let error = #expect(throws: ConfigurationError.self) {
            _ = try KeyFile.load(path: path, providers: KeyFile.knownProviders(try ConfigLoader.parse("", file: "config.toml", kinds: .shipped)))
        }
        #expect(error?.file == path && error?.line == 3 && error?.key == "opnai", "\(String(describing: error))")
        #expect(error?.description.contains("did you mean [openai]?") == true && error?.description.contains("anthropic, gemini") == true)
        #expect(error?.description.contains("sk-two") == false)
        var configuration = GenesisConfiguration()
        configuration.kinds = .shipped
        configuration.providers["opnai"] = ProviderConfiguration(kind: "openai-compatible", baseURL: "http://127.0.0.1:9/v1")
        #expect(try KeyFile.load(path: path, providers: KeyFile.knownProviders(configuration)).providers == ["openai", "opnai"])
    }

    @Test("mistakes name the line and field but never quote a key")
    func errorsHideKeys() throws {
        let path = try write("""
            [openai]
            token = "sk-leaky-000000000000"
            """, mode: 0o600)
        let error = #expect(throws: ConfigurationError.self) { _ = try KeyFile.load(path: path) }
        #expect(error?.line == 2 && error?.description.contains("openai.token") == true)
        #expect(error?.description.contains("sk-leaky") == false)
        let syntax = try write("[openai]\nkey = \"sk-leaky-000000000000", mode: 0o600)
        let syntaxError = #expect(throws: ConfigurationError.self) { _ = try KeyFile.load(path: syntax) }
        #expect(syntaxError?.description.contains("sk-leaky") == false)
    }
}
