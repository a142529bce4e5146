/// How one simulated model behaves: speed, length, style and failures.
public struct SimulatedModel: Sendable, Hashable {
    public enum Style: Sendable, Hashable { case concise, balanced, thorough }

    /// Failure rates per call, for the model that shows what errors look like.
    public struct Failures: Sendable, Hashable {
        public var rateLimited: Double
        public var overloaded: Double
        public var brokenMidStream: Double
        public static let none = Failures(rateLimited: 0, overloaded: 0, brokenMidStream: 0)
    }

    public var id: String
    public var summary: String
    public var timeToFirstToken: Duration
    public var tokensPerSecond: Double
    public var answerTokens: ClosedRange<Int>
    public var style: Style
    public var contextWindow: Int
    public var failures: Failures
    /// How long a reasoning model thinks before it answers, in tokens streamed as reasoning at
    /// the model's speed (at the default `--reasoning` level); nil for a model that answers at once.
    public var reasoningTokens: ClosedRange<Int>? = nil
    /// Answers with the prompt itself, as promptfoo's `echo` provider does: for checking prompts
    /// and assertions without a model.
    public var echoesPrompt = false
}

extension SimulatedModel {
    /// How much of its usual reasoning a reasoning model does at a level: none at `none`, a
    /// quarter at `minimal`, half at `low`, all of it at `medium` (and by default), twice at
    /// `high`, two and a half at `xhigh`, three times at `max`.
    public static func reasoningScale(_ level: ReasoningLevel?) -> Double {
        switch level {
        case .off: 0
        case .minimal: 0.25
        case .low: 0.5
        case .medium, nil: 1
        case .high: 2
        case .xhigh: 2.5
        case .max: 3
        }
    }
}

/// The simulated provider's models.
public enum SimulatedCatalog {
    public static let models: [SimulatedModel] = [
        SimulatedModel(id: "fast", summary: "quick and short: 120 ms to first token, ~160 tokens/s",
                       timeToFirstToken: .milliseconds(120), tokensPerSecond: 160, answerTokens: 40...90,
                       style: .concise, contextWindow: 16_384, failures: .none),
        SimulatedModel(id: "balanced", summary: "the default: 350 ms to first token, ~70 tokens/s, Markdown answers",
                       timeToFirstToken: .milliseconds(350), tokensPerSecond: 70, answerTokens: 120...220,
                       style: .balanced, contextWindow: 128_000, failures: .none),
        SimulatedModel(id: "deep", summary: "slow and thorough: 900 ms to first token, ~30 tokens/s, code blocks",
                       timeToFirstToken: .milliseconds(900), tokensPerSecond: 30, answerTokens: 250...420,
                       style: .thorough, contextWindow: 200_000, failures: .none),
        SimulatedModel(id: "flaky", summary: "unreliable on purpose: rate limits (429), overload (503) and broken streams",
                       timeToFirstToken: .milliseconds(250), tokensPerSecond: 60, answerTokens: 80...160,
                       style: .balanced, contextWindow: 32_768,
                       failures: .init(rateLimited: 0.2, overloaded: 0.15, brokenMidStream: 0.1)),
        SimulatedModel(id: "tiny", summary: "a 2,048-token context window, to show context-length errors",
                       timeToFirstToken: .milliseconds(80), tokensPerSecond: 120, answerTokens: 20...60,
                       style: .concise, contextWindow: 2_048, failures: .none),
        SimulatedModel(id: "thinker", summary: "a reasoning model: thinks aloud for ~2 s before a Markdown answer (honours --reasoning)",
                       timeToFirstToken: .milliseconds(300), tokensPerSecond: 90, answerTokens: 120...200,
                       style: .balanced, contextWindow: 128_000, failures: .none, reasoningTokens: 120...200),
        SimulatedModel(id: "echo", summary: "answers with the prompt as sent, at once (promptfoo's echo provider): to check prompts and assertions",
                       timeToFirstToken: .zero, tokensPerSecond: 1_000_000, answerTokens: 1...1,
                       style: .concise, contextWindow: 1_000_000, failures: .none, echoesPrompt: true),
    ]

    public static func model(_ id: String) -> SimulatedModel? {
        models.first { $0.id == id.lowercased() }
    }
}
