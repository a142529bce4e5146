import GenesisEngine
import NIOHTTP1

/// How one provider's chat API is spoken: pure functions from requests to HTTP and from HTTP
/// back to answers, errors and limits. ``HTTPChatProvider`` does the I/O around them.
protocol ChatWireFormat: Sendable {
    associatedtype Interpreter: StreamInterpreter
    /// The provider's name, for errors.
    var provider: String { get }
    var framing: StreamFraming { get }
    /// Whether requests need an API key.
    var requiresKey: Bool { get }
    /// The environment variables a key may come from, for the "no key" message.
    var keyVariables: [String] { get }

    func chatRequest(_ request: ProviderRequest, stream: Bool, key: String?) throws -> HTTPRequestSpec
    /// A second request to send after a 400 that names a parameter this model wants spelt
    /// differently (OpenAI's `max_tokens` / `max_completion_tokens`); nil if none.
    func retryRequest(after error: HTTPErrorDetails, original: HTTPRequestSpec) -> HTTPRequestSpec?
    /// Stop sequences of `request` that ``chatRequest(_:stream:key:)`` leaves out because the
    /// model refuses them; ``HTTPChatProvider`` ends the answer at them itself.
    func unsentStopSequences(_ request: ProviderRequest) -> [String]
    func parseResponse(_ json: JSONValue, model: String) throws -> ProviderResponse
    func makeInterpreter(model: String) -> Interpreter
    func error(from details: HTTPErrorDetails, model: String) -> any GenesisError
    func rateLimits(from headers: HTTPHeaders) -> RateLimitSnapshot?

    /// The first page of the model list, and the request for the page after `token`.
    func modelsRequest(key: String?, pageToken: String?) -> HTTPRequestSpec
    func parseModels(_ json: JSONValue) -> (models: [ModelInfo], nextPageToken: String?)
    /// A cheap readiness probe (llama.cpp's `/health`); nil checks health by listing models.
    func healthRequest() -> HTTPRequestSpec?

    /// The provider's embeddings request for `request`'s texts; nil when it has no such API.
    func embeddingsRequest(_ request: EmbeddingRequest, key: String?) -> HTTPRequestSpec?
    /// The vectors of an embeddings response, in the order of the texts, and the tokens read
    /// where the response says; nil when it holds no vectors.
    func parseEmbeddings(_ json: JSONValue) -> Embeddings?
}

extension ChatWireFormat {
    func retryRequest(after error: HTTPErrorDetails, original: HTTPRequestSpec) -> HTTPRequestSpec? { nil }
    func unsentStopSequences(_ request: ProviderRequest) -> [String] { [] }
    func healthRequest() -> HTTPRequestSpec? { nil }
    func embeddingsRequest(_ request: EmbeddingRequest, key: String?) -> HTTPRequestSpec? { nil }
    func parseEmbeddings(_ json: JSONValue) -> Embeddings? { nil }

    /// Vectors as JSON lists of numbers; nil when any is something else.
    static func vectors(_ lists: [JSONValue]?) -> [[Double]]? {
        guard let lists else { return nil }
        var vectors: [[Double]] = []
        for list in lists {
            guard let numbers = list.array?.compactMap(\.double), numbers.count == list.array?.count, !numbers.isEmpty else { return nil }
            vectors.append(numbers)
        }
        return vectors
    }
}

enum StreamFraming: Sendable { case serverSentEvents, jsonLines }

/// Turns a provider's stream, one SSE event or JSON line at a time, into provider events.
protocol StreamInterpreter: Sendable {
    /// One server-sent event (for JSON lines, `type` is `line` and `data` the line).
    mutating func consume(type: String, data: String) throws -> [ProviderEvent]
    /// Whether the provider's end-of-answer marker arrived (`[DONE]`, `message_stop`, a finish
    /// reason, `done: true`). A body that ends without it was cut off.
    var isComplete: Bool { get }
    /// What the stream should have ended with, for the broken-stream message.
    var missingMarker: String { get }
}
