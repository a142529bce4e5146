import Clocks
import Foundation
import Logging
import Synchronization

extension ModelRegistry {
    /// A whole answer to a prompt (the seed's `generate_text`).
    public nonisolated func generateText(provider: String, model: String, prompt: String, system: String? = nil,
                                         maxTokens: Int? = nil, temperature: Double? = nil, stopSequences: [String] = [],
                                         options: RequestOptions = .init()) async throws -> GenerationResult {
        let parameters = GenerationParameters(maxTokens: maxTokens, temperature: temperature, stopSequences: stopSequences)
        return try await generate(GenerationRequest(model: ModelID(provider: provider, model: model), prompt: prompt, system: system,
                                                    parameters: parameters), options: options)
    }

    /// A whole answer to a conversation, through the limiter, retries, fallbacks and cache.
    public nonisolated func generate(_ request: GenerationRequest, options: RequestOptions = .init()) async throws -> GenerationResult {
        try await execute(request, options: options, streaming: false, emit: nil)
    }

    /// An answer as it is produced (the seed's `stream_generate`). See ``GenerationEvent`` for the
    /// order of events. Stop iterating to cancel the request.
    public nonisolated func streamGenerate(provider: String, model: String, prompt: String, system: String? = nil,
                                           maxTokens: Int? = nil, temperature: Double? = nil, stopSequences: [String] = [],
                                           options: RequestOptions = .init()) -> GenerationStream {
        let parameters = GenerationParameters(maxTokens: maxTokens, temperature: temperature, stopSequences: stopSequences)
        return stream(GenerationRequest(model: ModelID(provider: provider, model: model), prompt: prompt, system: system,
                                        parameters: parameters), options: options)
    }

    /// Streams an answer to `onEvent`, called in order on the request's own task (no stream to
    /// iterate, so no hop between tasks per token), and returns the finished answer. Events are
    /// those of ``stream(_:options:)``; cancel the calling task to cancel the request.
    public nonisolated func generate(_ request: GenerationRequest, options: RequestOptions = .init(),
                                     onEvent: @escaping @Sendable (GenerationEvent) -> Void) async throws -> GenerationResult {
        try await execute(request, options: options, streaming: true, emit: onEvent)
    }

