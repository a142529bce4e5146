import Foundation
import GenesisEngine

/// The real providers, by configuration kind, for ``ModelRegistry``'s factory: the adapters of
/// ``ProviderKindTable/standard``. `openai` and `openai-compatible` speak both Chat Completions
/// and the Responses API (``OpenAIProvider``).
///
/// Base URLs come from the configuration, then the environment (`OPENAI_BASE_URL` includes
/// `/v1`; `ANTHROPIC_BASE_URL`, `GEMINI_BASE_URL`, `MISTRAL_BASE_URL` and `LLAMACPP_BASE_URL`
/// are host roots; `OLLAMA_HOST` is a host, host:port or URL), then the public defaults. Keys
/// come from the environment variables the configuration names (several rotate).
public enum ProviderAdapters {
    /// The simulator and every real adapter.
    public static let factory: ProviderFactory = ProviderKindTable.standard.factory

    /// A provider of `format` with the configuration's keys (else the format's variables) and timeouts.
    static func make<Format: ChatWireFormat>(_ name: String, _ config: ProviderConfiguration, _ context: ProviderContext,
                                             _ format: Format) -> HTTPChatProvider<Format> {
        let variables = config.apiKeyEnvironment.isEmpty ? format.keyVariables : config.apiKeyEnvironment
        return HTTPChatProvider(name: name, format: format, keys: APIKeyRing(provider: name, variables: variables, environment: context.environment,
                                                                                   fileKeys: context.keys.keys(for: name)),
                                connectTimeout: config.connectTimeout, idleTimeout: config.idleTimeout, logger: context.logger,
                                pool: ConnectionPool(network: context.network, environment: context.environment),
                                gateway: GatewaySettings(config))
    }

    /// Chat Completions and Responses behind one provider, with one key ring and one pool.
    static func openAI(_ name: String, _ config: ProviderConfiguration, _ context: ProviderContext,
                       _ format: OpenAIChatFormat) -> any Provider {
        openAI(make(name, config, context, format), api: config.api, modelAPIs: config.modelAPIs, storesResponses: config.storesResponses)
    }

    /// The OpenAI provider around `chat`: its Responses side shares chat's keys and connections.
    static func openAI(_ chat: HTTPChatProvider<OpenAIChatFormat>, api: OpenAIAPI? = nil, modelAPIs: [String: OpenAIAPI] = [:],
                       storesResponses: Bool = false) -> OpenAIProvider {
        let memo = chat.format.memo
        let responses = HTTPChatProvider(name: chat.name, format: OpenAIResponsesFormat(chat: chat.format, storesResponses: storesResponses),
                                         keys: chat.keys, connectTimeout: chat.connectTimeout, idleTimeout: chat.idleTimeout,
                                         logger: chat.logger, pool: chat.pool, gateway: chat.gateway)
        return OpenAIProvider(chat: chat, responses: responses, api: api, modelAPIs: modelAPIs, memo: memo)
    }
}
