/// What a model takes that its provider's API does not say: the one place adapters ask, so that
/// what a model refuses is not spread over name patterns in each adapter.
///
/// The catalog decides where it knows the model (LiteLLM's `supports_sampling_params: false`
/// marks the Claude models that refuse sampling and take only adaptive thinking;
/// `supports_reasoning` a model that thinks); the kind's families cover ids it does not list.
/// A model id matches a family when it is the family's id or starts with it followed by `-`,
/// `.`, `:` or `@` (a date snapshot or a variant); the longest matching family wins. The families
/// and the catalog's meaning are the kind's (``ProviderKind/modelTraits``).
public struct ModelTraits: Sendable, Hashable {
    /// How the model is asked to think.
    public enum Thinking: Sendable, Hashable {
        /// No thinking settings (the model does not reason, or is not known to).
        case none
        /// Known not to think, and refuses thinking settings (Claude 3 and 3.5).
        case never
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
    /// Cannot turn its thinking off (Gemini 2.5 Pro): asked for none, it gets the least there is.
    public var alwaysThinks = false

    public init(thinking: Thinking = .none, refusesSampling: Bool = false, alwaysThinks: Bool = false) {
        self.thinking = thinking
        self.refusesSampling = refusesSampling
        self.alwaysThinks = alwaysThinks
    }

    /// What a kind's models take (``ProviderKind/modelTraits``): families by model id, and what
    /// the catalog's flags mean for the kind's way of thinking.
    public struct Rules: Sendable, Hashable {
        /// Traits by family id; the longest family a model id matches wins.
        public var families: [String: ModelTraits]
        /// How a model the catalog marks `supports_sampling_params: false` thinks, if that says so.
        public var thinkingWhenSamplingRefused: Thinking?
        /// How a model the catalog marks `supports_reasoning` thinks when no family says.
        public var thinkingWhenReasoning: Thinking?

        public init(families: [String: ModelTraits] = [:], thinkingWhenSamplingRefused: Thinking? = nil,
                    thinkingWhenReasoning: Thinking? = nil) {
            self.families = families
            self.thinkingWhenSamplingRefused = thinkingWhenSamplingRefused
            self.thinkingWhenReasoning = thinkingWhenReasoning
        }

        /// The traits of `model`, where the catalog has `price` for it.
        public func traits(of model: String, price: ModelPrice? = nil) -> ModelTraits {
            let id = model.lowercased()
            var best: (length: Int, traits: ModelTraits)?
            for (family, traits) in families where family.count > (best?.length ?? -1) && ModelTraits.matches(id, family: family) {
                best = (family.count, traits)
            }
            var traits = best?.traits ?? ModelTraits()
            guard let price else { return traits }
            if let sampling = price.supportsSampling {
                traits.refusesSampling = !sampling
                if !sampling, let thinking = thinkingWhenSamplingRefused { traits.thinking = thinking }
            }
            if traits.thinking == .none, price.supportsReasoning == true, let thinking = thinkingWhenReasoning { traits.thinking = thinking }
            return traits
        }
    }

    static func matches(_ id: String, family: String) -> Bool {
        guard id.hasPrefix(family) else { return false }
        let rest = id.dropFirst(family.count)
        return rest.first.map { "-.:@".contains($0) } ?? true
    }
}
