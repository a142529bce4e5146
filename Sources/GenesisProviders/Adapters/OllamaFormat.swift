import Foundation
import GenesisEngine
import NIOHTTP1

/// Ollama's native chat API (`/api/chat`): NDJSON streams, sampling settings in `options`,
/// images as raw base64 per message, statistics on the final `done` line.
struct OllamaFormat: ChatWireFormat {
    static let defaultPort = 11434

    let provider: String
    let baseURL: String

    var framing: StreamFraming { .jsonLines }
    var requiresKey: Bool { false }
    var keyVariables: [String] { [] }

    /// `OLLAMA_HOST` may be `host`, `host:port` or a URL; the scheme defaults to http and the
    /// port to 11434.
    static func baseURL(fromHost host: String) -> String {
        var value = host.trimmingCharacters(in: .whitespaces)
        if !value.contains("://") { value = "http://" + value }
        guard var components = URLComponents(string: value), components.host != nil else { return "http://127.0.0.1:\(defaultPort)" }
        if components.port == nil { components.port = defaultPort }
        if components.host == "0.0.0.0" { components.host = "127.0.0.1" }
        components.path = components.path == "/" ? "" : components.path
        return components.string ?? value
    }

    func headers(key: String?) -> [(String, String)] {
        key.map { [("authorization", "Bearer \($0)")] } ?? []
    }

    func chatRequest(_ request: ProviderRequest, stream: Bool, key: String?) throws -> HTTPRequestSpec {
        let messages: [JSONValue] = try request.messages.map { message in
            var object: [String: JSONValue] = ["role": .string(message.role.rawValue), "content": .string(message.text)]
            let images: [JSONValue] = try message.parts.compactMap { part in
                guard case .image(let source) = part else { return nil }
                guard case .data(let data, _) = source else {
                    throw InvalidRequestError(provider: provider, model: request.model, message: "Ollama takes images as bytes, not URLs",
                                              hint: "pass the image as a file so its bytes are sent")
                }
                return .string(data.base64EncodedString())
            }
            if !images.isEmpty { object["images"] = .array(images) }
            return .object(object)
        }
        let p = request.parameters
        var options: [String: JSONValue] = [:]
        if let max = p.maxTokens { options["num_predict"] = .number(Double(max)) }
        if let t = p.temperature { options["temperature"] = .number(t) }
        if let topP = p.topP { options["top_p"] = .number(topP) }
        if !p.stopSequences.isEmpty { options["stop"] = .array(p.stopSequences.map(JSONValue.string)) }
        if let seed = p.seed { options["seed"] = .number(Double(seed % UInt64(Int32.max))) }
        var body: [String: JSONValue] = ["model": .string(request.model), "messages": .array(messages), "stream": .bool(stream)]
        if !options.isEmpty { body["options"] = .object(options) }
        if p.responseFormat == .json { body["format"] = "json" }
        if let level = p.reasoning { body["think"] = Self.think(level, model: request.model) }
        return HTTPRequestSpec(url: URLParts.join(baseURL, "/api/chat"), headers: headers(key: key), body: .object(body))
    }

    /// `think`: false for `none`; gpt-oss takes a level (low, medium, high), other thinking
    /// models (Qwen3, DeepSeek-R1) only true.
    static func think(_ level: ReasoningLevel, model: String) -> JSONValue {
        guard level != .off else { return false }
        guard model.lowercased().hasPrefix("gpt-oss") else { return true }
        switch level {
        case .off, .minimal, .low: return "low"
        case .medium: return "medium"
        case .high, .xhigh, .max: return "high"
        }
    }

    /// A 400 that says the model does not think (`"llama3.2" does not support thinking`, the
    /// answer to `think` on a model without it) is sent again without `think`, with a notice:
    /// a `[defaults] reasoning` applies to every model, thinking or not.
    func retryRequest(after error: HTTPErrorDetails, original: HTTPRequestSpec) -> HTTPRequestSpec? {
        guard error.status == 400, let message = RefusedParameter.message(of: error),
              RefusedParameter.named(in: message, among: ["thinking", "think"]) != nil else { return nil }
        return RefusedParameter.resend(original, without: "think", model: original.body?["model"]?.string, shownAs: "thinking")
    }

    static func finishReason(_ raw: String) -> FinishReason {
        switch raw {
        case "stop", "load", "unload": .stop
        case "length": .length
        default: .error
        }
    }

    /// `prompt_eval_count` is left out when the prompt came from Ollama's cache: the output
    /// count stands, and the input is marked estimated (0 here; the engine estimates it).
    static func usage(_ json: JSONValue) -> Usage? {
        guard let output = json["eval_count"]?.int else { return nil }
        guard let input = json["prompt_eval_count"]?.int else { return Usage(inputTokens: 0, outputTokens: output, isEstimated: true) }
        return Usage(inputTokens: input, outputTokens: output)
    }

