import Clocks
import Foundation
import Logging
import Synchronization

extension ModelRegistry {
    /// A whole answer to a prompt (the seed's `generate_text`).
    public func generateText(provider: String, model: String, prompt: String, system: String? = nil,
                                         maxTokens: Int? = nil, temperature: Double? = nil, stopSequences: [String] = [],
                                         options: RequestOptions = .init()) async throws -> GenerationResult {
        let parameters = GenerationParameters(maxTokens: maxTokens, temperature: temperature, stopSequences: stopSequences)
        return try await generate(GenerationRequest(model: ModelID(provider: provider, model: model), prompt: prompt, system: system,
                                                    parameters: parameters), options: options)
    }

    /// A whole answer to a conversation, through the limiter, retries, fallbacks and cache.
    public func generate(_ request: GenerationRequest, options: RequestOptions = .init()) async throws -> GenerationResult {
        try await execute(request, options: options, streaming: false, emit: nil)
    }

    /// An answer as it is produced (the seed's `stream_generate`). See ``GenerationEvent`` for the
    /// order of events. Stop iterating to cancel the request.
    public func streamGenerate(provider: String, model: String, prompt: String, system: String? = nil,
                                           maxTokens: Int? = nil, temperature: Double? = nil, stopSequences: [String] = [],
                                           options: RequestOptions = .init()) -> GenerationStream {
        let parameters = GenerationParameters(maxTokens: maxTokens, temperature: temperature, stopSequences: stopSequences)
        return stream(GenerationRequest(model: ModelID(provider: provider, model: model), prompt: prompt, system: system,
                                        parameters: parameters), options: options)
    }

    /// Streams an answer to `onEvent`, called in order on the request's own task (no stream to
    /// iterate, so no hop between tasks per token), and returns the finished answer. Events are
    /// those of ``stream(_:options:)``; cancel the calling task to cancel the request.
    public func generate(_ request: GenerationRequest, options: RequestOptions = .init(),
                                     onEvent: @escaping @Sendable (GenerationEvent) -> Void) async throws -> GenerationResult {
        try await execute(request, options: options, streaming: true, emit: onEvent)
    }

    public func stream(_ request: GenerationRequest, options: RequestOptions = .init()) -> GenerationStream {
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
    public func batchGenerate(provider: String, model: String, prompts: [String], batchSize: Int = 10,
                                          system: String? = nil, maxTokens: Int? = nil, temperature: Double? = nil,
                                          options: RequestOptions = .init()) async -> [Result<GenerationResult, any Error>] {
        let parameters = GenerationParameters(maxTokens: maxTokens, temperature: temperature)
        let requests = prompts.map {
            GenerationRequest(model: ModelID(provider: provider, model: model), prompt: $0, system: system, parameters: parameters)
        }
        return await batchGenerate(requests, batchSize: batchSize, options: options)
    }

    public func batchGenerate(_ requests: [GenerationRequest], batchSize: Int = 10,
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

    func execute(_ original: GenerationRequest, options: RequestOptions, streaming: Bool,
                             emit: (@Sendable (GenerationEvent) -> Void)?) async throws -> GenerationResult {
        // `.completed` goes out once the request's span has ended: a caller that exits on it
        // (a short CLI run flushing its traces) must not outrun the span.
        let result = try await traced(original, streaming: streaming) {
            try await executeUntraced(original, options: options, streaming: streaming, emit: emit)
        }
        emit?(.completed(result))
        return result
    }

    private func executeUntraced(_ original: GenerationRequest, options: RequestOptions, streaming: Bool,
                                             emit: (@Sendable (GenerationEvent) -> Void)?) async throws -> GenerationResult {
        let request = try validated(withDefaults(original))
        var context = RequestContext(registry: self, options: options, streaming: streaming, emit: emit)
        return try await Self.steps.handle(request, &context)
    }

    /// Fills parameters the request leaves unset from its model's block (`reasoning`), then the
    /// configuration's defaults.
    func withDefaults(_ request: GenerationRequest) -> GenerationRequest {
        var request = request
        if request.parameters.reasoning == nil, !reasoningByModel.isEmpty { request.parameters.reasoning = reasoningByModel[request.model] }
        request.parameters = request.parameters.filled(from: configuration.defaults)
        return request
    }

    /// Refuses requests no provider could answer, before anything is sent.
    func validated(_ request: GenerationRequest) throws(InvalidRequestError) -> GenerationRequest {
        let model = request.model
        func invalid(_ message: String, _ hint: String) -> InvalidRequestError {
            InvalidRequestError(provider: model.provider, model: model.model, message: message, hint: hint)
        }
        guard !model.provider.isEmpty, !model.model.isEmpty else { throw invalid("no model given", "name one as provider:model") }
        guard request.messages.contains(where: { $0.role == .user && !$0.parts.isEmpty }) else {
            throw invalid("the conversation has no user message", "send a prompt")
        }
        var characters = 0, carriesImageData = false
        for message in request.messages {
            for part in message.parts {
                switch part {
                case .text(let text):
                    let (control, length) = InputSanitizer.scan(text)
                    characters += length
                    if let (scalar, offset) = control {
                        throw invalid("the \(message.role.rawValue) message contains the control character \(InputSanitizer.name(of: scalar)) at character \(offset + 1)",
                                      "remove it (terminal escape sequences and other control characters are not sent to models)")
                    }
                case .image(.data): carriesImageData = true
                case .image: break
                }
            }
        }
        let limit = configuration.security.maxPromptCharacters
        if characters > limit {
            throw invalid("the prompt is \(characters) characters; the limit is \(limit)",
                          "shorten it, or raise [security] max_prompt_chars in the configuration")
        }
        if carriesImageData { // only a request with images sent inline looks up its kind's limits
            let limits = configuration.kind(ofProvider: model.provider)?.imageLimits ?? .unstated
            if let (message, hint) = limits.problem(in: request.messages) { throw invalid(message, hint) }
        }
        let p = request.parameters
        if let max = p.maxTokens, max < 1 { throw invalid("max tokens must be at least 1, got \(max)", "pass a positive number") }
        if let t = p.temperature, !(0...2).contains(t) { throw invalid("temperature must be between 0 and 2, got \(t)", "pass e.g. 0.7") }
        if let t = p.topP, !(0...1).contains(t) { throw invalid("top_p must be between 0 and 1, got \(t)", "pass e.g. 0.9") }
        return request
    }

    func isCacheable(_ request: GenerationRequest, policy: CachePolicy) -> Bool {
        switch policy {
        case .never: false
        case .always: true
        case .deterministic: request.parameters.temperature == 0
        }
    }

    /// The error as a ``GenesisError``, with every held key masked in what it repeats.
    func normalize(_ error: any Error, _ model: ModelID) -> any GenesisError {
        if let known = error as? any GenesisError { return heldKeys.redact(known) }
        if error is CancellationError { return CancellationFailure(provider: model.provider, model: model.model) }
        return ProviderError(.server, provider: model.provider, model: model.model, message: heldKeys.redact("\(error)"))
    }
}
