/// The built-in price table: US dollars per million input and output tokens, and context
/// windows, from the providers' published price lists (standard tier, no batch or cache
/// discounts). Override or extend any entry with `[[prices]]` in the configuration.
enum DefaultPrices {
    static let all: [ModelPrice] = openAI + anthropic + gemini + mistral + local

    static let openAI: [ModelPrice] = [
        .init(provider: "openai", model: "gpt-4", inputPerMillion: 30, outputPerMillion: 60, contextWindow: 8_192),
        .init(provider: "openai", model: "gpt-4-32k", inputPerMillion: 60, outputPerMillion: 120, contextWindow: 32_768),
        .init(provider: "openai", model: "gpt-4-turbo", inputPerMillion: 10, outputPerMillion: 30, contextWindow: 128_000),
        .init(provider: "openai", model: "gpt-4-1106-preview", inputPerMillion: 10, outputPerMillion: 30, contextWindow: 128_000),
        .init(provider: "openai", model: "gpt-4-0125-preview", inputPerMillion: 10, outputPerMillion: 30, contextWindow: 128_000),
        .init(provider: "openai", model: "gpt-4o", inputPerMillion: 2.5, outputPerMillion: 10, contextWindow: 128_000),
        .init(provider: "openai", model: "gpt-4o-mini", inputPerMillion: 0.15, outputPerMillion: 0.6, contextWindow: 128_000),
        .init(provider: "openai", model: "gpt-4.1", inputPerMillion: 2, outputPerMillion: 8, contextWindow: 1_047_576),
        .init(provider: "openai", model: "gpt-4.1-mini", inputPerMillion: 0.4, outputPerMillion: 1.6, contextWindow: 1_047_576),
        .init(provider: "openai", model: "gpt-4.1-nano", inputPerMillion: 0.1, outputPerMillion: 0.4, contextWindow: 1_047_576),
        .init(provider: "openai", model: "gpt-3.5-turbo", inputPerMillion: 0.5, outputPerMillion: 1.5, contextWindow: 16_385),
        .init(provider: "openai", model: "gpt-3.5-turbo-instruct", inputPerMillion: 1.5, outputPerMillion: 2, contextWindow: 4_096),
        .init(provider: "openai", model: "o1", inputPerMillion: 15, outputPerMillion: 60, contextWindow: 200_000),
        .init(provider: "openai", model: "o1-mini", inputPerMillion: 1.1, outputPerMillion: 4.4, contextWindow: 128_000),
        .init(provider: "openai", model: "o3", inputPerMillion: 2, outputPerMillion: 8, contextWindow: 200_000),
        .init(provider: "openai", model: "o3-mini", inputPerMillion: 1.1, outputPerMillion: 4.4, contextWindow: 200_000),
        .init(provider: "openai", model: "o4-mini", inputPerMillion: 1.1, outputPerMillion: 4.4, contextWindow: 200_000),
    ]

    static let anthropic: [ModelPrice] = [
        .init(provider: "anthropic", model: "claude-3-opus", inputPerMillion: 15, outputPerMillion: 75, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-3-sonnet", inputPerMillion: 3, outputPerMillion: 15, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-3-haiku", inputPerMillion: 0.25, outputPerMillion: 1.25, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-3-5-sonnet", inputPerMillion: 3, outputPerMillion: 15, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-3-5-haiku", inputPerMillion: 0.8, outputPerMillion: 4, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-3-7-sonnet", inputPerMillion: 3, outputPerMillion: 15, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-sonnet-4", inputPerMillion: 3, outputPerMillion: 15, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-sonnet-4-5", inputPerMillion: 3, outputPerMillion: 15, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-opus-4", inputPerMillion: 15, outputPerMillion: 75, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-opus-4-1", inputPerMillion: 15, outputPerMillion: 75, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-opus-4-5", inputPerMillion: 5, outputPerMillion: 25, contextWindow: 200_000),
        .init(provider: "anthropic", model: "claude-haiku-4-5", inputPerMillion: 1, outputPerMillion: 5, contextWindow: 200_000),
    ]

