/// What Genesis knows of one kind of provider (a configuration's `kind =`), in one place: the
/// keys it reads, where it is reached, which bare model names are its own, what LiteLLM's price
/// catalog calls it, what to offer when it is found by its key, how large its images may be,
/// what its models take that its API does not say, and whether `api` and `store` mean something
/// to it. The configuration, key lookup, `ModelID` inference, the price catalog, image checks,
/// model traits, discovery and the adapters read it here instead of keeping lists of their own.
///
/// The engine knows one kind itself, ``sim``. The others are registered by `GenesisProviders`
/// (`ProviderKindTable`), each descriptor beside its wire format with how to make its adapter,
/// decode its transcripts and probe for its local server, and reach the engine as a value: the
/// configuration is read against a list of kinds (``ConfigLoader/load(path:environment:kinds:)``)
/// and keeps it (``GenesisConfiguration/kinds``), and key redaction, image checks and model-name
/// inference read that list.
public struct ProviderKind: Sendable, Hashable {
    /// The kind as a configuration names it, e.g. `openai-compatible`.
    public var name: String
    /// Environment variables its key is read from when the configuration names none, in order.
    public var keyVariables: [String] = []
    /// The environment variable that overrides its base URL, if any (`OPENAI_BASE_URL`).
    public var baseURLVariable: String?
    /// Where it is reached when neither the configuration nor the environment says.
    public var defaultBaseURL: String?
    /// Its configuration must name `base_url` (a server of a family, with no address of its own).
    public var requiresBaseURL = false
    /// Bare model names that start with one of these belong to it (`claude` → `anthropic`).
    public var modelPrefixes: [String] = []
    /// LiteLLM's names for its models' provider (`litellm_provider`), read from the price catalog.
    public var catalogNames: [String] = []
    /// Models offered when the provider is found by its key alone (any id it accepts works);
    /// empty for kinds that are not found that way.
    public var suggestedModels: [String] = []
    /// A server on this machine: the environment variable that says where it runs. Discovery
    /// configures the kind when the variable is set, else probes its default base URL.
    public var localServerVariable: String?
    /// It speaks OpenAI's Chat Completions and Responses APIs, where `api` and `store` mean something.
    public var speaksOpenAIAPIs = false
    /// How large the images of one request may be.
    public var imageLimits = ImageLimits.unstated
    /// What its models take that its API does not say (``ModelTraits``).
    public var modelTraits = ModelTraits.Rules()

    public init(name: String, keyVariables: [String] = [], baseURLVariable: String? = nil, defaultBaseURL: String? = nil,
                requiresBaseURL: Bool = false, modelPrefixes: [String] = [], catalogNames: [String] = [], suggestedModels: [String] = [],
                localServerVariable: String? = nil, speaksOpenAIAPIs: Bool = false, imageLimits: ImageLimits = .unstated,
                modelTraits: ModelTraits.Rules = ModelTraits.Rules()) {
        self.name = name
        self.keyVariables = keyVariables
        self.baseURLVariable = baseURLVariable
        self.defaultBaseURL = defaultBaseURL
        self.requiresBaseURL = requiresBaseURL
        self.modelPrefixes = modelPrefixes
        self.catalogNames = catalogNames
        self.suggestedModels = suggestedModels
        self.localServerVariable = localServerVariable
        self.speaksOpenAIAPIs = speaksOpenAIAPIs
        self.imageLimits = imageLimits
        self.modelTraits = modelTraits
    }

    /// The base URL for a provider of this kind: the configuration's, then the environment's,
    /// then the default.
    public func baseURL(configured: String?, environment: [String: String]) -> String? {
        configured ?? baseURLVariable.flatMap { environment[$0] } ?? defaultBaseURL
    }
}

extension ProviderKind {
    /// The simulated provider, the one kind the engine speaks itself.
    public static let sim = ProviderKind(name: "sim")
}

extension [ProviderKind] {
    /// The kind of this name, if the list has one.
    public func named(_ name: String) -> ProviderKind? {
        first { $0.name == name }
    }

    /// The kind whose model names `model` follows (``ProviderKind/modelPrefixes``, compared in
    /// lower case), if any.
    public func owner(ofModel model: String) -> ProviderKind? {
        let name = model.lowercased()
        return first { kind in kind.modelPrefixes.contains { name.hasPrefix($0) } }
    }

    /// LiteLLM's names for these kinds' providers, what a price catalog is read for.
    public var catalogNames: Set<String> { Set(flatMap(\.catalogNames)) }
}
