/// Everything the engine is configured with. `GenesisConfiguration()` is the built-in default:
/// the simulated provider only, so everything runs with no keys and no network.
public struct GenesisConfiguration: Sendable {
    /// The model used when a command names none.
    public var defaultModel: ModelID = ModelID(provider: "sim", model: "balanced")
    /// Parameters applied when a request leaves them unset.
    public var defaults = GenerationParameters(maxTokens: nil, temperature: nil)
    /// One deadline for a whole request: every attempt, wait and fallback.
    public var timeout: Duration = .seconds(120)
    public var retry = RetryPolicy()
    public var fallbackPolicy: Set<ErrorCategory> = FallbackManager.defaultPolicy
    public var breaker = CircuitBreaker.Settings()
    public var cache = CacheSettings()
    /// Providers by name.
    public var providers: [String: ProviderConfiguration] = ["sim": .simulated]
    /// The kinds a provider may be of, as the configuration was read against them: what key
    /// redaction, image checks and bare model names consult. The engine alone knows ``ProviderKind/sim``;
    /// `GenesisProviders`' table adds the kinds it has adapters for.
    public var kinds: [ProviderKind] = [.sim]
    public var fallbacks: [FallbackRule] = [
        FallbackRule(primary: ModelID(provider: "openai", model: "gpt-5.5"), fallback: ModelID(provider: "openai", model: "gpt-5.4-mini")),
        FallbackRule(primary: ModelID(provider: "sim", model: "flaky"), fallback: ModelID(provider: "sim", model: "balanced")),
    ]
    public var prices = PriceTable.standard
    /// Time scale of the simulated provider: 1 real time, 0 instant.
    public var simulatorSpeed: Double = 1
    /// Spending and token limits per day or month, overall or per provider.
    public var budgets: [Budget] = []
    /// Prompt limits and content rules.
    public var security = SecuritySettings()
    /// llama.cpp servers Genesis can start and stop, by name (each is also a provider).
    public var localServers: [String: LocalServerSettings] = [:]
    /// Where conversations and the usage ledger are kept.
    public var storage = StorageSettings()
    /// A proxy and certificate authorities (`[network]`).
    public var network = NetworkSettings()
    /// The console's colour theme: a name from `themes/` or a file path.
    public var theme = "dark"
    /// The file this configuration came from, if any.
    public var source: String?

    public init() {}

    /// The kind of the provider of this name (its configured kind, else the kind of its name).
    public func kind(ofProvider name: String) -> ProviderKind? {
        kinds.named(providers[name]?.kind ?? name)
    }
}

/// How one provider is reached and limited.
public struct ProviderConfiguration: Sendable, Hashable {
    /// The wire format: `sim`, `openai`, `anthropic`, `gemini`, `mistral`, `ollama`, `llamacpp`
    /// or `openai-compatible`.
    public var kind: String
    public var baseURL: String?
    /// Names of environment variables holding API keys (several rotate). Never the keys.
    public var apiKeyEnvironment: [String]
    /// Models to offer in lists and the console (any id the provider accepts can still be asked).
    public var models: [String]
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// Fail fast instead of waiting longer than this for the rate limiter; nil waits.
    public var maxQueueWait: Duration?
    public var connectTimeout: Duration
    /// A stream that sends nothing for this long is broken.
    public var idleTimeout: Duration
    /// OpenAI and compatible servers: the API every model of this provider is sent to (`api =`
    /// in the provider's block); nil lets the adapter choose per model.
    public var api: OpenAIAPI?
    /// The API forced for single models (`api =` in a `[providers.NAME.model."ID"]` block), by
    /// model id; it wins over ``api``.
    public var modelAPIs: [String: OpenAIAPI] = [:]
    /// The reasoning level of single models (`reasoning =` in a `[providers.NAME.model."ID"]`
    /// block), by model id; a request's own level wins, and it wins over `[defaults]`.
    public var modelReasoning: [String: ReasoningLevel] = [:]
    /// Responses API only: whether OpenAI may keep the responses (`store`, which the API defaults
    /// to true). Genesis sends `store: false` unless `store = true` is configured.
    public var storesResponses = false
    /// Headers sent with every request of this provider (`headers = {...}`: a gateway's app
    /// name, an Azure deployment's routing), by name; never the API key, whose header is
    /// ``keyHeader``. A value whose name says secret (key, token, ...) is held as keys are.
    public var headers: [String: String] = [:]
    /// The header the API key goes in, as it is (`key_header = "api-key"` for Azure OpenAI, a
    /// gateway's own), instead of the kind's (`Authorization: Bearer`, `x-api-key`, ...).
    public var keyHeader: String?
    /// Query parameters added to every request URL (`query = {"api-version" = "2024-10-21"}`).
    public var query: [String: String] = [:]

    /// The headers in which the wire formats send a key (lower case).
    public static let keyCarryingHeaders: Set<String> = ["authorization", "x-api-key", "x-goog-api-key"]

    public init(kind: String, baseURL: String? = nil, apiKeyEnvironment: [String] = [], models: [String] = [],
                requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, maxQueueWait: Duration? = nil,
                connectTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60)) {
        self.kind = kind
        self.baseURL = baseURL
        self.apiKeyEnvironment = apiKeyEnvironment
        self.models = models
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.maxQueueWait = maxQueueWait
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
    }

    /// The API `model` is forced to, by its model block or else the provider's; nil when neither says.
    public func forcedAPI(for model: String) -> OpenAIAPI? {
        modelAPIs[model] ?? api
    }

    public static let simulated = ProviderConfiguration(kind: "sim", models: SimulatedCatalog.models.map(\.id),
                                                        requestsPerMinute: 60, tokensPerMinute: 40_000)
}

public struct FallbackRule: Sendable, Hashable {
    public var primary: ModelID
    public var fallback: ModelID
    public init(primary: ModelID, fallback: ModelID) {
        self.primary = primary
        self.fallback = fallback
    }
}

public struct CacheSettings: Sendable, Hashable {
    public var policy: CachePolicy = .deterministic
    public var capacity = 512
    public var ttl: Duration = .seconds(3600)
    public init() {}
}

public struct StorageSettings: Sendable, Hashable {
    /// The database file; nil uses `$XDG_DATA_HOME/genesis/genesis.sqlite`.
    public var path: String?
    /// Whether to record conversations and usage at all (`--no-history` turns it off per run).
    public var history = true
    public init() {}
}
