import GenesisEngine

/// One entry of a suite's `providers:` (promptfoo's `targets:`): the model that answers, what
/// the matrix calls it, and the settings its `config` gives each request.
public struct SuiteProvider: Sendable, Hashable {
    /// The id as the suite wrote it, e.g. `openai:chat:gpt-4.1`.
    public var id: String
    public var label: String?
    /// The Genesis model the id names.
    public var model: ModelID
    /// The request settings from its `config`.
    public var parameters: GenerationParameters

    public init(id: String, label: String? = nil, model: ModelID, parameters: GenerationParameters = .init()) {
        self.id = id
        self.label = label
        self.model = model
        self.parameters = parameters
    }

    /// A model named on the command line (`--model`, `--grader`): its id is the model's, with no settings of its own.
    public init(_ model: ModelID) {
        self.init(id: model.description, model: model)
    }
}

/// promptfoo's provider ids and `config` keys, read as Genesis models and request settings
/// (promptfoo's documentation, providers/index, openai, anthropic, google, mistral, ollama, echo).
/// An id or a key Genesis cannot honour is refused by name, never ignored.
public enum PromptfooProviders {
    /// promptfoo's provider names, the Genesis provider that speaks the same API, and the API
    /// selectors (`openai:chat:MODEL`) that change nothing here.
    static let names: [String: (provider: String, selectors: Set<String>)] = [
        "openai": ("openai", ["chat", "responses"]),
        "anthropic": ("anthropic", ["messages"]),
        "google": ("gemini", []),
        "gemini": ("gemini", []),
        "mistral": ("mistral", ["chat"]),
        // Ollama's /api/generate (a bare `ollama:` and `completion:`) puts a text prompt in the
        // model's chat template as one user message: what /api/chat is sent here.
        "ollama": ("ollama", ["chat", "completion"]),
        "sim": ("sim", []),
    ]

    /// API selectors of other kinds of model than chat, by what they are.
    static let otherAPIs: [String: String] = [
        "completion": "legacy text-completion models", "embedding": "embedding models", "embeddings": "embedding models",
        "image": "image generation", "video": "video generation", "assistant": "OpenAI assistants", "realtime": "realtime audio",
        "audio": "audio models", "moderation": "moderation models", "agents": "agents", "codex-sdk": "agent SDKs",
        "claude-agent-sdk": "agent SDKs", "chatkit": "ChatKit workflows", "transcription": "transcription models",
    ]

    /// Prefixes of providers that run code or reach arbitrary endpoints.
    static let custom: [(prefix: String, what: String)] = [
        ("file://", "providers in files (JavaScript, Python, YAML) are not supported"),
        ("exec:", "script providers (exec:) are not supported"),
        ("python:", "Python providers are not supported"),
        ("http://", "HTTP endpoint providers are not supported: add the server to the Genesis configuration as a provider"),
        ("https://", "HTTP endpoint providers are not supported: add the server to the Genesis configuration as a provider"),
        ("ws://", "WebSocket providers are not supported"), ("wss://", "WebSocket providers are not supported"),
        ("webhook:", "webhook providers are not supported"), ("promptfoo:", "promptfoo's own providers are not supported"),
        ("vertex:", "Vertex AI (vertex:) is not supported; google:MODEL reaches the Gemini models through the Gemini API"),
    ]