    public nonisolated func stream(_ request: GenerationRequest, options: RequestOptions = .init()) -> GenerationStream {
        let (events, continuation) = GenerationStream.makeStream()
        let work = Task {
            do {
                _ = try await self.execute(request, options: options, streaming: true) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in work.cancel() } // consumer gone: stop paying for tokens
        return events
    }

    /// Answers many prompts with at most `batchSize` requests in flight; results are in the
    /// order of `prompts`, each a success or its error.
    public nonisolated func batchGenerate(provider: String, model: String, prompts: [String], batchSize: Int = 10,
                                          system: String? = nil, maxTokens: Int? = nil, temperature: Double? = nil,
                                          options: RequestOptions = .init()) async -> [Result<GenerationResult, any Error>] {
        let parameters = GenerationParameters(maxTokens: maxTokens, temperature: temperature)
        let requests = prompts.map {
            GenerationRequest(model: ModelID(provider: provider, model: model), prompt: $0, system: system, parameters: parameters)
        }
        return await batchGenerate(requests, batchSize: batchSize, options: options)
    }

    public nonisolated func batchGenerate(_ requests: [GenerationRequest], batchSize: Int = 10,
                                          options: RequestOptions = .init()) async -> [Result<GenerationResult, any Error>] {
        await withTaskGroup(of: (Int, Result<GenerationResult, any Error>).self) { group in
            var results = [Result<GenerationResult, any Error>?](repeating: nil, count: requests.count)
            var next = 0
            func startNext() {
                let index = next, request = requests[index]
                next += 1
                group.addTask {
                    do { return (index, .success(try await self.generate(request, options: options))) } catch { return (index, .failure(error)) }
                }
            }
            for _ in 0..<min(max(1, batchSize), requests.count) { startNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < requests.count { startNext() }
            }
            return results.compactMap { $0 }
        }
    }

    // MARK: The request path

    nonisolated func execute(_ original: GenerationRequest, options: RequestOptions, streaming: Bool,
                             emit: (@Sendable (GenerationEvent) -> Void)?) async throws -> GenerationResult {
        // `.completed` goes out once the request's span has ended: a caller that exits on it
        // (a short CLI run flushing its traces) must not outrun the span.
        let result = try await traced(original, streaming: streaming) {
            try await executeUntraced(original, options: options, streaming: streaming, emit: emit)
        }
        emit?(.completed(result))
        return result
    }

    private nonisolated func executeUntraced(_ original: GenerationRequest, options: RequestOptions, streaming: Bool,
                                             emit: (@Sendable (GenerationEvent) -> Void)?) async throws -> GenerationResult {
        var filteredRequest = try validated(withDefaults(original))
        let start = clock.now
        let requestID = RequestID.next()
        var accounting = Accounting(registry: self, requestID: requestID, options: options)
        let filter = configuration.security.filter
        if filter.applies(to: .input) {
            let (filtered, matches, blockedBy): (GenerationRequest, [FilterMatch], FilterRule?)
            do { (filtered, matches, blockedBy) = try Self.filterInput(filteredRequest, filter) } catch {
                await accounting.record(model: filteredRequest.model, error: error, outcome: .refused)
                throw error
            }
            accounting.inputMatches = matches
            for match in matches where match.action != .redact || blockedBy != nil {
                logger.warning("content rule matched the prompt", metadata: ["genesis.rule": "\(match.rule)", "genesis.action": "\(match.action.rawValue)",
                                                                            "genesis.count": "\(match.count)"])
            }
            if let blockedBy {
                let model = filteredRequest.model
                let error = ContentBlockedError(provider: model.provider, model: model.model, rule: blockedBy.name, direction: .input)
                await accounting.record(model: model, error: error, outcome: .refused)
                throw error
            }
            filteredRequest = filtered
        }
        let request = filteredRequest
        let deadline = start.advanced(by: options.timeout ?? configuration.timeout)
        let cacheKey = isCacheable(request, policy: options.cachePolicy ?? configuration.cache.policy) ? CacheKey(request) : nil
        if let cacheKey, let hit = await cache.get(cacheKey) {
            let result = await serveFromCache(hit, start: start, streaming: streaming, emit: emit)
            await accounting.record(result: result, outcome: .cached, keyID: nil)
            return result
        }
        let route = route(for: request, options: options)
        var retry = configuration.retry
        if let attempts = options.maxAttempts { retry.maxAttempts = max(1, attempts) }
        let progress = StreamProgress()
        var failures: [FailedAttempt] = []
        var last: (model: ModelID, error: any GenesisError)?

        for model in route.chain {
            if let last {
                guard fallbacks.fallsBack(on: last.error) else { break }
                emit?(.fallback(FallbackNotice(from: last.model, to: model, reason: last.error.description, category: last.error.category)))
                logger.notice("falling back", metadata: ["genesis.from": "\(last.model)", "genesis.to": "\(model)", "genesis.error": "\(last.error.category.rawValue)"])
            }
            guard fallbacks.allowRequest(to: model) else {
                let error = ProviderError(.overloaded, provider: model.provider, model: model.model,
                                          message: "skipped: cooling down after repeated failures (circuit breaker open)")
                failures.append(FailedAttempt(model: model, attempt: 0, error: error))
                last = (model, error)
                continue
            }
            let entry: ProviderEntry
            do {
                entry = try await self.entry(for: model.provider)
            } catch {
                fallbacks.recordAbandoned(model)
                let failure = normalize(error, model)
                if model == request.model { throw failure }
                // An unusable fallback (unknown provider, no key) is skipped; the failure that
                // led here stays the one that decides what happens next.
                failures.append(FailedAttempt(model: model, attempt: 0, error: failure))
                continue
            }
            var attempt = 1
            while true {
                if accounting.isActive { // each attempt is booked before it is sent; a hard budget may refuse it
                    do {
                        try await accounting.reserve(request, model: model)
                    } catch {
                        fallbacks.recordAbandoned(model)
                        await accounting.record(model: model, error: error, outcome: .refused)
                        failures.append(FailedAttempt(model: model, attempt: 0, error: error))
                        last = (model, error)
                        break
                    }
                }
                emit?(.started(model: model, attempt: attempt))
                let report = AttemptReport(deadline: ContinuousClock.now.advanced(by: clock.now.duration(to: deadline)),
                                           readPacing: streaming ? options.readPacing : nil)
                do {
                    let served = try await AttemptReport.$current.withValue(report) { try await withDeadline(
                        deadline, clock: clock, enforcedByOperation: entry.provider.enforcesDeadline, onTimeout: { [configuration] in
                        ProviderError(.timeout, provider: model.provider, model: model.model,
                                      message: "no complete answer within the request's deadline of \(Int((options.timeout ?? configuration.timeout).seconds)) s (all attempts and fallbacks included)")
                    }) {
                        try await self.attempt(request, model: model, entry: entry, version: route.versions[model], start: start,
                                               deadline: deadline, streaming: streaming, progress: progress,
                                               decodeOnReadingThread: options.decodeOnReadingThread, emit: emit)
                    } }
                    var result = served
                    for match in served.filterMatches where match.action != .redact { // warn and block say so in the log, as on input
                        logger.warning("content rule matched the answer", metadata: ["genesis.model": "\(model)", "genesis.rule": "\(match.rule)",
                                                                                    "genesis.action": "\(match.action.rawValue)", "genesis.count": "\(match.count)"])
                    }
                    result.failedAttempts = failures
                    result.filterMatches = accounting.inputMatches + result.filterMatches
                    fallbacks.recordSuccess(model)
                    metrics.recordSuccess(model, result)
                    if let cacheKey, result.finishReason != .cancelled { await cache.set(cacheKey, result) }
                    await accounting.record(result: result, outcome: .ok, keyID: report.keyID)
                    return result
                } catch {
                    let failure = normalize(error, model)
                    if failure.category == .cancelled || Task.isCancelled {
                        fallbacks.recordAbandoned(model)
                        metrics.recordFailure(model, CancellationFailure(provider: model.provider, model: model.model),
                                              partialUsage: progress.usage(request))
                        await accounting.record(model: model, error: failure, outcome: .cancelled, usage: progress.usage(request),
                                                latency: start.duration(to: clock.now), keyID: report.keyID)
                        throw CancellationFailure(provider: model.provider, model: model.model)
                    }
                    if (failure as? RateLimitError)?.isLocal == true {
                        fallbacks.recordAbandoned(model) // our own limiter refused: says nothing about the model
                    } else {
                        fallbacks.recordFailure(model, failure)
                    }
                    metrics.recordFailure(model, failure, partialUsage: progress.usage(request),
                                          cost: progress.usage(request).flatMap { prices.cost(of: $0, for: model) })
                    await accounting.record(model: model, error: failure, outcome: .error, usage: progress.usage(request),
                                            latency: start.duration(to: clock.now), keyID: report.keyID)
                    failures.append(FailedAttempt(model: model, attempt: attempt, error: failure))
                    logger.warning("attempt failed", metadata: ["genesis.model": "\(model)", "genesis.attempt": "\(attempt)",
                                                                "genesis.error": "\(failure.category.rawValue)", "genesis.status": "\(failure.status ?? 0)"])
                    // Text was shown: never restart silently; the caller keeps the partial text.
                    if progress.hasOutput { throw failure }
                    if clock.now >= deadline { throw failure }
                    if retry.shouldRetry(failure, attempt: attempt) {
                        let delay = retry.delay(after: attempt, error: failure, unit: random())
                        if clock.now.advanced(by: delay) < deadline {
                            emit?(.retry(RetryNotice(model: model, attempt: attempt, delay: delay, reason: failure.description)))
                            do { try await clock.sleep(for: delay) } catch { throw CancellationFailure(provider: model.provider, model: model.model) }
                            if fallbacks.allowRequest(to: model) {
                                attempt += 1
                                continue
                            }
                        }
                    }
                    last = (model, failure)
                }
                break
            }
        }
        throw last?.error ?? ConfigurationError(message: "no model to try for \(request.model)")
    }

    /// One attempt on one model: limiter, provider call, usage, cost.
    private nonisolated func attempt(_ request: GenerationRequest, model: ModelID, entry: ProviderEntry, version: String?,
                                     start: AnyClock<Duration>.Instant, deadline: AnyClock<Duration>.Instant, streaming: Bool,
                                     progress: StreamProgress, decodeOnReadingThread: Bool,
                                     emit: (@Sendable (GenerationEvent) -> Void)?) async throws -> GenerationResult {
        let estimate = TokenEstimator.estimate(request).totalTokens.clamped(to: 0...Int(Int32.max))
        let remaining = clock.now.duration(to: deadline)
        let served = version ?? model.model
        // What was learned about this model first (it may hold it back), then the provider's own limits.
        let modelLimiter = entry.learned.existing(served)
        let modelReservation = try await modelLimiter?.acquire(estimatedTokens: estimate, maxWait: min(entry.maxQueueWait ?? remaining, remaining),
                                                               model: model.model)
        let reservation: RateLimiter.Reservation
        do {
            reservation = try await entry.limiter.acquire(estimatedTokens: estimate, maxWait: min(entry.maxQueueWait ?? remaining, remaining),
                                                          model: model.model)
        } catch {
            if let modelLimiter, let modelReservation { modelLimiter.reconcile(modelReservation, actualTokens: 0) }
            throw error
        }
        func reconcile(_ tokens: Int) {
            entry.limiter.reconcile(reservation, actualTokens: tokens)
            if let modelLimiter, let modelReservation { modelLimiter.reconcile(modelReservation, actualTokens: tokens) }
        }
        progress.newAttempt()
        let providerRequest = ProviderRequest(model: served, messages: request.messages, parameters: request.parameters)
        var response = ProviderResponse(text: "", finishReason: .stop)
        var timeToFirstToken: Duration?
        let outputFilter = configuration.security.filter.applies(to: .output) ? OutputFilterBuffer(filter: configuration.security.filter) : nil
        // Held keys are masked first, so that output rules and everything after see no key.
        var keyStream = heldKeys.isEmpty ? nil : KeyRedactingStream(heldKeys)
        var reasoningKeyStream = keyStream
        var reasoningStart: AnyClock<Duration>.Instant?
        var reasoningTime: Duration?
        func think(_ delta: String) {
            guard !delta.isEmpty else { return }
            if reasoningStart == nil { reasoningStart = clock.now }
            progress.appendReasoning(delta)
            emit?(.reasoning(delta))
        }
        func firstText() {
            timeToFirstToken = start.duration(to: clock.now)
            if let reasoningStart { reasoningTime = reasoningStart.duration(to: clock.now) }
        }
        func show(_ released: OutputFilterBuffer.Released) throws {
            if let rule = released.blockedBy {
                throw ContentBlockedError(provider: model.provider, model: model.model, rule: rule.name, direction: .output)
            }
            guard !released.text.isEmpty else { return }
            if timeToFirstToken == nil { firstText() }
            progress.append(released.text)
            emit?(.text(released.text))
        }
        do {
            if streaming {
                var sawFinish = false
                let events = try await entry.provider.stream(providerRequest)
                progress.started()
                // On the thread that reads the stream, when asked and the provider names one (the
                // HTTP adapters: the connection's event loop): no thread hand-over per chunk.
                try await withTaskExecutorPreference(decodeOnReadingThread ? AttemptReport.current?.streamExecutor : nil) {
                    for try await event in events {
                        switch event {
                        case .text(var delta):
                            if keyStream != nil { delta = keyStream!.feed(delta) }
                            guard !delta.isEmpty else { continue }
                            if let outputFilter {
                                try show(outputFilter.feed(delta))
                                continue
                            }
                            if timeToFirstToken == nil { firstText() }
                            progress.append(delta)
                            emit?(.text(delta))
                        case .reasoning(var delta):
                            if reasoningKeyStream != nil { delta = reasoningKeyStream!.feed(delta) }
                            think(delta)
                            continue
                        case .notice(let notice):
                            emit?(.notice(notice))
                        case .usage(let usage):
                            progress.report(usage)
                        case .rateLimits(let snapshot):
                            entry.learned.learn(snapshot, model: served)
                        case .finish:
                            sawFinish = true
                        default:
                            break
                        }
                        response.apply(event)
                    }
                }
                try Task.checkCancellation()
                if let rest = reasoningKeyStream?.finish() { think(rest) }
                if let rest = keyStream?.finish(), !rest.isEmpty {
                    if let outputFilter { try show(outputFilter.feed(rest)) } else {
                        if timeToFirstToken == nil { firstText() }
                        progress.append(rest)
                        emit?(.text(rest))
                    }
                }
                if let outputFilter { try show(outputFilter.finish()) }
                if !sawFinish { response.finishReason = .stop }
            } else {
                response = try await entry.provider.generate(providerRequest)
                response.text = heldKeys.redact(response.text)
                response.reasoning = heldKeys.redact(response.reasoning)
                if let snapshot = response.rateLimits { entry.learned.learn(snapshot, model: served) }
                if let outputFilter {
                    let released = try outputFilter.feed(response.text), rest = try outputFilter.finish()
                    if let rule = released.blockedBy ?? rest.blockedBy {
                        throw ContentBlockedError(provider: model.provider, model: model.model, rule: rule.name, direction: .output)
                    }
                    response.text = released.text + rest.text
                }
            }
        } catch {
            reconcile(progress.usage(request)?.totalTokens ?? 0)
            if let limited = error as? RateLimitError, !limited.isLocal {
                var snapshot = limited.snapshot ?? RateLimitSnapshot()
                snapshot.retryAfter = limited.retryAfter ?? snapshot.retryAfter
                entry.learned.learn(snapshot, model: served)
            }
            throw (error as? ContentRuleTooSlowError)?.on(model) ?? error
        }
        let text = streaming ? progress.text : response.text
        var usage = response.usage ?? Usage(inputTokens: TokenEstimator.estimate(request.messages),
                                            outputTokens: TokenEstimator.estimate(text), isEstimated: true)
        // Output reported without the input (Ollama's cached prompt): the input is estimated.
        if usage.isEstimated, usage.inputTokens == 0 { usage.inputTokens = TokenEstimator.estimate(request.messages) }
        reconcile(usage.totalTokens)
        if streaming {
            emit?(.usage(usage))
            emit?(.finish(response.finishReason))
        }
        var result = GenerationResult(model: model, servedVersion: response.servedVersion.map(heldKeys.redact) ?? version, text: text,
                                      finishReason: response.finishReason, usage: usage,
                                      cost: prices.cost(of: usage, for: model),
                                      latency: start.duration(to: clock.now), timeToFirstToken: timeToFirstToken,
                                      isSimulated: entry.provider.isSimulated)
        result.rawFinishReason = response.rawFinishReason
        result.reasoning = streaming ? progress.reasoning : response.reasoning
        result.notices = response.notices
        result.reasoningTime = reasoningTime ?? reasoningStart.map { $0.duration(to: clock.now) }
        result.queueWait = reservation.waited
        result.filterMatches = outputFilter?.matches ?? []
        if request.parameters.responseFormat == .json { result.jsonProblem = JSONCheck.problem(in: text) }
        return result
    }

    /// The request with input rules applied to its text parts: what matched and whether a rule blocks it.
    static func filterInput(_ request: GenerationRequest, _ filter: ContentFilter) throws(ContentRuleTooSlowError) -> (GenerationRequest, [FilterMatch], FilterRule?) {
        var request = request
        var matches: [FilterMatch] = []
        var blocked: FilterRule?
        for m in request.messages.indices where request.messages[m].role != .assistant {
            for p in request.messages[m].parts.indices {
                guard case .text(let text) = request.messages[m].parts[p] else { continue }
                let (filtered, found, blockedBy): (String, [FilterMatch], FilterRule?)
                do { (filtered, found, blockedBy) = try filter.apply(text, direction: .input) } catch { throw error.on(request.model) }
                request.messages[m].parts[p] = .text(filtered)
                blocked = blocked ?? blockedBy
                for match in found {
                    if let i = matches.firstIndex(where: { $0.rule == match.rule }) { matches[i].count += match.count } else { matches.append(match) }
                }
            }
        }
        return (request, matches, blocked)
    }

    private nonisolated func serveFromCache(_ hit: GenerationResult, start: AnyClock<Duration>.Instant, streaming: Bool,
                                            emit: (@Sendable (GenerationEvent) -> Void)?) async -> GenerationResult {
        var result = hit
        result.isCached = true
        result.failedAttempts = []
        result.latency = start.duration(to: clock.now)
        result.timeToFirstToken = streaming ? result.latency : nil
        result.cost = hit.cost.map { Cost(dollars: 0, isEstimated: $0.isEstimated) } // a cached answer costs nothing
        if streaming {
            emit?(.started(model: result.model, attempt: 1))
            if !result.reasoning.isEmpty { emit?(.reasoning(result.reasoning)) }
            emit?(.text(result.text))
            emit?(.usage(result.usage))
            emit?(.finish(result.finishReason))
        }
        metrics.recordSuccess(result.model, result)
        return result
    }

    /// Fills parameters the request leaves unset from its model's block (`reasoning`), then the
    /// configuration's defaults.
    nonisolated func withDefaults(_ request: GenerationRequest) -> GenerationRequest {
        var request = request
        if request.parameters.reasoning == nil, !reasoningByModel.isEmpty { request.parameters.reasoning = reasoningByModel[request.model] }
        request.parameters = request.parameters.filled(from: configuration.defaults)
        return request
    }

    /// Refuses requests no provider could answer, before anything is sent.
    nonisolated func validated(_ request: GenerationRequest) throws(InvalidRequestError) -> GenerationRequest {
        let model = request.model
        func invalid(_ message: String, _ hint: String) -> InvalidRequestError {
            InvalidRequestError(provider: model.provider, model: model.model, message: message, hint: hint)
        }
        guard !model.provider.isEmpty, !model.model.isEmpty else { throw invalid("no model given", "name one as provider:model") }
        guard request.messages.contains(where: { $0.role == .user && !$0.parts.isEmpty }) else {
            throw invalid("the conversation has no user message", "send a prompt")
        }
        var characters = 0
        for message in request.messages {
            for case .text(let text) in message.parts {
                let (control, length) = InputSanitizer.scan(text)
                characters += length
                if let (scalar, offset) = control {
                    throw invalid("the \(message.role.rawValue) message contains the control character \(InputSanitizer.name(of: scalar)) at character \(offset + 1)",
                                  "remove it (terminal escape sequences and other control characters are not sent to models)")
                }
            }
        }
        let limit = configuration.security.maxPromptCharacters
        if characters > limit {
            throw invalid("the prompt is \(characters) characters; the limit is \(limit)",
                          "shorten it, or raise [security] max_prompt_chars in the configuration")
        }
        let kind = configuration.providers[model.provider]?.kind ?? model.provider
        if let (message, hint) = ImageLimits.forKind(kind).problem(in: request.messages) { throw invalid(message, hint) }
        let p = request.parameters
        if let max = p.maxTokens, max < 1 { throw invalid("max tokens must be at least 1, got \(max)", "pass a positive number") }
        if let t = p.temperature, !(0...2).contains(t) { throw invalid("temperature must be between 0 and 2, got \(t)", "pass e.g. 0.7") }
        if let t = p.topP, !(0...1).contains(t) { throw invalid("top_p must be between 0 and 1, got \(t)", "pass e.g. 0.9") }
        return request
    }

    nonisolated func isCacheable(_ request: GenerationRequest, policy: CachePolicy) -> Bool {
        switch policy {
        case .never: false
        case .always: true
        case .deterministic: request.parameters.temperature == 0
        }
    }

    /// The error as a ``GenesisError``, with every held key masked in what it repeats.
    nonisolated func normalize(_ error: any Error, _ model: ModelID) -> any GenesisError {
        if let known = error as? any GenesisError { return heldKeys.redact(known) }
        if error is CancellationError { return CancellationFailure(provider: model.provider, model: model.model) }
        return ProviderError(.server, provider: model.provider, model: model.model, message: heldKeys.redact("\(error)"))
    }
}

/// Writes one call's ledger rows and counts them against the budgets; free when there is
/// neither a ledger nor a budget.
///
/// Each attempt is booked before it is sent (``reserve(_:model:)``: a `pending` row, or a hold in
/// memory without a ledger), and the next row recorded settles that booking in place.
struct Accounting: Sendable {
    let registry: ModelRegistry
    let requestID: UUID
    let options: RequestOptions
    var inputMatches: [FilterMatch] = []
    let hasBudgets: Bool
    let isActive: Bool
    /// The attempt's booking, settled by the next row recorded.
    private var reservation: BudgetReservation?

