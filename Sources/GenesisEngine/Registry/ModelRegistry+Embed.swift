import Foundation

extension ModelRegistry {
    /// Each text as a vector from `model`, an embedding model (`openai:text-embedding-3-small`,
    /// `gemini:gemini-embedding-001`, `ollama:nomic-embed-text`, `sim:embed`), behind the
    /// provider's rate limiter like any request, and retried as a generation is: failures the
    /// retry policy allows (429, overloaded, 5xx, network), after its backoff or the server's
    /// `Retry-After`, while the configuration's timeout leaves room. Errors have held keys masked.
    /// A provider without an embeddings API says so.
    ///
    /// Accounted as a generation is: each attempt is booked against the budgets before it is
    /// sent (a hard budget with no room refuses it, and nothing is sent), and written to the
    /// ledger with the tokens the provider says it read (estimated where it says none), priced
    /// from the catalog's embedding models.
    public func embed(_ model: ModelID, texts: [String]) async throws -> [[Double]] {
        guard !texts.isEmpty else { return [] }
        let entry: ProviderEntry
        do { entry = try await self.entry(for: model.provider) } catch { throw normalize(error, model) }
        let estimate = Usage(inputTokens: texts.reduce(0) { $0 + $1.utf8.count / 4 + 1 }, outputTokens: 0, isEstimated: true)
        var accounting = Accounting(registry: self, requestID: UUID(), options: RequestOptions())
        let deadline = clock.now.advanced(by: configuration.timeout)
        var number = 1
        while true {
            if accounting.isActive {
                do {
                    try await accounting.reserve(estimate: estimate, model: model)
                } catch {
                    await accounting.record(model: model, error: error, outcome: .refused)
                    throw error
                }
            }
            do {
                return try await embedOnce(model, texts: texts, entry: entry, estimate: estimate, accounting: &accounting)
            } catch {
                let failure = normalize(error, model)
                guard failure.category != .cancelled, configuration.retry.shouldRetry(failure, attempt: number) else { throw failure }
                let delay = configuration.retry.delay(after: number, error: failure, unit: random())
                guard clock.now.advanced(by: delay) < deadline else { throw failure }
                logger.warning("embedding attempt failed", metadata: ["genesis.model": "\(model)", "genesis.attempt": "\(number)",
                                                                      "genesis.error": "\(failure.category.rawValue)"])
                do { try await clock.sleep(for: delay) } catch { throw CancellationFailure(provider: model.provider, model: model.model) }
                number += 1
            }
        }
    }

    /// One attempt, its ledger row written whatever the outcome.
    private func embedOnce(_ model: ModelID, texts: [String], entry: ProviderEntry, estimate: Usage,
                           accounting: inout Accounting) async throws -> [[Double]] {
        let started = clock.now
        var read: Usage?
        do {
            let reservation = try await entry.limiter.acquire(estimatedTokens: estimate.inputTokens, maxWait: entry.maxQueueWait, model: model.model)
            let answer: Embeddings
            do {
                answer = try await entry.provider.embed(EmbeddingRequest(model: model.model, texts: texts))
            } catch {
                entry.limiter.reconcile(reservation, actualTokens: 0)
                throw error
            }
            let usage = answer.inputTokens.map { Usage(inputTokens: $0, outputTokens: 0) } ?? estimate
            read = usage
            entry.limiter.reconcile(reservation, actualTokens: usage.inputTokens)
            guard answer.vectors.count == texts.count else {
                throw ProviderError(.server, provider: model.provider, model: model.model,
                                    message: "the embeddings came back as \(answer.vectors.count) vectors for \(texts.count) texts")
            }
            await accounting.record(model: model, usage: usage, latency: started.duration(to: clock.now))
            return answer.vectors
        } catch {
            let failure = normalize(error, model)
            await accounting.record(model: model, error: failure, outcome: failure.category == .cancelled ? .cancelled : .error,
                                    usage: read, latency: started.duration(to: clock.now))
            throw failure
        }
    }
}