    /// The model a promptfoo id names. `echo` is the simulated provider's `echo` model (the
    /// prompt back, as promptfoo's). An id of a provider promptfoo has and Genesis has no name
    /// for (`deepseek:deepseek-chat`) names a provider of the Genesis configuration by that name.
    ///
    /// With `embedding`, the id names an embedding model (`openai:embedding:text-embedding-3-small`,
    /// `ollama:embeddings:nomic-embed-text`, `sim:embed`), and the `embedding:`/`embeddings:`
    /// selector is dropped instead of refused.
    public static func model(_ id: String, embedding: Bool = false) throws(ProviderIDError) -> ModelID {
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        if trimmed == "echo" { return ModelID(provider: "sim", model: "echo") }
        if let refusal = custom.first(where: { trimmed.hasPrefix($0.prefix) }) { throw ProviderIDError(id: id, message: refusal.what) }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1...].joined().isEmpty else {
            throw ProviderIDError(id: id, message: "is not a model; write provider:model, e.g. openai:gpt-4.1 or anthropic:messages:claude-sonnet-4-6")
        }
        let known = names[parts[0]]
        var rest = Array(parts.dropFirst())
        if rest.count >= 2, known?.selectors.contains(rest[0]) == true || embedding && ["embedding", "embeddings"].contains(rest[0]) {
            rest.removeFirst()
        } else if rest.count >= 2, let what = otherAPIs[rest[0]] {
            throw ProviderIDError(id: id, message: "\(what) (\(parts[0]):\(rest[0]):) are not supported: Genesis evaluates chat models")
        }
        let model = rest.joined(separator: ":")
        guard !model.isEmpty else { throw ProviderIDError(id: id, message: "names no model; write provider:model, e.g. openai:chat:gpt-4.1") }
        return ModelID(provider: known?.provider ?? parts[0], model: model)
    }

    /// A provider's `config` as request settings, across the providers' spellings (OpenAI's
    /// `max_tokens`, Gemini's `generationConfig.maxOutputTokens`, Ollama's `num_predict`).
    /// Keys that only say how to reach the provider or what it costs are refused: Genesis takes
    /// them from its own configuration.
    public static func parameters(_ config: JSONValue, at path: String = "config") throws(ProviderIDError) -> GenerationParameters {
        guard let object = config.object else { throw ProviderIDError(id: path, message: "must be a mapping, e.g. {temperature: 0}") }
        var parameters = GenerationParameters()
        for key in object.keys.sorted() {
            let value = object[key] ?? .null
            func number() throws(ProviderIDError) -> Double {
                guard let n = value.double, n.isFinite else { throw ProviderIDError(id: "\(path).\(key)", message: "must be a number") }
                return n
            }
            func whole(from least: Double) throws(ProviderIDError) -> Double {
                let n = try number()
                guard n >= least, n == n.rounded(), n < 1e15 else { throw ProviderIDError(id: "\(path).\(key)", message: "must be a whole number of at least \(Int(least))") }
                return n
            }
            switch key {
            case "temperature": parameters.temperature = try number()
            case "max_tokens", "maxTokens", "max_completion_tokens", "max_output_tokens", "maxOutputTokens", "num_predict", "max_new_tokens":
                parameters.maxTokens = Int(try whole(from: 1))
            case "top_p", "topP": parameters.topP = try number()
            case "seed":
                parameters.seed = UInt64(try whole(from: 0))
            case "stop", "stop_sequences", "stopSequences":
                if let one = value.string { parameters.stopSequences = [one] }
                else if let list = value.array, list.allSatisfy({ $0.string != nil }) { parameters.stopSequences = list.compactMap(\.string) }
                else { throw ProviderIDError(id: "\(path).\(key)", message: "must be a string or a list of strings") }
            case "response_format":
                switch value["type"]?.string ?? value.string {
                case "json_object", "json": parameters.responseFormat = .json
                case "text": parameters.responseFormat = .text
                case "json_schema":
                    throw ProviderIDError(id: "\(path).response_format", message: "a JSON schema response format (structured outputs) is not supported; {type: json_object} asks for JSON mode, and is-json with a schema checks the answer")
                default: throw ProviderIDError(id: "\(path).response_format", message: "must be {type: json_object} or {type: text}")
                }
            case "reasoning_effort":
                // OpenAI's values, which are Genesis's reasoning levels (`none` is `.off`).
                guard let level = value.string.flatMap(ReasoningLevel.init(rawValue:)) else {
                    throw ProviderIDError(id: "\(path).\(key)", message: "must be one of none, minimal, low, medium, high, xhigh, max")
                }
                parameters.reasoning = level
            case "generationConfig" where path == "config":
                let nested = try Self.parameters(value, at: "config.generationConfig")
                parameters = nested.filled(from: parameters)
            case "apiKey", "apiKeyEnvar", "apiHost", "apiBaseUrl", "baseUrl", "apiVersion", "organization", "headers", "region", "projectId":
                throw ProviderIDError(id: "\(path).\(key)", message: "Genesis reaches providers as its configuration says (genesis keys, [providers.NAME] base_url); remove \(key) from the suite")
            case "cost", "inputCost", "outputCost":
                throw ProviderIDError(id: "\(path).\(key)", message: "price overrides are not supported: Genesis prices answers from its price catalog ([prices] in the configuration)")
            default:
                throw ProviderIDError(id: "\(path).\(key)", message: "is not supported; a provider's config may set temperature, max_tokens, top_p, stop, seed, response_format and reasoning_effort")
            }
        }
        return parameters
    }
}

/// A promptfoo provider id or config key Genesis cannot serve, and why.
public struct ProviderIDError: Error, Hashable, Sendable {
    public var id: String
    public var message: String
}
