extension ModelRegistry {
    /// Each text as a vector from `model`, an embedding model (`openai:text-embedding-3-small`,
    /// `gemini:gemini-embedding-001`, `ollama:nomic-embed-text`, `sim:embed`), behind the
    /// provider's rate limiter like any request, and retried as a generation is: failures the
    /// retry policy allows (429, overloaded, 5xx, network), after its backoff or the server's
    /// `Retry-After`, while the configuration's timeout leaves room. Errors have held keys masked.
    /// A provider without an embeddings API says so.
    public func embed(_ model: ModelID, texts: [String]) async throws -> [[Double]] {
        guard !texts.isEmpty else { return [] }
        let entry: ProviderEntry
        do { entry = try await self.entry(for: model.provider) } catch { throw normalize(error, model) }
        let estimate = texts.reduce(0) { $0 + $1.utf8.count / 4 + 1 }
        let deadline = clock.now.advanced(by: configuration.timeout)
        var number = 1
        while true {
            do {
                return try await embedOnce(model, texts: texts, entry: entry, estimate: estimate)
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

    private func embedOnce(_ model: ModelID, texts: [String], entry: ProviderEntry, estimate: Int) async throws -> [[Double]] {
        let reservation = try await entry.limiter.acquire(estimatedTokens: estimate, maxWait: entry.maxQueueWait, model: model.model)
        do {
            let vectors = try await entry.provider.embed(EmbeddingRequest(model: model.model, texts: texts))
            entry.limiter.reconcile(reservation, actualTokens: estimate)
            guard vectors.count == texts.count else {
                throw ProviderError(.server, provider: model.provider, model: model.model,
                                    message: "the embeddings came back as \(vectors.count) vectors for \(texts.count) texts")
            }
            return vectors
        } catch {
            entry.limiter.reconcile(reservation, actualTokens: 0)
            throw error
        }
    }
}
