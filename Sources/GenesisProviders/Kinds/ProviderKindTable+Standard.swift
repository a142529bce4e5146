import GenesisEngine

extension ProviderKindTable {
    /// The kinds Genesis ships with their adapters, in the configuration's order. A new wire
    /// format is its format file (the format and its ``ProviderKind`` descriptor) and an entry
    /// here; a new server of the Chat Completions family, its dialect and descriptor in
    /// `OpenAIChatFormat+Dialect.swift` and an entry here.
    public static let standard = ProviderKindTable([
        .openAIChat(.openAI, dialect: .openAI),
        .wire(.anthropic) { name, baseURL, catalog in AnthropicFormat(provider: name, baseURL: baseURL, catalog: catalog) },
        .wire(.gemini) { name, baseURL, catalog in GeminiFormat(provider: name, baseURL: baseURL, catalog: catalog) },
        .openAIChat(.mistral, dialect: .mistral),
        .wire(.ollama, localProbe: LocalProbe(path: "/api/version") { $0?["version"] != nil },
              baseURL: { configuration, environment in
                  configuration.baseURL ?? OllamaFormat.baseURL(fromHost: environment["OLLAMA_HOST"] ?? "127.0.0.1:11434")
              }) { name, baseURL, _ in OllamaFormat(provider: name, baseURL: baseURL) },
        .openAIChat(.llamaCpp, dialect: .llamaCpp, usesCatalog: false, localProbe: LocalProbe(path: "/health") {
            $0?["status"] != nil || $0?["error"]?["message"]?.string == "Loading model"
        }),
        .openAIChat(.openAICompatible, dialect: .compatible),
    ])
}
