import GenesisEngine
import Logging

/// OpenAI's two generation APIs behind one provider (kinds `openai` and `openai-compatible`),
/// sharing its keys and connections.
///
/// Each request goes to Chat Completions or Responses: as forced by `api =` in the model's
/// block, else in the provider's; else, for OpenAI itself, the models served only on Responses
/// (``OpenAIAPI/servesOnlyResponses(_:)``, and those learned below) go there by themselves and
/// the rest to Chat Completions. A chat 404 that names `v1/responses` sends the same request to
/// Responses once, and the model is remembered for the rest of the process, so the engine never
/// sees the detour.
struct OpenAIProvider: Provider, PooledConnections {
    let chat: HTTPChatProvider<OpenAIChatFormat>
    let responses: HTTPChatProvider<OpenAIResponsesFormat>
    /// `api` of the provider's block and of its model blocks.
    let api: OpenAIAPI?
    let modelAPIs: [String: OpenAIAPI]
    let memo: OpenAIMemo

    var name: String { chat.name }
    var enforcesDeadline: Bool { true }
    var connections: ConnectionPool { chat.pool }

    /// The API a request for `model` goes to first, and whether the configuration forced it.
    func route(_ model: String) -> (api: OpenAIAPI, forced: Bool) {
        if let forced = modelAPIs[model] ?? api { return (forced, true) }
        return (chat.format.servesOnlyResponses(model) || memo.servesOnlyResponses(model) ? .responses : .chat, false)
    }

    func initialize() async throws { try await chat.initialize() }

    func generate(_ request: ProviderRequest) async throws -> ProviderResponse {
        try await send(request) { try await $0.generate(request) }
    }

    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        try await send(request) { try await $0.stream(request) }
    }

    func listModels() async throws -> [ModelInfo] { try await chat.listModels() }

    func embed(_ request: EmbeddingRequest) async throws -> Embeddings { try await chat.embed(request) }

    func health() async -> HealthReport { await chat.health() }

    private func send<Answer>(_ request: ProviderRequest, _ call: (any Provider) async throws -> Answer) async throws -> Answer {
        let route = route(request.model)
        guard route.api == .chat else { return try await call(responses) }
        do {
            return try await call(chat)
        } catch var refusal as ProviderError where Self.namesResponsesAPI(refusal) {
            guard !route.forced else {
                refusal.message += "; api = \"chat\" is configured for this model: set api = \"responses\" in its block or the provider's, or delete the line"
                throw refusal
            }
            memo.rememberResponsesOnly(request.model)
            chat.logger.notice("\(name):\(request.model) is served only on the Responses API; sending it there from now on")
            return try await call(responses)
        }
    }

    /// Chat Completions' 404 for a model that exists on the Responses API only.
    static func namesResponsesAPI(_ error: ProviderError) -> Bool {
        error.status == 404 && error.category == .modelNotFound && error.message.contains(OpenAIChatFormat.responsesOnlyMarker)
    }
}
