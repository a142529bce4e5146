/// What Genesis knows of one kind of provider (a configuration's `kind =`), in one place: the
/// keys it reads, where it is reached, which bare model names are its own, what LiteLLM's price
/// catalog calls it, and what to offer when it is found by its key. The configuration, key
/// lookup, `ModelID` inference, the price catalog, discovery and the adapters read it here
/// instead of keeping lists of their own.
///
/// How to make a kind's adapter is registered with ``ProviderFactory`` by `GenesisProviders`
/// (`ProviderAdapters.factory`), under the same name.
public struct ProviderKind: Sendable, Hashable {
    /// The kind as a configuration names it, e.g. `openai-compatible`.
    public var name: String
    /// Environment variables its key is read from when the configuration names none, in order.
    public var keyVariables: [String] = []
    /// The environment variable that overrides its base URL, if any (`OPENAI_BASE_URL`).
    public var baseURLVariable: String?
    /// Where it is reached when neither the configuration nor the environment says.
    public var defaultBaseURL: String?
    /// Bare model names that start with one of these belong to it (`claude` → `anthropic`).
    public var modelPrefixes: [String] = []
    /// LiteLLM's names for its models' provider (`litellm_provider`), read from the price catalog.
    public var catalogNames: [String] = []
    /// Models offered when the provider is found by its key alone (any id it accepts works);
    /// empty for kinds that are not found that way.
    public var suggestedModels: [String] = []

    public init(name: String, keyVariables: [String] = [], baseURLVariable: String? = nil, defaultBaseURL: String? = nil,
                modelPrefixes: [String] = [], catalogNames: [String] = [], suggestedModels: [String] = []) {
        self.name = name
        self.keyVariables = keyVariables
        self.baseURLVariable = baseURLVariable
        self.defaultBaseURL = defaultBaseURL
        self.modelPrefixes = modelPrefixes
        self.catalogNames = catalogNames
        self.suggestedModels = suggestedModels
    }

    /// The base URL for a provider of this kind: the configuration's, then the environment's,
    /// then the default.
    public func baseURL(configured: String?, environment: [String: String]) -> String? {
        configured ?? baseURLVariable.flatMap { environment[$0] } ?? defaultBaseURL
    }
}

extension ProviderKind {
    public static let sim = ProviderKind(name: "sim")
    public static let openAI = ProviderKind(
        name: "openai", keyVariables: ["OPENAI_API_KEY"], baseURLVariable: "OPENAI_BASE_URL", defaultBaseURL: "https://api.openai.com/v1",
        modelPrefixes: ["gpt-", "o1", "o3", "o4", "chatgpt-", "ft:gpt-"], catalogNames: ["openai"],
        suggestedModels: ["gpt-5.5", "gpt-5.4-mini", "gpt-5.5-pro", "gpt-5.1-codex", "gpt-4.1-mini"])
    public static let anthropic = ProviderKind(
        name: "anthropic", keyVariables: ["ANTHROPIC_API_KEY"], baseURLVariable: "ANTHROPIC_BASE_URL", defaultBaseURL: "https://api.anthropic.com",
        modelPrefixes: ["claude"], catalogNames: ["anthropic"], suggestedModels: ["claude-opus-4-8", "claude-sonnet-4-6", "claude-haiku-4-5"])
    public static let gemini = ProviderKind(
        name: "gemini", keyVariables: ["GEMINI_API_KEY", "GOOGLE_API_KEY"], baseURLVariable: "GEMINI_BASE_URL",
        defaultBaseURL: "https://generativelanguage.googleapis.com", modelPrefixes: ["gemini"], catalogNames: ["gemini"],
        suggestedModels: ["gemini-3.5-flash", "gemini-3.1-pro-preview", "gemini-2.5-flash"])
    public static let mistral = ProviderKind(
        name: "mistral", keyVariables: ["MISTRAL_API_KEY"], baseURLVariable: "MISTRAL_BASE_URL", defaultBaseURL: "https://api.mistral.ai",
        modelPrefixes: ["mistral", "ministral", "open-mistral", "open-mixtral", "codestral", "pixtral", "magistral",
                        "ft:open-mistral", "ft:mistral", "ft:ministral", "ft:codestral"],
        catalogNames: ["mistral"], suggestedModels: ["mistral-medium-latest", "magistral-medium-latest", "mistral-small-latest"])
    /// Ollama's base URL comes from `OLLAMA_HOST`, a host, host:port or URL (its adapter reads it).
    public static let ollama = ProviderKind(name: "ollama", defaultBaseURL: "http://127.0.0.1:11434", modelPrefixes: ["llama"])
    public static let llamaCpp = ProviderKind(name: "llamacpp", baseURLVariable: "LLAMACPP_BASE_URL", defaultBaseURL: "http://127.0.0.1:8080")
    /// Any server that speaks OpenAI's API; LiteLLM's names for hosted ones of them are priced
    /// under those names (a provider named `deepseek` of this kind has DeepSeek's prices).
    public static let openAICompatible = ProviderKind(
        name: "openai-compatible", defaultBaseURL: "http://127.0.0.1:8000/v1", catalogNames: ["deepseek", "xai", "groq", "cerebras"])

    /// Every kind, in the order the configuration lists them.
    public static let all: [ProviderKind] = [.sim, .openAI, .anthropic, .gemini, .mistral, .ollama, .llamaCpp, .openAICompatible]

    /// The kind of this name, if Genesis has one.
    public static func named(_ name: String) -> ProviderKind? {
        all.first { $0.name == name }
    }

    /// The kind whose model names `model` follows (compared in lower case), if any.
    public static func owning(model: String) -> ProviderKind? {
        all.first { kind in kind.modelPrefixes.contains { model.hasPrefix($0) } }
    }
}
