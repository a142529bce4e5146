import Foundation

/// Reads Genesis's configuration: `config.toml` (the full format), or the seed's JSON
/// (`{"model_config": {...}}`). Every mistake is a ``ConfigurationError`` naming the file, the
/// line and the key, with the fix.
public enum ConfigLoader {
    /// `$XDG_CONFIG_HOME/genesis/config.toml`, or `~/.config/genesis/config.toml`.
    public static func defaultPath(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/genesis/config.toml"
    }

    /// Loads `path`, or the default file when it exists, or the built-in defaults; then applies
    /// environment overrides (`GENESIS_SIM_SPEED`). `kinds` are what its providers' `kind =` may
    /// name, kept as ``GenesisConfiguration/kinds``: the engine alone knows `sim`;
    /// `GenesisProviders`' `ProviderKindTable.standard.configurableKinds` are the kinds Genesis ships.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            kinds: [ProviderKind] = [.sim]) throws(ConfigurationError) -> GenesisConfiguration {
        let file = path ?? defaultPath(environment: environment)
        var configuration: GenesisConfiguration
        var prices = PriceTable.standard
        if let imported = try ImportedCatalog.load(environment: environment) {
            for price in imported.prices { prices.set(price) }
        }
        if FileManager.default.fileExists(atPath: file) {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError(file: file, message: "cannot read the file; check its permissions")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(file: file, message: "the file is not valid UTF-8 text")
            }
            configuration = try parse(text, file: file, prices: prices, kinds: kinds)
        } else if path != nil {
            throw ConfigurationError(file: file, message: "no such configuration file; check the path given to --config")
        } else {
            configuration = GenesisConfiguration()
            configuration.prices = prices
            configuration.kinds = kinds
        }
        if let speed = environment["GENESIS_SIM_SPEED"] {
            guard let value = Double(speed), value >= 0 else {
                throw ConfigurationError(key: "GENESIS_SIM_SPEED", message: "must be a number >= 0 (1 real time, 0 instant), got \"\(speed)\"")
            }
            configuration.simulatorSpeed = value
        }
        return configuration
    }

    /// Parses configuration text. JSON when the file name ends in `.json` or the text starts with `{`.
    /// `prices` are the prices its `[[prices]]` go over (the shipped catalog, and an imported one);
    /// `kinds`, what its providers' `kind =` may name.
    public static func parse(_ text: String, file: String, prices: PriceTable = .standard,
                             kinds: [ProviderKind] = [.sim]) throws(ConfigurationError) -> GenesisConfiguration {
        let isJSON = file.hasSuffix(".json") || text.drop { $0.isWhitespace }.first == "{"
        let root: ConfigValue, reader: ConfigReader
        if isJSON {
            root = try ConfigValue.parseJSON(text, file: file)
            reader = ConfigReader(file: file, locator: .json(text), kinds: kinds)
        } else {
            let table = try ConfigValue.readTOML(text, file: file)
            root = ConfigValue(table)
            reader = ConfigReader(file: file, locator: .toml(table), kinds: kinds)
        }
        var configuration = GenesisConfiguration()
        configuration.source = file
        configuration.prices = prices
        configuration.kinds = kinds
        try reader.apply(root, to: &configuration)
        return configuration
    }
}

/// Interprets a parsed document into a ``GenesisConfiguration``, checking every key.
struct ConfigReader {
    let file: String
    /// Where each key is written: what errors name.
    let locator: SourceLocator

    /// What `kind =` may name.
    var kinds: [ProviderKind] = [.sim]

    var knownKinds: [String] { kinds.map(\.name) }

    /// The kinds there are, for an error about one that is not: with only the simulator's, also
    /// what a library caller forgot (the engine was not handed the adapters' kinds).
    var kindsThereAre: String {
        let list = "use one of: \(knownKinds.joined(separator: ", "))"
        guard kinds.count == 1 else { return list }
        return list + " (read alone, the engine knows only the simulator: pass kinds: ProviderKindTable.standard.configurableKinds from GenesisProviders)"
    }

    /// The kinds where `api` and `store` mean something (``ProviderKind/speaksOpenAIAPIs``).
    var openAIKinds: [String] { kinds.filter(\.speaksOpenAIAPIs).map(\.name) }

