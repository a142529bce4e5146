import Clocks

/// Logs the content rules the answer matched (warn and block say so, as on input), and names
/// the model in a rule that took too long. The rules themselves run on the answer as it is
/// shown, in ``ShownAnswer``.
struct OutputFiltering<Next: CallStep>: CallStep {
    let next: Next

    func handle(_ attempt: Attempt) async throws -> GenerationResult {
        do {
            let result = try await next.handle(attempt)
            for match in result.filterMatches where match.action != .redact {
                attempt.registry.logger.warning("content rule matched the answer", metadata: [
                    "genesis.model": "\(attempt.model)", "genesis.rule": "\(match.rule)",
                    "genesis.action": "\(match.action.rawValue)", "genesis.count": "\(match.count)",
                ])
            }
            return result
        } catch let slow as ContentRuleTooSlowError {
            throw slow.on(attempt.model)
        }
    }
}

/// The answer of one attempt as it is shown: held keys masked first (so that output rules and
/// everything after see no key), then the output rules, then the caller's events and the
/// attempt's progress, timing the first token and the reasoning before it.
struct ShownAnswer {
    let attempt: Attempt
    private let filter: OutputFilterBuffer?
    private var keys: KeyRedactingStream?
    private var reasoningKeys: KeyRedactingStream?
    private var reasoningStart: AnyClock<Duration>.Instant?
    private var reasoningTime: Duration?
    private(set) var timeToFirstToken: Duration?

    init(_ attempt: Attempt) {
        self.attempt = attempt
        let registry = attempt.registry
        filter = registry.configuration.security.filter.applies(to: .output) ? OutputFilterBuffer(filter: registry.configuration.security.filter) : nil
        keys = registry.heldKeys.isEmpty ? nil : KeyRedactingStream(registry.heldKeys)
        reasoningKeys = keys
    }

    /// What the output rules matched.
    var matches: [FilterMatch] { filter?.matches ?? [] }

    /// How long the model reasoned before its answer (until now if it never answered).
    var reasoningDuration: Duration? {
        reasoningTime ?? reasoningStart.map { $0.duration(to: attempt.registry.clock.now) }
    }

    /// A streamed piece of the answer's text.
    mutating func text(_ delta: String) throws {
        var delta = delta
        if keys != nil { delta = keys!.feed(delta) }
        guard !delta.isEmpty else { return }
        if let filter { return try show(filter.feed(delta)) }
        shown(delta)
    }

    /// A streamed piece of the reasoning (output rules do not apply to it).
    mutating func reasoning(_ delta: String) {
        var delta = delta
        if reasoningKeys != nil { delta = reasoningKeys!.feed(delta) }
        think(delta)
    }

    /// The stream ended: what the key masks and the output rules still held back.
    mutating func finish() throws {
        if let rest = reasoningKeys?.finish() { think(rest) }
        if let rest = keys?.finish(), !rest.isEmpty {
            if let filter { try show(filter.feed(rest)) } else { shown(rest) }
        }
        if let filter { try show(filter.finish()) }
    }

    /// A whole answer (not streamed), masked and filtered in place.
    func whole(_ response: inout ProviderResponse) throws {
        let heldKeys = attempt.registry.heldKeys
        response.text = heldKeys.redact(response.text)
        response.reasoning = heldKeys.redact(response.reasoning)
        guard let filter else { return }
        let released = try filter.feed(response.text), rest = try filter.finish()
        if let rule = released.blockedBy ?? rest.blockedBy { throw blocked(rule) }
        response.text = released.text + rest.text
    }

    private mutating func think(_ delta: String) {
        guard !delta.isEmpty else { return }
        if reasoningStart == nil { reasoningStart = attempt.registry.clock.now }
        attempt.progress.appendReasoning(delta)
        attempt.emit?(.reasoning(delta))
    }

    private mutating func show(_ released: OutputFilterBuffer.Released) throws {
        if let rule = released.blockedBy { throw blocked(rule) }
        guard !released.text.isEmpty else { return }
        shown(released.text)
    }

    private mutating func shown(_ text: String) {
        if timeToFirstToken == nil {
            let now = attempt.registry.clock.now
            timeToFirstToken = attempt.start.duration(to: now)
            if let reasoningStart { reasoningTime = reasoningStart.duration(to: now) }
        }
        attempt.progress.append(text)
        attempt.emit?(.text(text))
    }

    private func blocked(_ rule: FilterRule) -> ContentBlockedError {
        ContentBlockedError(provider: attempt.model.provider, model: attempt.model.model, rule: rule.name, direction: .output)
    }
}
