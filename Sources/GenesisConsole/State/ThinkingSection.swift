import GenesisEngine

/// One answer's reasoning, kept beside it in its pane. While the model thinks it streams live;
/// once the answer begins (or the request ends without one) it is drawn just above the answer,
/// as a one-line summary or, expanded, whole.
public struct ThinkingSection: Equatable, Sendable {
    /// Where its answer starts in the pane's text (a UTF-8 offset, just after the prompt): the
    /// section is drawn above the line that starts there.
    public let anchor: Int
    /// The reasoning, cleaned for the screen.
    public internal(set) var text = ""
    /// When the first reasoning arrived, as the runtime stamped it (nil: not stamped, as in tests).
    var startedAt: ContinuousClock.Instant?
    /// The answer has begun, or the request ended without one: the section no longer streams live.
    public internal(set) var isClosed = false
    /// How long the model thought: from its first reasoning to its first answer text (or the end).
    /// Measured when the events were stamped, else the engine's figure once the answer is done.
    public internal(set) var duration: Duration?
    /// Reasoning tokens as the provider reported them; nil until then (``tokens`` estimates).
    public internal(set) var reportedTokens: Int?
    /// The reasoning laid out, for the expanded view (only new text is laid out, as for answers).
    let layout = LayoutCache()

    init(anchor: Int) {
        self.anchor = anchor
    }

    /// The reported count, or an estimate from the text (``tokensEstimated``).
    public var tokens: Int { reportedTokens ?? TokenEstimator.estimate(text) }
    public var tokensEstimated: Bool { reportedTokens == nil }

    /// `thinking · 1.2k tokens · 8.4 s`; an estimated count reads `~1.2k tokens`.
    public var summary: String {
        var parts = ["thinking", "\(tokensEstimated ? "~" : "")\(Format.count(tokens)) tokens"]
        if let duration { parts.append(Format.duration(duration)) }
        return parts.joined(separator: " · ")
    }

    mutating func append(_ delta: String, at instant: ContinuousClock.Instant?) {
        if text.isEmpty { startedAt = instant }
        text += delta
    }

    /// The answer began, or the request ended: thinking time stops here.
    mutating func close(at instant: ContinuousClock.Instant?) {
        guard !isClosed else { return }
        isClosed = true
        if let startedAt, let instant { duration = startedAt.duration(to: instant) }
    }

    /// The finished answer's figures, for what was not measured or reported as it streamed.
    mutating func complete(_ result: GenerationResult) {
        if duration == nil { duration = result.reasoningTime }
        if let reported = result.usage.reasoningTokens { reportedTokens = reported }
    }
}
