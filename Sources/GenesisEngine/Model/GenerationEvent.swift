/// What `streamGenerate` yields, in order: `started`, then `reasoning` and `text` deltas (with
/// `retry` or `fallback` notices only before the first of them), `usage`, `finish`, and last
/// `completed`.
public enum GenerationEvent: Sendable, Hashable {
    /// A model starts an attempt.
    case started(model: ModelID, attempt: Int)
    /// A piece of the answer. Never rewritten: what was shown stays shown.
    case text(String)
    /// A piece of the model's reasoning (or the provider's summary of it), before or beside the
    /// answer. Never part of the answer's text.
    case reasoning(String)
    /// The adapter changed the request so that the model would take it (a refused setting left
    /// out, a limit raised), in one line, for the person to see.
    case notice(String)
    /// Token usage of the answer, reported by the provider or marked estimated.
    case usage(Usage)
    /// Why the answer ended.
    case finish(FinishReason)
    /// An attempt failed before any text and will be tried again after `delay`.
    case retry(RetryNotice)
    /// A model failed before any text; the next model in its fallback chain takes over.
    case fallback(FallbackNotice)
    /// The final summary; the last event of a successful stream.
    case completed(GenerationResult)
}

public struct RetryNotice: Sendable, Hashable {
    public var model: ModelID
    /// The attempt that failed (1-based); the next one is `attempt + 1`.
    public var attempt: Int
    public var delay: Duration
    public var reason: String
}

public struct FallbackNotice: Sendable, Hashable {
    public var from: ModelID
    public var to: ModelID
    public var reason: String
    public var category: ErrorCategory
}
