import Synchronization

/// The text a stream has shown so far, shared between an attempt and the retry loop: once
/// anything was shown, the request is never retried or handed to a fallback.
final class StreamProgress: Sendable {
    private let shown = Mutex<String>("")
    private let thought = Mutex<String>("")

    func append(_ delta: String) { shown.withLock { $0 += delta } }
    func appendReasoning(_ delta: String) { thought.withLock { $0 += delta } }
    var text: String { shown.withLock { $0 } }
    var reasoning: String { thought.withLock { $0 } }
    var hasText: Bool { shown.withLock { !$0.isEmpty } }
    /// Whether answer text or reasoning was shown.
    var hasOutput: Bool { hasText || thought.withLock { !$0.isEmpty } }

    /// Usage of a stream that did not finish (for accounting it): what the provider reported
    /// before it ended, with output it had not counted yet estimated from what was shown; an
    /// estimate when it reported nothing; nil when no stream began.
    func usage(_ request: GenerationRequest) -> Usage? {
        let (text, reasoning) = (self.text, self.reasoning)
        let shownTokens = TokenEstimator.estimate(text) + TokenEstimator.estimate(reasoning)
        if var usage = reported.withLock({ $0 }) {
            if usage.outputTokens < shownTokens {
                usage.outputTokens = shownTokens
                usage.isEstimated = true
            }
            return usage
        }
        guard began.withLock({ $0 }) || !text.isEmpty else { return nil }
        return Usage(inputTokens: TokenEstimator.estimate(request.messages), outputTokens: shownTokens, isEstimated: true)
    }

    private let reported = Mutex<Usage?>(nil)
    private let began = Mutex(false)

    /// A new attempt: what the last one reported is its own (it showed nothing, or there would
    /// be no other attempt).
    func newAttempt() {
        reported.withLock { $0 = nil }
        began.withLock { $0 = false }
    }

    /// The provider reported usage (it may report again, more complete, later).
    func report(_ usage: Usage) { reported.withLock { $0 = usage } }
    /// The provider accepted the request and its stream began: from here tokens may be billed.
    func started() { began.withLock { $0 = true } }
}
