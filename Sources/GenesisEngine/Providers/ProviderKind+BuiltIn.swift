/// The kinds Genesis ships. A new one is a value here and in ``ProviderKind/all``, and an entry
/// in `GenesisProviders`' `ProviderKindTable.standard` with its wire format (a test checks the two
/// lists agree). `scripts/generate-price-catalog.py` reads the `catalogNames` here.
extension ProviderKind {
    /// Every kind, in the order the configuration lists them.
    public static let all: [ProviderKind] = [.sim, .openAI, .anthropic, .gemini, .mistral, .ollama, .llamaCpp, .openAICompatible]

    public static let sim = ProviderKind(name: "sim")

    public static let openAI = ProviderKind(
        name: "openai", keyVariables: ["OPENAI_API_KEY"], baseURLVariable: "OPENAI_BASE_URL", defaultBaseURL: "https://api.openai.com/v1",
        modelPrefixes: ["gpt-", "o1", "o3", "o4", "chatgpt-", "ft:gpt-"], catalogNames: ["openai"],
        suggestedModels: ["gpt-5.5", "gpt-5.4-mini", "gpt-5.5-pro", "gpt-5.1-codex", "gpt-4.1-mini"], speaksOpenAIAPIs: true,
        // OpenAI's documented limits, a size an image and a total of images a request (said in `source`)
        imageLimits: ImageLimits(perImage: 20 * ImageLimits.megabyte, perRequest: 50 * ImageLimits.megabyte,
                                 source: "OpenAI takes 20 MB an image and 50 MB of images a request"))

    public static let anthropic = ProviderKind(
        name: "anthropic", keyVariables: ["ANTHROPIC_API_KEY"], baseURLVariable: "ANTHROPIC_BASE_URL", defaultBaseURL: "https://api.anthropic.com",
        modelPrefixes: ["claude"], catalogNames: ["anthropic"], suggestedModels: ["claude-opus-4-8", "claude-sonnet-4-6", "claude-haiku-4-5"],
        // Anthropic's documented limits, counted on the base64 text, so the raw bytes are three quarters (said in `source`)
        imageLimits: ImageLimits(perImage: 5 * ImageLimits.megabyte / 4 * 3, perRequest: 32 * ImageLimits.megabyte / 4 * 3,
                                 source: "Anthropic takes 5 MB an image once base64-encoded and 32 MB a request"),
        // PROTOCOLS 9.2. The catalog's `supports_sampling_params: false` marks the models that take
        // only adaptive thinking; `supports_reasoning` one that thinks with a budget.
        modelTraits: ModelTraits.Rules(families: [
            "claude-3-7-sonnet": ModelTraits(thinking: .budget),
            "claude-sonnet-4": ModelTraits(thinking: .budget), "claude-opus-4": ModelTraits(thinking: .budget),
            "claude-haiku-4": ModelTraits(thinking: .budget), "claude-sonnet-5": ModelTraits(thinking: .budget),
            "claude-opus-4-7": ModelTraits(thinking: .adaptiveOnly, refusesSampling: true),
            "claude-opus-4-8": ModelTraits(thinking: .adaptiveOnly, refusesSampling: true),
            "claude-opus-5": ModelTraits(thinking: .adaptiveOnly, refusesSampling: true),
        ], thinkingWhenSamplingRefused: .adaptiveOnly, thinkingWhenReasoning: .budget))

    public static let gemini = ProviderKind(
        name: "gemini", keyVariables: ["GEMINI_API_KEY", "GOOGLE_API_KEY"], baseURLVariable: "GEMINI_BASE_URL",
        defaultBaseURL: "https://generativelanguage.googleapis.com", modelPrefixes: ["gemini"], catalogNames: ["gemini"],
        suggestedModels: ["gemini-3.5-flash", "gemini-3.1-pro-preview", "gemini-2.5-flash"],
        // Gemini's documented limit on inline data: the whole request, base64 text included (said in `source`)
        imageLimits: ImageLimits(perImage: 20 * ImageLimits.megabyte / 4 * 3, perRequest: 20 * ImageLimits.megabyte / 4 * 3,
                                 source: "Gemini takes inline images in requests under 20 MB once base64-encoded"),
        // PROTOCOLS 9.3
        modelTraits: ModelTraits.Rules(families: [
            "gemini-2.5": ModelTraits(thinking: .geminiBudget),
            "gemini-3": ModelTraits(thinking: .geminiLevel),
        ]))

    public static let mistral = ProviderKind(
        name: "mistral", keyVariables: ["MISTRAL_API_KEY"], baseURLVariable: "MISTRAL_BASE_URL", defaultBaseURL: "https://api.mistral.ai",
        modelPrefixes: ["mistral", "ministral", "open-mistral", "open-mixtral", "codestral", "pixtral", "magistral",
                        "ft:open-mistral", "ft:mistral", "ft:ministral", "ft:codestral"],
        catalogNames: ["mistral"], suggestedModels: ["mistral-medium-latest", "magistral-medium-latest", "mistral-small-latest"])

    /// `OLLAMA_HOST` is a host, host:port or URL (its adapter reads it), not a base URL.
    public static let ollama = ProviderKind(name: "ollama", defaultBaseURL: "http://127.0.0.1:11434", modelPrefixes: ["llama"],
                                            localServerVariable: "OLLAMA_HOST")

    public static let llamaCpp = ProviderKind(name: "llamacpp", baseURLVariable: "LLAMACPP_BASE_URL", defaultBaseURL: "http://127.0.0.1:8080",
                                              localServerVariable: "LLAMACPP_BASE_URL")

    /// Any server that speaks OpenAI's API; LiteLLM's names for hosted ones of them are priced
    /// under those names (a provider named `deepseek` of this kind has DeepSeek's prices).
    public static let openAICompatible = ProviderKind(
        name: "openai-compatible", defaultBaseURL: "http://127.0.0.1:8000/v1", requiresBaseURL: true,
        catalogNames: ["deepseek", "xai", "groq", "cerebras"], speaksOpenAIAPIs: true)
}
