import GenesisEngine
@testable import GenesisProviders
import Logging

/// Adapters pointed at a fake server, with a known key.
enum TestAdapters {
    static let key = "test-key-0123456789abcd"

    static func provider(_ kind: String, baseURL: String, keys: [String] = [key], idleTimeout: Duration = .seconds(30)) -> any Provider {
        let ring = APIKeyRing(provider: kind, keys: keys.enumerated().map { APIKeyRing.Key(value: $1, source: "TEST_KEY_\($0)") })
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        func make<F: ChatWireFormat>(_ format: F) -> HTTPChatProvider<F> {
            HTTPChatProvider(name: kind, format: format, keys: ring, connectTimeout: .seconds(30), idleTimeout: idleTimeout, logger: logger) // loopback: only a starved machine takes long
        }
        switch kind {
        case "openai": return ProviderAdapters.openAI(make(OpenAIChatFormat(provider: kind, dialect: .openAI, baseURL: baseURL + "/v1")))
        // OpenAI with every model sent to the Responses API, as `api = "responses"` does.
        case "responses": return ProviderAdapters.openAI(make(OpenAIChatFormat(provider: kind, dialect: .openAI, baseURL: baseURL + "/v1")),
                                                         api: .responses)
        case "compatible": return make(OpenAIChatFormat(provider: kind, dialect: .compatible, baseURL: baseURL + "/v1"))
        case "mistral": return make(OpenAIChatFormat(provider: kind, dialect: .mistral, baseURL: baseURL))
        case "llamacpp": return make(OpenAIChatFormat(provider: kind, dialect: .llamaCpp, baseURL: baseURL))
        case "anthropic": return make(AnthropicFormat(provider: kind, baseURL: baseURL))
        case "gemini": return make(GeminiFormat(provider: kind, baseURL: baseURL))
        case "ollama": return make(OllamaFormat(provider: kind, baseURL: baseURL))
        default: fatalError("unknown adapter \(kind)")
        }
    }

    /// What a stream delivered, and how it ended.
    struct Outcome {
        var text = ""
        var reasoning = ""
        var notices: [String] = []
        var finish: FinishReason?
        var rawFinish: String?
        var usage: Usage?
        var servedBy: String?
        var limits: RateLimitSnapshot?
        var error: (any Error)?
    }

    static func consume(_ provider: any Provider, _ request: ProviderRequest) async -> Outcome {
        var outcome = Outcome()
        do {
            for try await event in try await provider.stream(request) {
                switch event {
                case .text(let t): outcome.text += t
                case .reasoning(let r): outcome.reasoning += r
                case .notice(let n): outcome.notices.append(n)
                case .finish(let reason, let raw): outcome.finish = reason; outcome.rawFinish = raw
                case .usage(let u): outcome.usage = u
                case .servedBy(let v): outcome.servedBy = v
                case .rateLimits(let l): outcome.limits = l
                }
            }
        } catch {
            outcome.error = error
        }
        return outcome
    }

    static let request = ProviderRequest(model: "test-model", messages: [.system("Be brief."), .user("Hello")],
                                         parameters: GenerationParameters(maxTokens: 300, temperature: 0.7, stopSequences: ["\n\n"]))
}

/// Expected error kinds (the fixtures' vocabulary) as the engine's categories.
func categories(forKind kind: String, contextTooLong: Bool) -> Set<ErrorCategory> {
    switch kind {
    case "authentication": [.authentication]
    case "permission": [.permission]
    case "model_not_found": [.modelNotFound]
    case "invalid_request": contextTooLong ? [.contextTooLong] : [.invalidRequest]
    case "rate_limit": [.rateLimit]
    case "provider": [.server, .overloaded, .brokenStream]
    case "timeout": [.timeout]
    case "network": [.network]
    default: []
    }
}
