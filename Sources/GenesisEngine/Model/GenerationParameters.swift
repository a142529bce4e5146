/// Sampling and length settings of one request. `nil` leaves the provider's default.
public struct GenerationParameters: Sendable, Hashable, Codable {
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var stopSequences: [String]
    /// Deterministic sampling where the provider supports it (the simulator always does).
    public var seed: UInt64?
    /// `.json` asks for the provider's JSON mode; the engine then checks that the answer parses.
    public var responseFormat: ResponseFormat?
    /// How hard a reasoning model should think; nil leaves the provider's default.
    public var reasoning: ReasoningLevel?

    public init(maxTokens: Int? = nil, temperature: Double? = nil, topP: Double? = nil,
                stopSequences: [String] = [], seed: UInt64? = nil, responseFormat: ResponseFormat? = nil,
                reasoning: ReasoningLevel? = nil) {
        self.responseFormat = responseFormat
        self.reasoning = reasoning
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.stopSequences = stopSequences
        self.seed = seed
    }

    /// These parameters with what they leave unset taken from `defaults` (a deployment's or the
    /// configuration's parameters).
    public func filled(from defaults: GenerationParameters) -> GenerationParameters {
        var filled = self
        filled.maxTokens = maxTokens ?? defaults.maxTokens
        filled.temperature = temperature ?? defaults.temperature
        filled.topP = topP ?? defaults.topP
        if stopSequences.isEmpty { filled.stopSequences = defaults.stopSequences }
        filled.seed = seed ?? defaults.seed
        filled.responseFormat = responseFormat ?? defaults.responseFormat
        filled.reasoning = reasoning ?? defaults.reasoning
        return filled
    }
}

/// One knob for reasoning effort, mapped by each adapter to what its provider takes (OpenAI's
/// `reasoning_effort`, Anthropic's thinking budget or adaptive effort, Gemini's thinking level or
/// budget, Ollama's `think`).
public enum ReasoningLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// No reasoning where the model can skip it (`none` on the command line and in the
    /// configuration; not named `none` in Swift, where `.none` would read as a missing level).
    case off = "none"
    case minimal, low, medium, high
    /// More than high: OpenAI's and Anthropic's `xhigh`, a larger thinking budget on Anthropic
    /// and Gemini 2.5; Gemini 3 and Ollama have nothing above high and send their high.
    case xhigh
    /// The most the provider offers.
    case max
}

/// The shape of answer asked for.
public enum ResponseFormat: String, Sendable, Hashable, Codable {
    case text, json
}

/// What the engine is asked: a model, a conversation and parameters.
public struct GenerationRequest: Sendable, Hashable {
    public var model: ModelID
    public var messages: [ChatMessage]
    public var parameters: GenerationParameters

    public init(model: ModelID, messages: [ChatMessage], parameters: GenerationParameters = .init()) {
        self.model = model
        self.messages = messages
        self.parameters = parameters
    }

    /// A plain prompt, with an optional system message first.
    public init(model: ModelID, prompt: String, system: String? = nil, parameters: GenerationParameters = .init()) {
        var messages: [ChatMessage] = []
        if let system { messages.append(.system(system)) }
        messages.append(.user(prompt))
        self.init(model: model, messages: messages, parameters: parameters)
    }
}