    static let gemini: [ModelPrice] = [
        .init(provider: "gemini", model: "gemini-pro", inputPerMillion: 0.5, outputPerMillion: 1.5, contextWindow: 32_760),
        .init(provider: "gemini", model: "gemini-1.0-pro", inputPerMillion: 0.5, outputPerMillion: 1.5, contextWindow: 32_760),
        .init(provider: "gemini", model: "gemini-1.5-pro", inputPerMillion: 1.25, outputPerMillion: 5, contextWindow: 2_097_152),
        .init(provider: "gemini", model: "gemini-1.5-flash", inputPerMillion: 0.075, outputPerMillion: 0.3, contextWindow: 1_048_576),
        .init(provider: "gemini", model: "gemini-1.5-flash-8b", inputPerMillion: 0.0375, outputPerMillion: 0.15, contextWindow: 1_048_576),
        .init(provider: "gemini", model: "gemini-2.0-flash", inputPerMillion: 0.1, outputPerMillion: 0.4, contextWindow: 1_048_576),
        .init(provider: "gemini", model: "gemini-2.0-flash-lite", inputPerMillion: 0.075, outputPerMillion: 0.3, contextWindow: 1_048_576),
        .init(provider: "gemini", model: "gemini-2.5-pro", inputPerMillion: 1.25, outputPerMillion: 10, contextWindow: 1_048_576),
        .init(provider: "gemini", model: "gemini-2.5-flash", inputPerMillion: 0.3, outputPerMillion: 2.5, contextWindow: 1_048_576),
        .init(provider: "gemini", model: "gemini-2.5-flash-lite", inputPerMillion: 0.1, outputPerMillion: 0.4, contextWindow: 1_048_576),
    ]

    static let mistral: [ModelPrice] = [
        .init(provider: "mistral", model: "mistral-large", inputPerMillion: 2, outputPerMillion: 6, contextWindow: 131_072),
        .init(provider: "mistral", model: "mistral-medium", inputPerMillion: 0.4, outputPerMillion: 2, contextWindow: 131_072),
        .init(provider: "mistral", model: "mistral-small", inputPerMillion: 0.1, outputPerMillion: 0.3, contextWindow: 131_072),
        .init(provider: "mistral", model: "ministral-3b", inputPerMillion: 0.04, outputPerMillion: 0.04, contextWindow: 131_072),
        .init(provider: "mistral", model: "ministral-8b", inputPerMillion: 0.1, outputPerMillion: 0.1, contextWindow: 131_072),
        .init(provider: "mistral", model: "codestral", inputPerMillion: 0.3, outputPerMillion: 0.9, contextWindow: 262_144),
        .init(provider: "mistral", model: "open-mistral-7b", inputPerMillion: 0.25, outputPerMillion: 0.25, contextWindow: 32_768),
        .init(provider: "mistral", model: "open-mistral-nemo", inputPerMillion: 0.15, outputPerMillion: 0.15, contextWindow: 131_072),
        .init(provider: "mistral", model: "open-mixtral-8x7b", inputPerMillion: 0.7, outputPerMillion: 0.7, contextWindow: 32_768),
        .init(provider: "mistral", model: "open-mixtral-8x22b", inputPerMillion: 2, outputPerMillion: 6, contextWindow: 65_536),
        .init(provider: "mistral", model: "pixtral-large", inputPerMillion: 2, outputPerMillion: 6, contextWindow: 131_072),
    ]

    /// Local and simulated models cost nothing.
    static let local: [ModelPrice] = [
        .init(provider: "ollama", model: "*", inputPerMillion: 0, outputPerMillion: 0),
        .init(provider: "llamacpp", model: "*", inputPerMillion: 0, outputPerMillion: 0),
        .init(provider: "sim", model: "*", inputPerMillion: 0, outputPerMillion: 0),
    ]
}
