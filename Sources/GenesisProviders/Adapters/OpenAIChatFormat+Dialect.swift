import GenesisEngine

extension OpenAIChatFormat {
    /// How a server that copies Chat Completions differs from OpenAI's own, as data: the format
    /// reads these fields and has no branch per server. A new server of this family is a new
    /// value here, its kind (``ProviderKind``) below, and an entry in ``ProviderKindTable/standard``.
    struct Dialect: Sendable, Hashable {
        /// Model names are OpenAI's own: its reasoning families take only the default sampling
        /// and `max_completion_tokens`, and some models are served on the Responses API only.
        var hasOpenAIModels = false
        var requiresKey = false
        /// Where its key is read from when the configuration names none.
        var keyVariables: [String] = []
        /// From the base URL to the API root: empty where the base URL includes `/v1`.
        var apiPath = ""
        /// Its 400 names the refused setting in `error.param` (others only say it in words).
        var namesRefusedParameter = false
        /// The request field of the sampling seed.
        var seedField = "seed"
        /// Takes `stream_options.include_usage`, and reports usage in a stream only when asked so.
        var takesStreamOptions = true
        /// An image part's `image_url` is the URL itself (Mistral), not `{"url": …}`.
        var imageURLIsString = false
        /// A `<think>` block opening the content is the model's reasoning (servers that run open
        /// models and may not separate it themselves).
        var splitsThinkTags = false
        /// What a 404 that means a wrong base URL says to do; nil where a 404 means what it says.
        var wrongPathHint: String?
        /// A 404 that speaks of the model (or says `model_not_found`) is about the model, not the path.
        var notFoundMayBeAboutModel = false
        /// Whether an HTTP 500 may be retried (llama.cpp answers some bad requests with 500).
        var retriesServerErrors = true
        /// Its rate-limit headers count one-minute windows and name no reset.
        var hasMinuteRateWindows = false
        /// A path that answers a health check without a key, if any.
        var healthPath: String?
        /// Its model list marks models that cannot chat (`capabilities.completion_chat`).
        var marksChatCapability = false
        /// The effort `--reasoning max` asks for: OpenAI's `max` (some models take it; the rest
        /// refuse it once and get `xhigh`), `xhigh` on servers that copy the API.
        var highestEffort: String { hasOpenAIModels ? "max" : "xhigh" }
        /// The `reasoning_effort` values its own models document, by model-id prefix; a level is
        /// sent as the nearest of them, with a notice. Other models get the effort as asked.
        var effortsByModelPrefix: [String: [String]] = [:]

        /// The efforts `model` takes, where its family says.
        func efforts(of model: String) -> [String]? {
            let id = model.lowercased()
            return effortsByModelPrefix.first { id.hasPrefix($0.key) }?.value
        }

        static let openAI = Dialect(hasOpenAIModels: true, requiresKey: true, keyVariables: ProviderKind.openAI.keyVariables,
                                    namesRefusedParameter: true)
        static let compatible = Dialect(namesRefusedParameter: true, splitsThinkTags: true, wrongPathHint: "it should end in /v1",
                                        notFoundMayBeAboutModel: true)
        static let mistral = Dialect(requiresKey: true, keyVariables: ProviderKind.mistral.keyVariables, apiPath: "/v1",
                                     seedField: "random_seed", takesStreamOptions: false, imageURLIsString: true,
                                     hasMinuteRateWindows: true, marksChatCapability: true,
                                     // docs.mistral.ai/capabilities/reasoning/adjustable: mistral-small-latest
                                     // (Small 4, 2603) and mistral-medium-3-5 take "high" or "none"
                                     effortsByModelPrefix: ["mistral-small-latest": ["none", "high"], "mistral-small-2603": ["none", "high"],
                                                            "mistral-medium-3-5": ["none", "high"], "mistral-medium-3.5": ["none", "high"]])
        static let llamaCpp = Dialect(apiPath: "/v1", splitsThinkTags: true, wrongPathHint: "it should be the host root, without /v1",
                                      retriesServerErrors: false, healthPath: "/health")
    }
}

/// The kinds that speak Chat Completions, one a dialect above, registered in `ProviderKindTable.standard`.
extension ProviderKind {
    public static let openAI = ProviderKind(
        name: "openai", keyVariables: ["OPENAI_API_KEY"], baseURLVariable: "OPENAI_BASE_URL", defaultBaseURL: "https://api.openai.com/v1",
        modelPrefixes: ["gpt-", "o1", "o3", "o4", "chatgpt-", "ft:gpt-"], catalogNames: ["openai"],
        suggestedModels: ["gpt-5.5", "gpt-5.4-mini", "gpt-5.5-pro", "gpt-5.1-codex", "gpt-4.1-mini"], speaksOpenAIAPIs: true,
        // OpenAI's documented limits, a size an image and a total of images a request (said in `source`)
        imageLimits: ImageLimits(perImage: 20 * ImageLimits.megabyte, perRequest: 50 * ImageLimits.megabyte,
                                 source: "OpenAI takes 20 MB an image and 50 MB of images a request"))

    public static let mistral = ProviderKind(
        name: "mistral", keyVariables: ["MISTRAL_API_KEY"], baseURLVariable: "MISTRAL_BASE_URL", defaultBaseURL: "https://api.mistral.ai",
        modelPrefixes: ["mistral", "ministral", "open-mistral", "open-mixtral", "codestral", "pixtral", "magistral",
                        "ft:open-mistral", "ft:mistral", "ft:ministral", "ft:codestral"],
        catalogNames: ["mistral"], suggestedModels: ["mistral-medium-latest", "magistral-medium-latest", "mistral-small-latest"])

    public static let llamaCpp = ProviderKind(name: "llamacpp", baseURLVariable: "LLAMACPP_BASE_URL", defaultBaseURL: "http://127.0.0.1:8080",
                                              localServerVariable: "LLAMACPP_BASE_URL")

    /// Any server that speaks OpenAI's API; LiteLLM's names for hosted ones of them are priced
    /// under those names (a provider named `deepseek` of this kind has DeepSeek's prices).
    public static let openAICompatible = ProviderKind(
        name: "openai-compatible", defaultBaseURL: "http://127.0.0.1:8000/v1", requiresBaseURL: true,
        catalogNames: ["deepseek", "xai", "groq", "cerebras"], speaksOpenAIAPIs: true)
}
