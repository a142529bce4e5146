import Foundation
import GenesisEngine

/// The real providers, by configuration kind, for ``ModelRegistry``'s factory. `openai` and
/// `openai-compatible` speak both Chat Completions and the Responses API (``OpenAIProvider``).
///
/// Base URLs come from the configuration, then the environment (`OPENAI_BASE_URL` includes
/// `/v1`; `ANTHROPIC_BASE_URL`, `GEMINI_BASE_URL`, `MISTRAL_BASE_URL` and `LLAMACPP_BASE_URL`
/// are host roots; `OLLAMA_HOST` is a host, host:port or URL), then the public defaults. Keys
/// come from the environment variables the configuration names (several rotate).
public enum ProviderAdapters {
    /// The simulator and every real adapter.
    public static let factory: ProviderFactory = ProviderFactory.builtIn
        .registering(kind: "openai") { name, config, context in
            openAI(name, config, context, OpenAIChatFormat(provider: name, dialect: .openAI,
                   baseURL: config.baseURL ?? context.environment["OPENAI_BASE_URL"] ?? "https://api.openai.com/v1", catalog: context.catalog))
        }
        .registering(kind: "openai-compatible") { name, config, context in
            openAI(name, config, context, OpenAIChatFormat(provider: name, dialect: .compatible, baseURL: config.baseURL ?? "http://127.0.0.1:8000/v1",
                                                           catalog: context.catalog))
        }
        .registering(kind: "mistral") { name, config, context in
            make(name, config, context, OpenAIChatFormat(provider: name, dialect: .mistral,
                 baseURL: config.baseURL ?? context.environment["MISTRAL_BASE_URL"] ?? "https://api.mistral.ai", catalog: context.catalog))
        }
        .registering(kind: "llamacpp") { name, config, context in
            make(name, config, context, OpenAIChatFormat(provider: name, dialect: .llamaCpp,
                 baseURL: config.baseURL ?? context.environment["LLAMACPP_BASE_URL"] ?? "http://127.0.0.1:8080"))
        }
        .registering(kind: "anthropic") { name, config, context in
            make(name, config, context, AnthropicFormat(provider: name,
                 baseURL: config.baseURL ?? context.environment["ANTHROPIC_BASE_URL"] ?? "https://api.anthropic.com", catalog: context.catalog))
        }
        .registering(kind: "gemini") { name, config, context in
            make(name, config, context, GeminiFormat(provider: name,
                 baseURL: config.baseURL ?? context.environment["GEMINI_BASE_URL"] ?? "https://generativelanguage.googleapis.com", catalog: context.catalog))
        }
        .registering(kind: "ollama") { name, config, context in
            make(name, config, context, OllamaFormat(provider: name,
                 baseURL: config.baseURL ?? OllamaFormat.baseURL(fromHost: context.environment["OLLAMA_HOST"] ?? "127.0.0.1:11434")))
        }

    private static func make<Format: ChatWireFormat>(_ name: String, _ config: ProviderConfiguration, _ context: ProviderContext,
                                                    _ format: Format) -> HTTPChatProvider<Format> {
        let variables = config.apiKeyEnvironment.isEmpty ? format.keyVariables : config.apiKeyEnvironment
        return HTTPChatProvider(name: name, format: format, keys: APIKeyRing(provider: name, variables: variables, environment: context.environment,
                                                                                   fileKeys: context.keys.keys(for: name)),
                                connectTimeout: config.connectTimeout, idleTimeout: config.idleTimeout, logger: context.logger,
                                pool: ConnectionPool(network: context.network, environment: context.environment))
    }

    /// Chat Completions and Responses behind one provider, with one key ring and one pool.
    private static func openAI(_ name: String, _ config: ProviderConfiguration, _ context: ProviderContext,
                               _ format: OpenAIChatFormat) -> any Provider {
        openAI(make(name, config, context, format), api: config.api, modelAPIs: config.modelAPIs, storesResponses: config.storesResponses)
    }

    /// The OpenAI provider around `chat`: its Responses side shares chat's keys and connections.
    static func openAI(_ chat: HTTPChatProvider<OpenAIChatFormat>, api: OpenAIAPI? = nil, modelAPIs: [String: OpenAIAPI] = [:],
                       storesResponses: Bool = false) -> OpenAIProvider {
        let memo = OpenAIMemo()
        let responses = HTTPChatProvider(name: chat.name, format: OpenAIResponsesFormat(chat: chat.format, storesResponses: storesResponses, memo: memo),
                                         keys: chat.keys, connectTimeout: chat.connectTimeout, idleTimeout: chat.idleTimeout,
                                         logger: chat.logger, pool: chat.pool)
        return OpenAIProvider(chat: chat, responses: responses, api: api, modelAPIs: modelAPIs, memo: memo)
    }
}
