/// What a model takes that its provider's API does not say: the one place adapters ask, so that
/// what a model refuses is not spread over name patterns in each adapter.
///
/// The catalog decides where it knows the model (LiteLLM's `supports_sampling_params: false`
/// marks the Claude models that refuse sampling and take only adaptive thinking;
/// `supports_reasoning` a model that thinks); the families below cover ids it does not list.
/// A model id matches a family when it is the family's id or starts with it followed by `-`,
/// `.`, `:` or `@` (a date snapshot or a variant); the longest matching family wins.
public struct ModelTraits: Sendable, Hashable {
    /// How the model is asked to think.
    public enum Thinking: Sendable, Hashable {
        /// No thinking settings (the model does not reason, or is not known to).
        case none
        /// Anthropic: `thinking: {type: "enabled", budget_tokens}` (and `adaptive` where taken).
        case budget
        /// Anthropic Opus 4.7 and later: only `{type: "adaptive"}`, with `output_config.effort`.
        case adaptiveOnly
        /// Gemini 2.5: `thinkingConfig.thinkingBudget`.
        case geminiBudget
        /// Gemini 3 and later: `thinkingConfig.thinkingLevel`.
        case geminiLevel
    }

    public var thinking: Thinking = .none
    /// Refuses `temperature`, `top_p` and `top_k` (they are left out, with a notice).
    public var refusesSampling = false

    public init(thinking: Thinking = .none, refusesSampling: Bool = false) {
        self.thinking = thinking
        self.refusesSampling = refusesSampling
    }

    /// Families by provider kind (PROTOCOLS 9.2 and 9.3).
    static let families: [String: [(String, ModelTraits)]] = [
        "anthropic": [
            ("claude-3-7-sonnet", ModelTraits(thinking: .budget)),
            ("claude-sonnet-4", ModelTraits(thinking: .budget)), ("claude-opus-4", ModelTraits(thinking: .budget)),
            ("claude-haiku-4", ModelTraits(thinking: .budget)), ("claude-sonnet-5", ModelTraits(thinking: .budget)),
            ("claude-opus-4-7", ModelTraits(thinking: .adaptiveOnly, refusesSampling: true)),
            ("claude-opus-4-8", ModelTraits(thinking: .adaptiveOnly, refusesSampling: true)),
            ("claude-opus-5", ModelTraits(thinking: .adaptiveOnly, refusesSampling: true)),
        ],
        "gemini": [
            ("gemini-2.5", ModelTraits(thinking: .geminiBudget)),
            ("gemini-3", ModelTraits(thinking: .geminiLevel)),
        ],
    ]

    /// The traits of `model` at a provider of `kind`, where the catalog has `price` for it.
    public static func of(kind: String, model: String, price: ModelPrice? = nil) -> ModelTraits {
        let id = model.lowercased()
        var best: (length: Int, traits: ModelTraits)?
        for (family, traits) in families[kind] ?? [] where family.count > (best?.length ?? -1) && matches(id, family: family) {
            best = (family.count, traits)
        }
        var traits = best?.traits ?? ModelTraits()
        guard let price else { return traits }
        if let sampling = price.supportsSampling {
            traits.refusesSampling = !sampling
            if kind == "anthropic", !sampling { traits.thinking = .adaptiveOnly }
        }
        if kind == "anthropic", traits.thinking == .none, price.supportsReasoning == true { traits.thinking = .budget }
        return traits
    }

    static func matches(_ id: String, family: String) -> Bool {
        guard id.hasPrefix(family) else { return false }
        let rest = id.dropFirst(family.count)
        return rest.first.map { "-.:@".contains($0) } ?? true
    }
}
