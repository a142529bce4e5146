import Foundation
import GenesisEngine
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    func parse(_ text: String, file: String = "config.toml") throws(ConfigurationError) -> GenesisConfiguration {
        try ConfigLoader.parse(text, file: file, kinds: .shipped)
    }

    func failure(_ text: String, file: String = "config.toml") -> ConfigurationError? {
        do { _ = try parse(text, file: file); return nil } catch { return error }
    }

    @Test func theFullFormatReadsEverySection() throws {
        let configuration = try parse("""
        default_model = "openai:gpt-4o"

        [defaults]
        max_tokens = 800
        temperature = 0.2
        timeout_s = 45

        [retry]
        max_attempts = 4
        base_delay_ms = 250

        [fallback]
        on = ["rate_limit", "overloaded"]
        cooldown_s = 12

        [cache]
        policy = "always"
        ttl_s = 60

        [providers.openai]
        api_key_env = ["OPENAI_API_KEY", "OPENAI_API_KEY_2"]
        requests_per_minute = 200
        tokens_per_minute = 40000

        [providers."local-vllm"]
        kind = "openai-compatible"
        base_url = "http://127.0.0.1:8000/v1"
        models = ["qwen2.5-7b"]

        [[fallbacks]]
        primary = "openai:gpt-4o"
        fallback = "anthropic:claude-3-5-sonnet-latest"

        [[fallbacks]]
        chain = ["sim:deep", "sim:balanced", "sim:fast"]

        [[prices]]
        model = "local-vllm:qwen2.5-7b"
        input_per_million = 0.05
        output_per_million = 0.1
        context_window = 32768
        """)
        #expect(configuration.defaultModel == "openai:gpt-4o")
        #expect(configuration.defaults.maxTokens == 800 && configuration.defaults.temperature == 0.2)
        #expect(configuration.timeout == .seconds(45))
        #expect(configuration.retry.maxAttempts == 4 && configuration.retry.baseDelay == .milliseconds(250))
        #expect(configuration.fallbackPolicy == [.rateLimit, .overloaded] && configuration.breaker.coolDown == .seconds(12))
        #expect(configuration.cache.policy == .always && configuration.cache.ttl == .seconds(60))
        let openai = try #require(configuration.providers["openai"])
        #expect(openai.kind == "openai" && openai.requestsPerMinute == 200 && openai.tokensPerMinute == 40000)
        #expect(openai.apiKeyEnvironment == ["OPENAI_API_KEY", "OPENAI_API_KEY_2"])
        #expect(configuration.providers["local-vllm"]?.baseURL == "http://127.0.0.1:8000/v1")
        #expect(configuration.fallbacks.contains(FallbackRule(primary: "openai:gpt-4o", fallback: ModelID(provider: "anthropic", model: "claude-3-5-sonnet-latest"))))
        #expect(configuration.fallbacks.contains(FallbackRule(primary: "sim:balanced", fallback: "sim:fast")))
        #expect(configuration.prices.price(for: ModelID(provider: "local-vllm", model: "qwen2.5-7b"))?.contextWindow == 32768)
        #expect(configuration.providers["sim"] != nil) // the simulator is always there
    }

    @Test func theSeedsJSONIsAccepted() throws {
        let configuration = try parse("""
        {
            "model_config": {
                "provider": "openai",
                "model": "gpt-4",
                "max_tokens": 8192,
                "temperature": 0.7,
                "rate_limits": {
                    "requests_per_minute": 200,
                    "tokens_per_minute": 40000
                }
            }
        }
        """, file: "genesis.json")
        #expect(configuration.defaultModel == ModelID(provider: "openai", model: "gpt-4"))
        #expect(configuration.defaults.maxTokens == 8192 && configuration.defaults.temperature == 0.7)
        #expect(configuration.providers["openai"]?.requestsPerMinute == 200)
        #expect(configuration.providers["openai"]?.tokensPerMinute == 40000)
        #expect(configuration.providers["openai"]?.apiKeyEnvironment == ["OPENAI_API_KEY"])
    }

    @Test func aWrongValueNamesFileLineAndKeyAndTheFix() throws {
        let error = try #require(failure("""
        [providers.openai]
        # limits
        requests_per_minute = "sixty"
        """))
        #expect(error.file == "config.toml" && error.line == 3 && error.key == "providers.openai.requests_per_minute")
        #expect(error.description == #"config.toml:3 providers.openai.requests_per_minute: must be a positive integer, got "sixty"; fix it, or delete the line for no limit"#)
    }

    @Test func aMisspelledKeyIsCaughtWithASuggestion() throws {
        let error = try #require(failure("""
        [retry]
        max_atempts = 3
        """))
        #expect(error.line == 2 && error.key == "retry.max_atempts")
        #expect(error.message.contains(#"did you mean "max_attempts"?"#))
    }

    @Test func anUnknownTableOrArrayOfTablesNamesItsLine() throws {
        let array = try #require(failure("""
        default_model = "sim:fast"

        [[pricess]]
        model = "openai:gpt-4o"
        """))
        #expect(array.line == 3 && array.key == "pricess" && array.message.contains(#"did you mean "prices"?"#), "\(array)")
        let dotted = try #require(failure("retyr.max_attempts = 3\n"))
        #expect(dotted.line == 1 && dotted.key == "retyr", "\(dotted)")
    }

    @Test func aTOMLSyntaxErrorNamesItsLine() throws {
        let error = try #require(failure("""
        [defaults]
        max_tokens = 10
        temperature = = 3
        """))
        #expect(error.line == 3 && error.message.hasPrefix("TOML syntax error"))
    }

    @Test func aNULInTOMLIsRefusedWithItsLine() throws {
        // TOMLKit's toml++ read the text as a C string, so a NUL cut it short (found by the config fuzzer).
        // TOML allows no control character but tab in a string.
        let error = try #require(failure("[[filters]]\nname = \"a\"\n\nname2 = \"b\u{00}c\"\n", file: "nul.toml"))
        #expect(error.file == "nul.toml" && error.line == 4 && error.message.contains("NUL"))
    }

    @Test(arguments: ["[%local.llama3]", "[[ @filters]]", "[\nproviders]", "[=]", "[.a]", "[#x]"])
    func aMalformedTableHeaderIsASyntaxErrorWithItsLine(header: String) throws {
        // TOMLKit's toml++ 3 aborted the process (an assertion left on in release builds) on these;
        // the config fuzzer found the first. They must be errors that name the file and line.
        let error = try #require(failure("default_model = \"sim:fast\"\n\n\(header)\nport = 8081\n", file: "typo.toml"))
        #expect(error.file == "typo.toml" && error.line == 3 && error.message.hasPrefix("TOML syntax error"), "\(error)")
    }

    @Test func aBraceWhereAnArrayValueShouldBeIsASyntaxErrorNotAnAbort() throws {
        // TOMLKit's toml++ asserted `!is_value_terminator(*cp)` here (found by the config fuzzer);
        // the process used to abort with SIGABRT.
        let error = try #require(failure("[fallback]\non = [\"network\",} \"timeout\"]\n", file: "brace.toml"))
        #expect(error.file == "brace.toml" && error.message.hasPrefix("TOML syntax error"), "\(error)")
        #expect(error.line == 2 && error.message.contains("column 17"), "\(error)")
        // A good file parses normally right after.
        #expect(failure("default_model = \"sim:fast\"\n") == nil)
    }

    @Test func headersInsideStringsArraysAndCommentsAreNotTakenForTables() throws {
        let quotes = String(repeating: "\"", count: 3)
        let text = ["# [%not a header]", "default_model = \"sim:fast\"", "[defaults]", "system = " + quotes,
                    "[%note] keep answers short", quotes, "[[fallbacks]]", "from = \"openai:gpt-4o\"", "to = [",
                    "  \"sim:fast\",", "]", "[\"quoted header\"]"].joined(separator: "\n")
        #expect(try TOMLReader.read(text)["defaults"]?.table?["system"]?.string == "[%note] keep answers short\n")
        // Each mistake is reported where the reader stops, which is where TOML says the text goes wrong
        // (TOMLPrecheck, which these cases were written for, looked only for bad headers).
        #expect(throws: TOMLSyntaxError(line: 2, column: 3, message: "expected a value, found \"%\"")) {
            try TOMLReader.read("a = [\n[ %x ]\n]\n") // an array inside a value, not a header
        }
        #expect(throws: TOMLSyntaxError(line: 1, column: 9, message: "expected the end of the line after a value, found \"'\"; put one key = value on each line")) {
            try TOMLReader.read("s = 'it''s'\n[ %x]\n") // two literal strings side by side
        }
        #expect(throws: TOMLSyntaxError(line: 1, column: 2, message: "a table name cannot start with \"ä\"; use letters, digits, - and _, or quote it: \"name\"")) {
            try TOMLReader.read("\u{FEFF}[ä]\n") // after a byte order mark, still a header (fuzzer)
        }
        #expect(throws: TOMLSyntaxError(line: 1, column: 5, message: "this string has no closing ' on its line; close it, or use ''' for text over several lines")) {
            try TOMLReader.read("s = 'unclosed\nt = 1\n[%x]\n") // the fuzzer found the line counted twice here once
        }
    }

    @Test func aJSONSyntaxErrorIsReported() throws {
        let error = try #require(failure("{\n  \"model_config\": {\n    \"provider\": \"openai\",\n  }\n", file: "seed.json"))
        #expect(error.file == "seed.json" && error.message.hasPrefix("JSON syntax error"))
    }

    @Test func aSeedValueErrorIsLocatedInTheJSON() throws {
        let error = try #require(failure("""
        {
          "model_config": {
            "provider": "openai",
            "rate_limits": {"requests_per_minute": -5}
          }
        }
        """, file: "seed.json"))
        #expect(error.line == 4 && error.key == "model_config.rate_limits.requests_per_minute")
    }

    @Test(arguments: [
        ("[providers.groq]\nbase_url = \"https://api.groq.com/openai/v1\"", "providers.groq", "needs a kind"),
        ("[providers.x]\nkind = \"openai-compatible\"", "providers.x", "needs base_url"),
        ("[providers.x]\nkind = \"telepathy\"", "providers.x.kind", "unknown kind"),
        ("[providers.openai]\nbase_url = \"ftp://nope\"", "providers.openai.base_url", "not an http(s) URL"),
        ("[providers.openai]\napi_key_env = \"sk-proj-abcdef1234567890\"", "providers.openai.api_key_env", "must name an environment variable"),
        ("[fallback]\non = [\"gremlins\"]", "fallback.on", "unknown failure"),
        ("[cache]\npolicy = \"sometimes\"", "cache.policy", "must be"),
        ("default_model = \"gpt\"", "default_model", "is not a model"),
        ("default_model = \"openai:gpt-4o\"", "default_model", "not configured"),
        ("[[fallbacks]]\nprimary = \"sim:fast\"", "fallbacks", "needs fallback"),
        ("[defaults]\ntemperature = 3", "defaults.temperature", "between 0.0 and 2.0"),
    ])
    func mistakesAreExplained(text: String, key: String, message: String) throws {
        let error = try #require(failure(text))
        #expect(error.key == key)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.line != nil)
    }

    @Test func aKeyInTheConfigFileIsNeverEchoed() throws {
        let error = try #require(failure("[providers.openai]\napi_key_env = \"sk-proj-abcdef1234567890\""))
        #expect(!error.description.contains("sk-proj-abcdef1234567890"))
    }

    @Test func loadingFallsBackToDefaultsOnlyWhenNoFileWasNamed() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-none-\(UUID())").path
        let defaults = try ConfigLoader.load(path: nil, environment: ["XDG_CONFIG_HOME": empty])
        #expect(defaults.defaultModel == "sim:balanced" && defaults.source == nil)
        #expect(throws: ConfigurationError.self) { try ConfigLoader.load(path: empty + "/missing.toml", environment: [:]) }
    }

    @Test func theSimulatorSpeedComesFromTheEnvironment() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-none-\(UUID())").path
        #expect(try ConfigLoader.load(path: nil, environment: ["XDG_CONFIG_HOME": empty, "GENESIS_SIM_SPEED": "0"]).simulatorSpeed == 0)
        #expect(throws: ConfigurationError.self) { try ConfigLoader.load(path: nil, environment: ["XDG_CONFIG_HOME": empty, "GENESIS_SIM_SPEED": "fast"]) }
    }
}
