/// Tokens a request consumed.
///
/// Taken from what the provider reports; when a stream ends without a report the engine counts
/// an estimate and sets `isEstimated`, so nobody mistakes a guess for a bill.
///
/// The details are parts of the two totals, nil when the provider did not report them: cached and
/// cache-write tokens are part of `inputTokens` (whatever the provider's own arithmetic: Anthropic
/// reports them beside its `input_tokens`, OpenAI and Gemini inside theirs), and reasoning tokens
/// are part of `outputTokens`, which stays what the provider bills as output.
public struct Usage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var isEstimated: Bool
    /// Input tokens read from the provider's prompt cache (billed at its cache-read rate).
    public var cachedInputTokens: Int?
    /// Input tokens written to the provider's prompt cache (billed at its cache-write rate).
    public var cacheWriteTokens: Int?
    /// Output tokens the model spent reasoning before (or while) it answered.
    public var reasoningTokens: Int?
    /// Of the cache writes, those kept for an hour (Anthropic's `ephemeral_1h_input_tokens`,
    /// billed at a higher rate than its 5-minute writes).
    public var cacheWrite1hTokens: Int?

    public init(inputTokens: Int, outputTokens: Int, isEstimated: Bool = false, cachedInputTokens: Int? = nil,
                cacheWriteTokens: Int? = nil, reasoningTokens: Int? = nil, cacheWrite1hTokens: Int? = nil) {
        self.cacheWrite1hTokens = cacheWrite1hTokens
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.isEstimated = isEstimated
        self.cachedInputTokens = cachedInputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.reasoningTokens = reasoningTokens
    }

    public var totalTokens: Int { inputTokens + outputTokens }
}

/// Why a model stopped producing text, normalised across providers.
public enum FinishReason: String, Sendable, Hashable, Codable {
    /// A natural end or a stop sequence.
    case stop
    /// The `maxTokens` limit (or the context window) cut the answer short.
    case length
    case contentFilter = "content_filter"
    case toolCalls = "tool_calls"
    /// The caller cancelled the request.
    case cancelled
    /// The provider ended the answer with a failure of its own (e.g. Gemini's `OTHER`).
    case error
}

/// Rough token count of text for reservations and for estimates when a provider reports none:
/// about four bytes of English per token, never less than one token for non-empty text.
public enum TokenEstimator {
    public static func estimate(_ text: String) -> Int {
        text.isEmpty ? 0 : max(1, (text.utf8.count + 3) / 4)
    }

    /// The prompt side of a request: its text plus a few tokens of framing per message.
    public static func estimate(_ messages: [ChatMessage]) -> Int {
        messages.reduce(0) { total, message in
            let images = message.parts.count { if case .image = $0 { true } else { false } }
            return total + 4 + estimate(message.text) + images * 765
        }
    }

    /// The answer a request that sets no max tokens is assumed to run to, for reservations.
    public static let unboundedAnswer = 512

    /// The most a request is expected to use, for reservations (the rate limiter's tokens, a
    /// budget's booking): its prompt, estimated, and an answer of its max tokens, the one bound
    /// on an answer known before it is sent (``unboundedAnswer`` when it sets none).
    public static func estimate(_ request: GenerationRequest) -> Usage {
        Usage(inputTokens: estimate(request.messages),
              outputTokens: (request.parameters.maxTokens ?? unboundedAnswer).clamped(to: 0...Int(Int32.max)), isEstimated: true)
    }
}
