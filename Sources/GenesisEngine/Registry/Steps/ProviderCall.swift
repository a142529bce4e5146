/// The attempt itself: the provider's answer, streamed or whole, shown through
/// ``ShownAnswer``, with its usage (estimated when the provider reports none) and cost.
struct ProviderCall: CallStep {
    func handle(_ attempt: Attempt) async throws -> GenerationResult {
        let (registry, request, model, entry, progress) = (attempt.registry, attempt.request, attempt.model, attempt.entry, attempt.progress)
        progress.newAttempt()
        let providerRequest = ProviderRequest(model: attempt.served, messages: request.messages, parameters: request.parameters,
                                              attempt: attempt.context)
        var response = ProviderResponse(text: "", finishReason: .stop)
        var answer = ShownAnswer(attempt)
        if attempt.streaming {
            var sawFinish = false
            let events = try await entry.provider.stream(providerRequest)
            progress.started()
            // On the thread that reads the stream, when asked and the provider names one (the
            // HTTP adapters: the connection's event loop): no thread hand-over per chunk.
            try await withTaskExecutorPreference(attempt.decodeOnReadingThread ? attempt.context.streamExecutor : nil) {
                for try await event in events {
                    switch event {
                    case .text(let delta):
                        try answer.text(delta)
                        continue
                    case .reasoning(let delta):
                        answer.reasoning(delta)
                        continue
                    case .notice(let notice):
                        attempt.emit?(.notice(notice))
                    case .usage(let usage):
                        progress.report(usage)
                    case .rateLimits(let snapshot):
                        entry.learned.learn(snapshot, model: attempt.served)
                    case .finish:
                        sawFinish = true
                    default:
                        break
                    }
                    response.apply(event)
                }
            }
            try Task.checkCancellation()
            try answer.finish()
            if !sawFinish { response.finishReason = .stop }
        } else {
            response = try await entry.provider.generate(providerRequest)
            if let snapshot = response.rateLimits { entry.learned.learn(snapshot, model: attempt.served) }
            try answer.whole(&response)
        }
        let text = attempt.streaming ? progress.text : response.text
        var usage = response.usage ?? Usage(inputTokens: TokenEstimator.estimate(request.messages),
                                            outputTokens: TokenEstimator.estimate(text), isEstimated: true)
        // Output reported without the input (Ollama's cached prompt): the input is estimated.
        if usage.isEstimated, usage.inputTokens == 0 { usage.inputTokens = TokenEstimator.estimate(request.messages) }
        if attempt.streaming {
            attempt.emit?(.usage(usage))
            attempt.emit?(.finish(response.finishReason))
        }
        var result = GenerationResult(model: model, servedVersion: response.servedVersion.map(registry.heldKeys.redact) ?? attempt.version,
                                      text: text, finishReason: response.finishReason, usage: usage,
                                      cost: registry.prices.cost(of: usage, for: model),
                                      latency: attempt.start.duration(to: registry.clock.now), timeToFirstToken: answer.timeToFirstToken,
                                      isSimulated: entry.provider.isSimulated)
        result.rawFinishReason = response.rawFinishReason
        result.reasoning = attempt.streaming ? progress.reasoning : response.reasoning
        result.notices = response.notices
        result.reasoningTime = answer.reasoningDuration
        result.filterMatches = answer.matches
        if request.parameters.responseFormat == .json { result.jsonProblem = JSONCheck.problem(in: text) }
        return result
    }
}