    init(registry: ModelRegistry, requestID: UUID, options: RequestOptions) {
        self.registry = registry
        self.requestID = requestID
        self.options = options
        hasBudgets = !registry.budgets.budgets.isEmpty
        isActive = hasBudgets || registry.ledger != nil
    }

    /// Books an attempt on `model` at its estimate (prompt, and an answer of its max tokens)
    /// before it is sent, or throws the refusal of a hard budget with no room for it. With a
    /// ledger, the booking is a `pending` row written in the same step as the check, so a request
    /// whose process dies still counts; a ledger that cannot be written is logged and the
    /// attempt goes unbooked (accounting never fails an answer).
    mutating func reserve(_ request: GenerationRequest, model: ModelID) async throws(BudgetExceededError) {
        let usage = TokenEstimator.estimate(request)
        let pending = UsageRecord(requestID: requestID, time: registry.now(), model: model, usage: usage,
                                  cost: registry.prices.cost(of: usage, for: model), outcome: .pending,
                                  filterMatches: inputMatches.map(\.summary), conversationID: options.conversationID)
        if let ledger = registry.ledger {
            let (windows, refusal) = registry.budgets.admission(for: pending)
            let booked: Result<UsageRowID, BudgetExceededError>
            do {
                booked = try await ledger.reserve(pending, against: windows, refusal: refusal)
            } catch {
                registry.logger.error("cannot book the request in the usage ledger; it is sent unbooked",
                                      metadata: ["genesis.error": "\(error)", "genesis.model": "\(model)"])
                return
            }
            reservation = .row(try booked.get())
        } else if hasBudgets {
            reservation = .memory(try await registry.budgets.reserve(pending))
        }
    }

