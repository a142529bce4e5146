extension ModelRegistry {
    /// Each text as a vector from `model`, an embedding model (`openai:text-embedding-3-small`,
    /// `gemini:gemini-embedding-001`, `ollama:nomic-embed-text`, `sim:embed`), behind the
    /// provider's rate limiter like any request. A provider without an embeddings API says so.
    public func embed(_ model: ModelID, texts: [String]) async throws -> [[Double]] {
        guard !texts.isEmpty else { return [] }
        let entry = try await entry(for: model.provider)
        let estimate = texts.reduce(0) { $0 + $1.utf8.count / 4 + 1 }
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