    func parseResponse(_ json: JSONValue, model: String) throws -> ProviderResponse {
        if let error = json["error"]?.string { throw streamError(error, model: model) }
        let raw = json["done_reason"]?.string
        var content = json["message"]?["content"]?.string ?? ""
        var reasoning = json["message"]?["thinking"]?.string ?? ""
        if reasoning.isEmpty { (reasoning, content) = ThinkTagSplitter.split(content) }
        var response = ProviderResponse(text: content, finishReason: raw.map(Self.finishReason) ?? .stop,
                                        rawFinishReason: raw, usage: Self.usage(json), servedVersion: json["model"]?.string)
        response.reasoning = reasoning
        return response
    }

    func makeInterpreter(model: String) -> Interpreter { Interpreter(format: self, model: model) }

    struct Interpreter: StreamInterpreter {
        let format: OllamaFormat
        let model: String
        var isComplete = false
        /// Without `think`, older reasoning models write `<think>…</think>` into the content.
        var thinkTags = ThinkTagSplitter()
        var missingMarker: String { "a line with \"done\": true" }

        mutating func consume(type: String, data: String) throws -> [ProviderEvent] {
            guard let json = JSONValue.parse(data) else {
                throw ProviderError(.brokenStream, provider: format.provider, model: model, message: "the stream ended in a cut-off line: \(data.prefix(120))")
            }
            if let error = json["error"] { throw format.streamError(error.string ?? "\(error)", model: model) } // before `done`
            var events: [ProviderEvent] = []
            if let thinking = json["message"]?["thinking"]?.string, !thinking.isEmpty { events.append(.reasoning(thinking)) }
            if let text = json["message"]?["content"]?.string, !text.isEmpty { events += thinkTags.feed(text) }
            if json["done"]?.bool == true {
                isComplete = true
                events += thinkTags.finish()
                if let usage = OllamaFormat.usage(json) { events.append(.usage(usage)) }
                let raw = json["done_reason"]?.string ?? "stop"
                events.append(.finish(OllamaFormat.finishReason(raw), raw: raw))
            }
            return events
        }
    }

    func streamError(_ message: String, model: String) -> any GenesisError {
        ProviderError(.server, provider: provider, model: model, message: "\(message) (error in the stream)")
    }

    func error(from details: HTTPErrorDetails, model: String) -> any GenesisError {
        let message = details.json?["error"]?.string ?? "HTTP \(details.status) from \(URLParts.hostAndPort(baseURL)): \(details.excerpt)"
        switch details.status {
        case 404 where message.contains("not found"):
            return ModelNotFoundError(provider: provider, model: model, status: 404, available: [])
        case 400 where message.contains("context"):
            return ProviderError(.contextTooLong, provider: provider, model: model, status: 400, message: message)
        case 429:
            return RateLimitError(provider: provider, model: model, status: 429, limit: .unknown, retryAfter: details.retryAfter, message: message)
        default:
            return ProviderError(details.category, provider: provider, model: model, status: details.status, message: message)
        }
    }

    func rateLimits(from headers: HTTPHeaders) -> RateLimitSnapshot? { nil }

    /// `POST /api/embed` with the texts as `input` (Ollama's API docs, "Generate Embeddings");
    /// the answer's `embeddings` are in the same order.
    func embeddingsRequest(_ request: EmbeddingRequest, key: String?) -> HTTPRequestSpec? {
        HTTPRequestSpec(url: URLParts.join(baseURL, "/api/embed"), headers: headers(key: key),
                        body: ["model": .string(request.model), "input": .array(request.texts.map(JSONValue.string))])
    }

    /// `embeddings`, and the tokens read in `prompt_eval_count`.
    func parseEmbeddings(_ json: JSONValue) -> Embeddings? {
        Self.vectors(json["embeddings"]?.array).map { Embeddings(vectors: $0, inputTokens: json["prompt_eval_count"]?.int) }
    }

    func modelsRequest(key: String?, pageToken: String?) -> HTTPRequestSpec {
        HTTPRequestSpec(method: .GET, url: URLParts.join(baseURL, "/api/tags"), headers: headers(key: key))
    }

    /// Every installed model; embedding models are listed but labelled, since they cannot chat.
    func parseModels(_ json: JSONValue) -> (models: [ModelInfo], nextPageToken: String?) {
        let models = (json["models"]?.array ?? []).compactMap { entry -> ModelInfo? in
            guard let name = entry["name"]?.string ?? entry["model"]?.string else { return nil }
            let family = entry["details"]?["family"]?.string ?? ""
            let size = [entry["details"]?["parameter_size"]?.string, entry["details"]?["quantization_level"]?.string].compactMap { $0 }
            let kind = name.contains("embed") || family.hasSuffix("bert") ? "local embedding model (cannot chat)" : "local"
            return ModelInfo(id: ModelID(provider: provider, model: name), summary: size.isEmpty ? kind : kind + ", " + size.joined(separator: " "))
        }
        return (models, nil)
    }
}

/// Ollama as a configuration names it (`kind = "ollama"`), registered in `ProviderKindTable.standard`.
extension ProviderKind {
    /// `OLLAMA_HOST` is a host, host:port or URL (its adapter reads it), not a base URL.
    public static let ollama = ProviderKind(name: "ollama", defaultBaseURL: "http://127.0.0.1:11434", modelPrefixes: ["llama"],
                                            localServerVariable: "OLLAMA_HOST")
}
