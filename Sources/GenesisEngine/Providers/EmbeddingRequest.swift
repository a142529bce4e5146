/// Texts to turn into vectors with an embedding model, as the provider knows the model.
public struct EmbeddingRequest: Sendable, Hashable {
    public var model: String
    public var texts: [String]

    public init(model: String, texts: [String]) {
        self.model = model
        self.texts = texts
    }
}

/// What an embedding model answered: a vector a text, and the tokens it read where the provider
/// says (OpenAI, Mistral and llama.cpp in `usage.prompt_tokens`, Ollama in `prompt_eval_count`;
/// Gemini says none, and the engine counts an estimate).
public struct Embeddings: Sendable, Hashable {
    public var vectors: [[Double]]
    public var inputTokens: Int?

    public init(vectors: [[Double]], inputTokens: Int? = nil) {
        self.vectors = vectors
        self.inputTokens = inputTokens
    }
}

/// How alike two vectors point: the cosine of the angle between them, -1 to 1 (0 when either
/// is all zeros or their lengths differ).
public enum VectorSimilarity {
    public static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var dot = 0.0, normA = 0.0, normB = 0.0
        for i in a.indices {
            dot += a[i] * b[i]
            normA += a[i] * a[i]
            normB += b[i] * b[i]
        }
        guard normA > 0, normB > 0 else { return 0 }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }
}

extension InvalidRequestError {
    /// What a provider without an embeddings API says when asked for embeddings.
    public static func noEmbeddings(provider: String, model: String) -> InvalidRequestError {
        InvalidRequestError(provider: provider, model: model, message: "\(provider) has no embeddings API in Genesis",
                            hint: "name an embedding model of an OpenAI, OpenAI-compatible, Gemini or Ollama provider, or sim:embed")
    }
}