    func error(_ path: [String], _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: locator.line(of: path),
                           key: path.filter { !$0.hasPrefix("#") }.joined(separator: "."), message: message)
    }

    func table(_ value: ConfigValue, _ path: [String], allowed: [String]) throws(ConfigurationError) -> [String: ConfigValue] {
        guard case .table(let table) = value else { throw error(path, "must be a table, got \(value.typeName)") }
        let known = Set(allowed) // a table of providers allows its own thousands of keys: no scan per key
        for key in table.keys.sorted() where !known.contains(key) {
            let hint = suggestion(for: key, among: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw error(path + [key], "unknown key\(hint); known keys here: \(allowed.joined(separator: ", "))")
        }
        return table
    }

    func string(_ value: ConfigValue, _ path: [String]) throws(ConfigurationError) -> String {
        guard case .string(let s) = value else { throw error(path, "must be a string, got \(value.rendered)") }
        return s
    }

    func positiveInt(_ value: ConfigValue, _ path: [String], fix: String) throws(ConfigurationError) -> Int {
        guard case .int(let i) = value, i > 0 else {
            throw error(path, "must be a positive integer, got \(value.rendered); \(fix)")
        }
        return i
    }

    func number(_ value: ConfigValue, _ path: [String], in range: ClosedRange<Double>, fix: String) throws(ConfigurationError) -> Double {
        let number: Double
        switch value {
        case .int(let i): number = Double(i)
        case .double(let d): number = d
        default: throw error(path, "must be a number, got \(value.rendered); \(fix)")
        }
        guard range.contains(number) else { throw error(path, "must be between \(range.lowerBound) and \(range.upperBound), got \(number); \(fix)") }
        return number
    }

    func seconds(_ value: ConfigValue, _ path: [String], fix: String) throws(ConfigurationError) -> Duration {
        .milliseconds(Int64((try number(value, path, in: 0...86_400, fix: fix) * 1000).rounded()))
    }

    func model(_ value: ConfigValue, _ path: [String]) throws(ConfigurationError) -> ModelID {
        let text = try string(value, path)
        guard let id = ModelID(parsing: text, kinds: kinds) else {
            throw error(path, "\"\(text)\" is not a model; write provider:model, e.g. \"openai:gpt-4o\" or \"sim:balanced\"")
        }
        return id
    }

    func stringList(_ value: ConfigValue, _ path: [String]) throws(ConfigurationError) -> [String] {
        switch value {
        case .string(let s): return [s]
        case .array(let items):
            var result: [String] = []
            for (index, item) in items.enumerated() { result.append(try string(item, path + ["#\(index)"])) }
            return result
        default: throw error(path, "must be a string or a list of strings, got \(value.rendered)")
        }
    }

    func apply(_ root: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        let top = try table(root, [], allowed: ["default_model", "defaults", "retry", "fallback", "cache", "simulator",
                                                  "providers", "fallbacks", "prices", "model_config", "theme",
                                                  "budgets", "storage", "security", "filters", "local", "network"])
        if let value = top["theme"] { configuration.theme = try string(value, ["theme"]) }
        if let seed = top["model_config"] { try applySeed(seed, to: &configuration) }
        if let value = top["default_model"] { configuration.defaultModel = try model(value, ["default_model"]) }
        if let value = top["defaults"] { try applyDefaults(value, to: &configuration) }
        if let value = top["retry"] { try applyRetry(value, to: &configuration) }
        if let value = top["fallback"] { try applyFallbackSettings(value, to: &configuration) }
        if let value = top["cache"] { try applyCache(value, to: &configuration) }
        if let value = top["simulator"] {
            let sim = try table(value, ["simulator"], allowed: ["speed"])
            if let speed = sim["speed"] {
                configuration.simulatorSpeed = try number(speed, ["simulator", "speed"], in: 0...1000, fix: "1 is real time, 0 instant")
            }
        }
        if let value = top["providers"] {
            let providers = try table(value, ["providers"], allowed: Array(tableKeys(value)))
            for (name, entry) in providers.sorted(by: { $0.key < $1.key }) {
                let path = ["providers", name]
                configuration.providers[name] = try provider(entry, path, name: name, existing: configuration.providers[name])
            }
        }
        if let value = top["network"] { try applyNetwork(value, to: &configuration) }
        if let value = top["fallbacks"] { try applyFallbacks(value, to: &configuration) }
        if let value = top["prices"] { try applyPrices(value, to: &configuration) }
        if let value = top["budgets"] { try applyBudgets(value, to: &configuration) }
        if let value = top["security"] {
            let security = try table(value, ["security"], allowed: ["max_prompt_chars"])
            if let v = security["max_prompt_chars"] {
                configuration.security.maxPromptCharacters = try positiveInt(v, ["security", "max_prompt_chars"], fix: "delete the line to use 1000000")
            }
        }
        if let value = top["filters"] { try applyFilters(value, to: &configuration) }
        if let value = top["local"] { try applyLocalServers(value, to: &configuration) }
        if let value = top["storage"] {
            let storage = try table(value, ["storage"], allowed: ["path", "history"])
            if let v = storage["path"] {
                let path = try string(v, ["storage", "path"])
                guard !path.isEmpty else { throw error(["storage", "path"], "must not be empty; delete the line to use the default") }
                configuration.storage.path = (path as NSString).expandingTildeInPath
            }
            if let v = storage["history"] {
                guard case .bool(let on) = v else { throw error(["storage", "history"], "must be true or false, got \(v.rendered)") }
                configuration.storage.history = on
            }
        }
        if !configuration.providers.keys.contains(configuration.defaultModel.provider) {
            throw error(["default_model"], "names provider \"\(configuration.defaultModel.provider)\", which is not configured; add [providers.\(configuration.defaultModel.provider)] or use one of: \(configuration.providers.keys.sorted().joined(separator: ", "))")
        }
    }

    private func tableKeys(_ value: ConfigValue) -> [String] {
        if case .table(let t) = value { Array(t.keys) } else { [] }
    }

    private func applySeed(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        let path = ["model_config"]
        let seed = try table(value, path, allowed: ["provider", "model", "max_tokens", "temperature", "rate_limits", "api"])
        guard let providerValue = seed["provider"] else { throw error(path, "needs \"provider\", e.g. \"openai\"") }
        let provider = try string(providerValue, path + ["provider"]).lowercased()
        if let modelValue = seed["model"] {
            configuration.defaultModel = ModelID(provider: provider, model: try string(modelValue, path + ["model"]))
        }
        if let v = seed["max_tokens"] { configuration.defaults.maxTokens = try positiveInt(v, path + ["max_tokens"], fix: "e.g. 1024") }
        if let v = seed["temperature"] { configuration.defaults.temperature = try number(v, path + ["temperature"], in: 0...2, fix: "e.g. 0.7") }
        var providerConfig = configuration.providers[provider] ?? ProviderConfiguration(kind: provider)
        guard knownKinds.contains(providerConfig.kind) else {
            throw error(path + ["provider"], "unknown provider \"\(provider)\"; \(kindsThereAre)")
        }
        if providerConfig.apiKeyEnvironment.isEmpty { providerConfig.apiKeyEnvironment = kinds.named(provider)?.keyVariables ?? [] }
        if let limits = seed["rate_limits"] {
            let l = try table(limits, path + ["rate_limits"], allowed: ["requests_per_minute", "tokens_per_minute"])
            if let v = l["requests_per_minute"] { providerConfig.requestsPerMinute = try positiveInt(v, path + ["rate_limits", "requests_per_minute"], fix: "e.g. 200") }
            if let v = l["tokens_per_minute"] { providerConfig.tokensPerMinute = try positiveInt(v, path + ["rate_limits", "tokens_per_minute"], fix: "e.g. 40000") }
        }
        if let v = seed["api"] {
            guard openAIKinds.contains(providerConfig.kind) else { throw notOpenAI(path + ["api"], kind: providerConfig.kind) }
            let api = try api(v, path + ["api"])
            if seed["model"] != nil { providerConfig.modelAPIs[configuration.defaultModel.model] = api } else { providerConfig.api = api }
        }
        configuration.providers[provider] = providerConfig
    }

    private func applyDefaults(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        let path = ["defaults"]
        let d = try table(value, path, allowed: ["max_tokens", "temperature", "top_p", "timeout_s", "stop", "reasoning"])
        if let v = d["reasoning"] { configuration.defaults.reasoning = try reasoningLevel(v, path + ["reasoning"]) }
        if let v = d["max_tokens"] { configuration.defaults.maxTokens = try positiveInt(v, path + ["max_tokens"], fix: "fix it, or delete the line to let each model decide") }
        if let v = d["temperature"] { configuration.defaults.temperature = try number(v, path + ["temperature"], in: 0...2, fix: "fix it, or delete the line to use each model's default") }
        if let v = d["top_p"] { configuration.defaults.topP = try number(v, path + ["top_p"], in: 0...1, fix: "fix it, or delete the line") }
        if let v = d["stop"] { configuration.defaults.stopSequences = try stringList(v, path + ["stop"]) }
        if let v = d["timeout_s"] {
            configuration.timeout = try seconds(v, path + ["timeout_s"], fix: "fix it, or delete the line to use 120")
            guard configuration.timeout > .zero else { throw error(path + ["timeout_s"], "must be more than 0 seconds") }
        }
    }

    private func applyRetry(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        let path = ["retry"]
        let r = try table(value, path, allowed: ["max_attempts", "base_delay_ms", "max_delay_ms"])
        if let v = r["max_attempts"] { configuration.retry.maxAttempts = try positiveInt(v, path + ["max_attempts"], fix: "1 means no retry; delete the line to use 3") }
        if let v = r["base_delay_ms"] { configuration.retry.baseDelay = .milliseconds(try positiveInt(v, path + ["base_delay_ms"], fix: "delete the line to use 500")) }
        if let v = r["max_delay_ms"] { configuration.retry.maxDelay = .milliseconds(try positiveInt(v, path + ["max_delay_ms"], fix: "delete the line to use 20000")) }
    }

    private func applyFallbackSettings(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        let path = ["fallback"]
        let f = try table(value, path, allowed: ["on", "cooldown_s", "window_s", "failure_rate", "min_requests", "probes"])
        if let v = f["on"] {
            var categories = Set<ErrorCategory>()
            let names = try stringList(v, path + ["on"])
            for name in names {
                guard let category = Self.fallbackCategoryNames[name] else {
                    throw error(path + ["on"], "unknown failure \"\(name)\"; use any of: \(Self.fallbackCategoryNames.keys.sorted().joined(separator: ", "))")
                }
                categories.insert(category)
            }
            configuration.fallbackPolicy = categories
        }
        if let v = f["cooldown_s"] { configuration.breaker.coolDown = try seconds(v, path + ["cooldown_s"], fix: "delete the line to use 30") }
        if let v = f["window_s"] { configuration.breaker.window = try seconds(v, path + ["window_s"], fix: "delete the line to use 60") }
        if let v = f["failure_rate"] { configuration.breaker.failureRateThreshold = try number(v, path + ["failure_rate"], in: 0.01...1, fix: "delete the line to use 0.5") }
        if let v = f["min_requests"] { configuration.breaker.minimumRequests = try positiveInt(v, path + ["min_requests"], fix: "delete the line to use 4") }
        if let v = f["probes"] { configuration.breaker.probes = try positiveInt(v, path + ["probes"], fix: "delete the line to use 2") }
    }

    static let fallbackCategoryNames: [String: ErrorCategory] = [
        "rate_limit": .rateLimit, "overloaded": .overloaded, "server_error": .server, "timeout": .timeout,
        "network": .network, "context_too_long": .contextTooLong, "broken_stream": .brokenStream,
        "authentication": .authentication, "model_not_found": .modelNotFound, "content_filter": .contentFilter,
    ]

    private func applyCache(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        let path = ["cache"]
        let c = try table(value, path, allowed: ["policy", "capacity", "ttl_s"])
        if let v = c["policy"] {
            let name = try string(v, path + ["policy"])
            guard let policy = CachePolicy(rawValue: name) else {
                throw error(path + ["policy"], "must be \"never\", \"deterministic\" or \"always\", got \"\(name)\"")
            }
            configuration.cache.policy = policy
        }
        if let v = c["capacity"] { configuration.cache.capacity = try positiveInt(v, path + ["capacity"], fix: "delete the line to use 512") }
        if let v = c["ttl_s"] { configuration.cache.ttl = try seconds(v, path + ["ttl_s"], fix: "delete the line to use 3600") }
    }

    private func provider(_ value: ConfigValue, _ path: [String], name: String, existing: ProviderConfiguration?) throws(ConfigurationError) -> ProviderConfiguration {
        let p = try table(value, path, allowed: ["kind", "base_url", "api_key_env", "models", "requests_per_minute",
                                                 "tokens_per_minute", "max_wait_s", "connect_timeout_s", "idle_timeout_s",
                                                 "api", "store", "model", "headers", "key_header", "query"])
        let kind: String
        if let v = p["kind"] {
            kind = try string(v, path + ["kind"])
        } else if let existing {
            kind = existing.kind
        } else if knownKinds.contains(name) {
            kind = name
        } else {
            throw error(path, "needs a kind; for a custom endpoint write kind = \"openai-compatible\" and base_url = \"https://.../v1\"")
        }
        guard knownKinds.contains(kind) else {
            throw error(path + ["kind"], "unknown kind \"\(kind)\"; \(kindsThereAre)")
        }
        var config = existing ?? ProviderConfiguration(kind: kind, apiKeyEnvironment: kinds.named(kind)?.keyVariables ?? [])
        config.kind = kind
        if let v = p["base_url"] {
            let url = try string(v, path + ["base_url"])
            guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
                throw error(path + ["base_url"], "\"\(url)\" is not an http(s) URL; write e.g. \"https://api.example.com/v1\"")
            }
            config.baseURL = url
        }
        if let v = p["api_key_env"] {
            config.apiKeyEnvironment = try stringList(v, path + ["api_key_env"])
            for (index, variable) in config.apiKeyEnvironment.enumerated() where variable.count > 64 || variable.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_") }) {
                throw error(path + ["api_key_env", "#\(index)"], "must name an environment variable (e.g. \"OPENAI_API_KEY\"), not hold a key; keys belong in the environment or keys.toml")
            }
        }
        if kinds.named(kind)?.requiresBaseURL == true, config.baseURL == nil {
            throw error(path, "kind \"\(kind)\" needs base_url, e.g. \"http://localhost:8000/v1\"")
        }
        if let v = p["models"] { config.models = try stringList(v, path + ["models"]) }
        if let v = p["requests_per_minute"] { config.requestsPerMinute = try positiveInt(v, path + ["requests_per_minute"], fix: "fix it, or delete the line for no limit") }
        if let v = p["tokens_per_minute"] { config.tokensPerMinute = try positiveInt(v, path + ["tokens_per_minute"], fix: "fix it, or delete the line for no limit") }
        if let v = p["max_wait_s"] { config.maxQueueWait = try seconds(v, path + ["max_wait_s"], fix: "delete the line to wait as long as needed") }
        if let v = p["connect_timeout_s"] { config.connectTimeout = try seconds(v, path + ["connect_timeout_s"], fix: "delete the line to use 10") }
        if let v = p["idle_timeout_s"] { config.idleTimeout = try seconds(v, path + ["idle_timeout_s"], fix: "delete the line to use 60") }
        try applyAPIAndModelBlocks(p, path, kind: kind, to: &config)
        try applyGatewaySettings(p, path, to: &config)
        return config
    }

    /// Headers set by Genesis itself, or that carry the key (which comes from the key's own
    /// variable or keys.toml, never the configuration).
    static let reservedHeaders: Set<String> = ProviderConfiguration.keyCarryingHeaders.union(
        ["host", "content-length", "content-type", "transfer-encoding", "connection", "accept-encoding", "user-agent", "proxy-authorization"])

    /// `headers`, `key_header` and `query`: what a gateway or Azure OpenAI needs besides the
    /// kind's own request. Header names are HTTP tokens; values and query parts are one line of
    /// printable text.
    private func applyGatewaySettings(_ p: [String: ConfigValue], _ path: [String],
                                      to config: inout ProviderConfiguration) throws(ConfigurationError) {
        func isToken(_ name: String) -> Bool {
            !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0)) }
        }
        func isLine(_ text: String) -> Bool { !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
        if let v = p["headers"] {
            let table = try table(v, path + ["headers"], allowed: Array(tableKeys(v)))
            for (name, value) in table.sorted(by: { $0.key < $1.key }) { // the first wrong one, the same each run
                let at = path + ["headers", name]
                guard isToken(name) else { throw error(at, "\"\(name)\" is not a header name (letters, digits and -)") }
                guard !Self.reservedHeaders.contains(name.lowercased()) else {
                    throw error(at, "Genesis sets \(name) itself; a key goes in its variable or keys.toml, named by key_header = \"\(name)\" if the API wants it elsewhere")
                }
                let text = try string(value, at)
                guard isLine(text) else { throw error(at, "must be one line of text, without control characters") }
                config.headers[name] = text
            }
        }
        if let v = p["key_header"] {
            let name = try string(v, path + ["key_header"])
            // Genesis's own headers would overwrite the key, and a proxy's would hand it to the proxy.
            guard isToken(name), !Self.reservedHeaders.subtracting(ProviderConfiguration.keyCarryingHeaders).contains(name.lowercased()) else {
                throw error(path + ["key_header"], "\"\(name)\" cannot carry a key; write a header name such as \"api-key\"")
            }
            if let clash = config.headers.keys.first(where: { $0.lowercased() == name.lowercased() }) {
                throw error(path + ["headers", clash], "is the key's header (key_header); the key comes from its variable or keys.toml: delete this entry")
            }
            config.keyHeader = name
        }
        if let v = p["query"] {
            let table = try table(v, path + ["query"], allowed: Array(tableKeys(v)))
            for (name, value) in table.sorted(by: { $0.key < $1.key }) {
                let text = try string(value, path + ["query", name])
                guard isLine(name), isLine(text) else { throw error(path + ["query", name], "must be one line of text, without control characters") }
                config.query[name] = text
            }
        }
    }

    /// `api`, `store` and the `[providers.NAME.model."ID"]` blocks: which of OpenAI's APIs a
    /// provider's models go to, whether the Responses API may keep them, and (any kind) how hard
    /// a model reasons.
    private func applyAPIAndModelBlocks(_ p: [String: ConfigValue], _ path: [String], kind: String,
                                    to config: inout ProviderConfiguration) throws(ConfigurationError) {
        let isOpenAI = openAIKinds.contains(kind)
        for key in ["api", "store"] where p[key] != nil && !isOpenAI {
            throw notOpenAI(path + [key], kind: kind)
        }
        if let v = p["api"] { config.api = try api(v, path + ["api"]) }
        if let v = p["store"] {
            guard case .bool(let store) = v else {
                throw error(path + ["store"], "must be true (OpenAI keeps the responses) or false (it does not, the default), got \(v.rendered)")
            }
            config.storesResponses = store
        }
        if let v = p["model"] {
            let models = try table(v, path + ["model"], allowed: Array(tableKeys(v)))
            for (id, value) in models.sorted(by: { $0.key < $1.key }) {
                let block = try table(value, path + ["model", id], allowed: ["api", "reasoning"])
                if let v = block["api"] {
                    guard isOpenAI else { throw notOpenAI(path + ["model", id, "api"], kind: kind) }
                    config.modelAPIs[id] = try api(v, path + ["model", id, "api"])
                }
                if let v = block["reasoning"] { config.modelReasoning[id] = try reasoningLevel(v, path + ["model", id, "reasoning"]) }
            }
        }
    }

    func reasoningLevel(_ value: ConfigValue, _ path: [String]) throws(ConfigurationError) -> ReasoningLevel {
        let name = try string(value, path)
        guard let level = ReasoningLevel(rawValue: name) else {
            throw error(path, "\"\(name)\" is not a reasoning level; use one of \(ReasoningLevel.allCases.map(\.rawValue).joined(separator: ", ")), or delete the line to use the model's default")
        }
        return level
    }

    private func notOpenAI(_ path: [String], kind: String) -> ConfigurationError {
        error(path, "applies only to providers of kind \(openAIKinds.map { "\"\($0)\"" }.joined(separator: " or ")), not \"\(kind)\"; delete it")
    }

    private func api(_ value: ConfigValue, _ path: [String]) throws(ConfigurationError) -> OpenAIAPI {
        let choices = OpenAIAPI.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        guard case .string(let name) = value else { throw error(path, "must be \(choices), got \(value.rendered)") }
        guard let api = OpenAIAPI(rawValue: name) else {
            throw error(path, "must be \(choices), got \"\(name)\"; delete the line to let Genesis choose per model")
        }
        return api
    }

    private func applyFallbacks(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        guard case .array(let rules) = value else {
            throw error(["fallbacks"], "must be a list of [[fallbacks]] tables with primary and fallback")
        }
        for (index, rule) in rules.enumerated() {
            let path = ["fallbacks", "#\(index)"]
            let r = try table(rule, path, allowed: ["primary", "fallback", "chain"])
            if let chainValue = r["chain"] {
                let names = try stringList(chainValue, path + ["chain"])
                var models: [ModelID] = []
                for (i, name) in names.enumerated() { models.append(try model(.string(name), path + ["chain", "#\(i)"])) }
                guard models.count >= 2 else { throw error(path + ["chain"], "needs at least two models, the primary first") }
                for (a, b) in zip(models, models.dropFirst()) { configuration.fallbacks.append(FallbackRule(primary: a, fallback: b)) }
                continue
            }
            guard let p = r["primary"] else { throw error(path, "needs primary = \"provider:model\"") }
            guard let f = r["fallback"] else { throw error(path, "needs fallback = \"provider:model\"") }
            configuration.fallbacks.append(FallbackRule(primary: try model(p, path + ["primary"]), fallback: try model(f, path + ["fallback"])))
        }
    }

    private func applyNetwork(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        let path = ["network"]
        let n = try table(value, path, allowed: ["proxy", "no_proxy", "ca_file"])
        if let v = n["proxy"] {
            let text = try string(v, path + ["proxy"])
            if let problem = ProxyAddress.problem(text) { throw error(path + ["proxy"], problem) }
            configuration.network.proxy = text
        }
        if let v = n["no_proxy"] { configuration.network.noProxy = try stringList(v, path + ["no_proxy"]).joined(separator: ",") }
        if let v = n["ca_file"] {
            let file = try string(v, path + ["ca_file"])
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw error(path + ["ca_file"], "\"\(file)\" cannot be read; give the path of a PEM file of certificate authorities")
            }
            configuration.network.caFile = file
        }
    }

    private func applyBudgets(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        guard case .array(let entries) = value else {
            throw error(["budgets"], "must be a list of [[budgets]] tables, each with period and dollars and/or tokens")
        }
        for (index, entry) in entries.enumerated() {
            let path = ["budgets", "#\(index)"]
            let b = try table(entry, path, allowed: ["provider", "period", "dollars", "tokens", "hard", "alerts", "allow_unpriced"])
            guard let periodValue = b["period"] else { throw error(path, "needs period = \"day\" or \"month\"") }
            let periodName = try string(periodValue, path + ["period"])
            guard let period = Budget.Period(rawValue: periodName) else {
                throw error(path + ["period"], "must be \"day\" or \"month\", got \"\(periodName)\"")
            }
            var budget = Budget(period: period)
            if let v = b["provider"] { budget.provider = try string(v, path + ["provider"]) }
            if let v = b["dollars"] { budget.dollars = try number(v, path + ["dollars"], in: 0...1_000_000_000, fix: "US dollars per period, e.g. 5") }
            if let v = b["tokens"] { budget.tokens = try positiveInt(v, path + ["tokens"], fix: "tokens per period, e.g. 1000000") }
            guard budget.dollars != nil || budget.tokens != nil else {
                throw error(path, "needs dollars = N and/or tokens = N: a budget without a limit limits nothing")
            }
            if let v = b["hard"] {
                guard case .bool(let hard) = v else { throw error(path + ["hard"], "must be true (refuse requests) or false (alert only), got \(v.rendered)") }
                budget.hard = hard
            }
            if let v = b["allow_unpriced"] {
                guard case .bool(let allow) = v else {
                    throw error(path + ["allow_unpriced"], "must be true (let models with no price through, counted as nothing) or false, got \(v.rendered)")
                }
                budget.allowsUnpriced = allow
            }
            if let v = b["alerts"] {
                guard case .array(let items) = v else { throw error(path + ["alerts"], "must be a list of fractions, e.g. [0.5, 0.8, 1.0]") }
                var thresholds: [Double] = []
                for (i, item) in items.enumerated() {
                    thresholds.append(try number(item, path + ["alerts", "#\(i)"], in: 0.01...10, fix: "a fraction of the limit, e.g. 0.8 for 80%"))
                }
                budget.alerts = thresholds.sorted()
            }
            configuration.budgets.append(budget)
        }
    }

    private func applyLocalServers(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        let servers = try table(value, ["local"], allowed: Array(tableKeys(value)))
        for (name, server) in servers.sorted(by: { $0.key < $1.key }) {
            let path = ["local", name]
            let l = try table(server, path, allowed: ["binary", "model_file", "port", "args", "startup_timeout_s"])
            guard let binary = l["binary"] else { throw error(path, "needs binary = \"/path/to/llama-server\"") }
            guard let model = l["model_file"] else { throw error(path, "needs model_file = \"/path/to/model.gguf\"") }
            guard let portValue = l["port"] else { throw error(path, "needs port = 8081 (the port the server listens on, on 127.0.0.1)") }
            let port = try positiveInt(portValue, path + ["port"], fix: "a TCP port, e.g. 8081")
            guard port <= 65535 else { throw error(path + ["port"], "must be at most 65535, got \(port)") }
            var settings = LocalServerSettings(name: name, binary: (try string(binary, path + ["binary"]) as NSString).expandingTildeInPath,
                                               modelFile: (try string(model, path + ["model_file"]) as NSString).expandingTildeInPath, port: port)
            if let v = l["args"] { settings.arguments = try stringList(v, path + ["args"]) }
            if let v = l["startup_timeout_s"] { settings.startupTimeout = try seconds(v, path + ["startup_timeout_s"], fix: "delete the line to use 120") }
            if let existing = configuration.providers[name], existing.kind != "llamacpp" || existing.baseURL != settings.baseURL {
                throw error(path, "a provider named \"\(name)\" is configured already; give the local server another name")
            }
            configuration.localServers[name] = settings
            configuration.providers[name] = ProviderConfiguration(kind: "llamacpp", baseURL: settings.baseURL, models: [settings.modelID],
                                                                  idleTimeout: .seconds(300))
        }
    }

    private func applyFilters(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        guard case .array(let entries) = value else {
            throw error(["filters"], "must be a list of [[filters]] tables, each with name, one of builtin/regex/words, and action")
        }
        var rules: [FilterRule] = []
        for (index, entry) in entries.enumerated() {
            let path = ["filters", "#\(index)"]
            let f = try table(entry, path, allowed: ["name", "builtin", "regex", "words", "action", "on"])
            let sources = ["builtin", "regex", "words"].filter { f[$0] != nil }
            guard sources.count == 1 else {
                throw error(path, "needs exactly one of builtin (\(BuiltInPattern.allCases.map(\.rawValue).joined(separator: ", "))), regex or words; found \(sources.isEmpty ? "none" : sources.joined(separator: " and "))")
            }
            let pattern: FilterRule.Pattern
            var defaultName: String
            if let v = f["builtin"] {
                let name = try string(v, path + ["builtin"])
                guard let known = BuiltInPattern(rawValue: name) else {
                    throw error(path + ["builtin"], "unknown detector \"\(name)\"; use one of: \(BuiltInPattern.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                pattern = .builtIn(known)
                defaultName = name
            } else if let v = f["regex"] {
                let regex = try string(v, path + ["regex"])
                guard (try? NSRegularExpression(pattern: regex)) != nil else {
                    throw error(path + ["regex"], "\"\(regex)\" is not a valid regular expression")
                }
                pattern = .regex(regex)
                defaultName = "rule\(index + 1)"
            } else {
                let words = try stringList(f["words"]!, path + ["words"]).filter { !$0.isEmpty }
                guard !words.isEmpty else { throw error(path + ["words"], "needs at least one word or phrase") }
                pattern = .words(words)
                defaultName = "rule\(index + 1)"
            }
            if let v = f["name"] { defaultName = try string(v, path + ["name"]) }
            guard let actionValue = f["action"] else { throw error(path, "needs action = \"redact\", \"warn\" or \"block\"") }
            let actionName = try string(actionValue, path + ["action"])
            guard let action = FilterRule.Action(rawValue: actionName) else {
                throw error(path + ["action"], "must be \"redact\", \"warn\" or \"block\", got \"\(actionName)\"")
            }
            var directions: Set<FilterRule.Direction> = [.input, .output]
            if let v = f["on"] {
                directions = []
                for name in try stringList(v, path + ["on"]) {
                    guard let direction = FilterRule.Direction(rawValue: name) else {
                        throw error(path + ["on"], "must list \"input\" and/or \"output\", got \"\(name)\"")
                    }
                    directions.insert(direction)
                }
            }
            rules.append(FilterRule(name: defaultName, pattern: pattern, action: action, directions: directions))
        }
        configuration.security.filter = try ContentFilter(rules: rules)
    }

    private func applyPrices(_ value: ConfigValue, to configuration: inout GenesisConfiguration) throws(ConfigurationError) {
        guard case .array(let entries) = value else {
            throw error(["prices"], "must be a list of [[prices]] tables")
        }
        for (index, entry) in entries.enumerated() {
            let path = ["prices", "#\(index)"]
            let p = try table(entry, path, allowed: ["model", "input_per_million", "output_per_million", "cached_input_per_million",
                                                     "cache_write_per_million", "context_window", "max_output_tokens"])
            guard let modelValue = p["model"] else { throw error(path, "needs model = \"provider:model\" (ending in * prices a family, e.g. \"openai:gpt-5*\")") }
            let id = try model(modelValue, path + ["model"])
            guard p["input_per_million"] != nil else { throw error(path, "needs input_per_million (US dollars per million input tokens)") }
            guard p["output_per_million"] != nil else { throw error(path, "needs output_per_million (US dollars per million output tokens)") }
            func rate(_ key: String, _ example: String) throws(ConfigurationError) -> Double? {
                try p[key].map { v throws(ConfigurationError) in try number(v, path + [key], in: 0...10_000, fix: "dollars per million tokens, e.g. \(example)") }
            }
            func tokens(_ key: String, _ example: String) throws(ConfigurationError) -> Int? {
                try p[key].map { v throws(ConfigurationError) in try positiveInt(v, path + [key], fix: "in tokens, e.g. \(example)") }
            }
            let price = ModelPrice(
                provider: id.provider, model: id.model, inputPerMillion: try rate("input_per_million", "2.5") ?? 0,
                outputPerMillion: try rate("output_per_million", "10") ?? 0, contextWindow: try tokens("context_window", "128000"),
                cachedInputPerMillion: try rate("cached_input_per_million", "0.25"), cacheWritePerMillion: try rate("cache_write_per_million", "3.125"),
                maxOutputTokens: try tokens("max_output_tokens", "16384"))
            configuration.prices.set(price)
        }
    }
}

/// The name among `names` closest to a misspelled `name`, if it is close (3 edits at most).
func suggestion(for name: String, among names: [String]) -> String? {
    names.min { editDistance($0, name) < editDistance($1, name) }.flatMap { editDistance($0, name) <= 3 ? $0 : nil }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