    mutating func record(result: GenerationResult, outcome: UsageRecord.Outcome, keyID: String?) async {
        guard isActive else { return }
        await write(UsageRecord(requestID: requestID, time: registry.now(), model: result.model, servedVersion: result.servedVersion,
                                keyID: keyID, usage: result.usage, cost: result.cost, latency: result.latency,
                                timeToFirstToken: result.timeToFirstToken, outcome: outcome,
                                filterMatches: result.filterMatches.map(\.summary), conversationID: options.conversationID))
    }

    mutating func record(model: ModelID, error: any GenesisError, outcome: UsageRecord.Outcome, usage: Usage? = nil,
                         latency: Duration = .zero, keyID: String? = nil) async {
        guard isActive else { return }
        await write(UsageRecord(requestID: requestID, time: registry.now(), model: model, keyID: keyID, usage: usage,
                                cost: usage.flatMap { registry.prices.cost(of: $0, for: model) }, latency: latency,
                                outcome: outcome, errorCategory: error.category, status: error.status,
                                filterMatches: matches(for: error), conversationID: options.conversationID))
    }

    private func matches(for error: any GenesisError) -> [String] {
        var found = inputMatches.map(\.summary)
        if let blocked = error as? ContentBlockedError, blocked.direction == .output {
            found.append(FilterMatch(rule: blocked.rule, direction: .output, action: .block, count: 1).summary)
        }
        return found
    }

    /// Writes `row`, in place of the attempt's `pending` row when it has one.
    private mutating func write(_ row: UsageRecord) async {
        let settled = reservation
        reservation = nil
        if case .row(let id) = settled {
            await registry.ledger?.settle(id, as: row)
        } else {
            await registry.ledger?.record(row)
        }
        if hasBudgets { await registry.budgets.record(row, settling: settled) }
    }
}

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

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
