import Foundation
import GenesisEngine
import NIOHTTP1

/// Google's Gemini API (`generateContent`, `streamGenerateContent?alt=sse`): the key goes in the
/// `x-goog-api-key` header, never in a URL; the assistant role is `model`; the stream has no
/// sentinel, so an answer is complete only when a finish reason arrived.
struct GeminiFormat: ChatWireFormat {
    let provider: String
    /// The host root; the adapter appends `/v1beta/models/...`.
    let baseURL: String
    /// What each model takes, from the catalog.
    var catalog: PriceMemo = .standard

    var framing: StreamFraming { .serverSentEvents }
    var requiresKey: Bool { true }
    var keyVariables: [String] { ProviderKind.gemini.keyVariables }

    static func bareModel(_ model: String) -> String {
        model.hasPrefix("models/") ? String(model.dropFirst(7)) : model
    }

    func headers(key: String?) -> [(String, String)] {
        key.map { [("x-goog-api-key", $0)] } ?? []
    }

    func chatRequest(_ request: ProviderRequest, stream: Bool, key: String?) throws -> HTTPRequestSpec {
        var body: [String: JSONValue] = ["contents": .array(try contents(request.messages, model: request.model))]
        let system = request.messages.filter { $0.role == .system }.map(\.text).filter { !$0.isEmpty }
        if !system.isEmpty { body["systemInstruction"] = ["parts": [["text": .string(system.joined(separator: "\n\n"))]]] }
        let p = request.parameters
        let bare = Self.bareModel(request.model)
        let traits = ProviderKind.gemini.modelTraits.traits(of: bare, price: catalog.price(for: ModelID(provider: provider, model: bare)))
        var config: [String: JSONValue] = [:]
        var notes: [String] = []
        if let max = p.maxTokens { config["maxOutputTokens"] = .number(Double(max)) }
        if traits.refusesSampling, p.temperature != nil || p.topP != nil {
            notes.append("\(bare) takes no temperature or top_p; sent without them")
        } else {
            if let t = p.temperature { config["temperature"] = .number(t) }
            if let topP = p.topP { config["topP"] = .number(topP) }
        }
        if !p.stopSequences.isEmpty { config["stopSequences"] = .array(p.stopSequences.prefix(Self.mostStopSequences).map(JSONValue.string)) }
        if let seed = p.seed { config["seed"] = .number(Double(seed % UInt64(Int32.max))) }
        if p.responseFormat == .json { config["responseMimeType"] = "application/json" }
        if let thinking = Self.thinkingConfig(p.reasoning, traits: traits) {
            config["thinkingConfig"] = thinking
            if p.reasoning == .off, traits.alwaysThinks {
                notes.append("\(bare) cannot turn its thinking off; sent the smallest budget, \(Self.smallestBudget) tokens")
            }
        }
        if !config.isEmpty { body["generationConfig"] = .object(config) }
        let model = Self.bareModel(request.model).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? request.model
        let method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent"
        var spec = HTTPRequestSpec(url: URLParts.join(baseURL, "/v1beta/models/\(model)\(method)"), headers: headers(key: key), body: .object(body))
        spec.notes = notes
        return spec
    }

    /// Gemini takes up to five stop sequences; Genesis applies the rest to the answer itself.
    static let mostStopSequences = 5

    func unsentStopSequences(_ request: ProviderRequest) -> [String] {
        Array(request.parameters.stopSequences.dropFirst(Self.mostStopSequences))
    }

    /// Settings of `generationConfig` a model may refuse, as a message may spell them, and where
    /// each is in the body. The prompt, the answer's format and its length are never dropped.
    static let droppable: [String: (key: String, path: [String])] = {
        var table: [String: (key: String, path: [String])] = [:]
        for (camel, snake) in [("temperature", "temperature"), ("topP", "top_p"), ("topK", "top_k"), ("seed", "seed"),
                               ("presencePenalty", "presence_penalty"), ("frequencyPenalty", "frequency_penalty"),
                               ("thinkingConfig", "thinking_config")] {
            table[camel] = (camel, ["generationConfig"])
            table[snake] = (camel, ["generationConfig"])
        }
        for (camel, snake, words) in [("thinkingLevel", "thinking_level", "thinking level"), ("thinkingBudget", "thinking_budget", "thinking budget"),
                                      ("includeThoughts", "include_thoughts", "include thoughts")] {
            for spelling in [camel, snake, words] { table[spelling] = (camel, ["generationConfig", "thinkingConfig"]) }
        }
        return table
    }()

    /// A 400 whose words refuse one optional setting (`Unknown name "thinkingLevel"`, "Thinking
    /// level is not supported for this model") is sent again without it, with a notice; a
    /// refused thinking level that the message names ("MINIMAL is not supported") becomes the
    /// next one towards `HIGH`, the models' default (Gemini 3 Pro takes `LOW` and `HIGH` only),
    /// so that asking for little thinking does not end in the most. A model that "only works in thinking mode" asked for a budget of 0 gets
    /// the smallest budget instead.
    func retryRequest(after error: HTTPErrorDetails, original: HTTPRequestSpec) -> HTTPRequestSpec? {
        guard error.status == 400, let message = RefusedParameter.message(of: error) else { return nil }
        let model = original.url.firstMatch(of: /\/models\/([^:\/?]+)/).map { String($0.1) }
        let thinking = original.body?["generationConfig"]?["thinkingConfig"]
        if message.lowercased().contains("only works in thinking mode"), thinking?["thinkingBudget"]?.int == 0 {
            return Self.resend(original, thinking: ["thinkingBudget": .number(Double(Self.smallestBudget))],
                               note: "\(model ?? "the model") cannot turn its thinking off; sent the smallest budget, \(Self.smallestBudget) tokens")
        }
        guard let name = RefusedParameter.named(in: message, among: Self.droppable.keys.sorted()),
              let field = Self.droppable[name] else { return nil }
        // "Thinking level MINIMAL is not supported" refuses a value; `Unknown name "thinkingLevel"`
        // or a message that names no level refuses the field, which is left out.
        if field.key == "thinkingLevel", let level = thinking?["thinkingLevel"]?.string, let next = Self.nearerHigh[level],
           RefusedParameter.mentions(message.uppercased(), word: level) {
            return Self.resend(original, thinking: ["thinkingLevel": .string(next)],
                               note: "\(model ?? "the model") refused thinking level \(level); sent \(next)")
        }
        return RefusedParameter.resend(original, without: field.key, at: field.path, model: model)
    }

    /// The thinking level to send instead of one a model refused.
    private static let nearerHigh = ["MINIMAL": "LOW", "LOW": "MEDIUM", "MEDIUM": "HIGH"]

    /// The least a 2.5 model that cannot stop thinking takes (Gemini 2.5 Pro: 128 to 32,768).
    static let smallestBudget = 128

    /// `original` with `changes` made to `generationConfig.thinkingConfig`, and `note` said.
    private static func resend(_ original: HTTPRequestSpec, thinking changes: [String: JSONValue], note: String) -> HTTPRequestSpec? {
        guard case .object(var body) = original.body, var config = body["generationConfig"]?.object,
              var thinking = config["thinkingConfig"]?.object else { return nil }
        thinking.merge(changes) { _, new in new }
        config["thinkingConfig"] = .object(thinking)
        body["generationConfig"] = .object(config)
        var retry = original
        retry.body = .object(body)
        retry.notes.append(note)
        return retry
    }

    /// Thinking models return their thought summaries only when asked (`includeThoughts`); the
    /// level is `thinkingLevel` on Gemini 3 and later and a `thinkingBudget` on 2.5 (`0` turns
    /// it off where the model allows, `-1` is dynamic). Models not known to think get none.
    static func thinkingConfig(_ level: ReasoningLevel?, traits: ModelTraits) -> JSONValue? {
        var config: [String: JSONValue] = ["includeThoughts": true]
        switch traits.thinking {
        case .geminiLevel:
            if let level {
                let name = switch level {
                case .off, .minimal: "MINIMAL"
                case .low: "LOW"
                case .medium: "MEDIUM"
                case .high, .xhigh, .max: "HIGH"
                }
                config["thinkingLevel"] = .string(name)
            }
        case .geminiBudget:
            if let level {
                let budget = switch level {
                case .off: traits.alwaysThinks ? smallestBudget : 0
                case .minimal: 512
                case .low: 1024
                case .medium: 8192
                case .high: 24576
                case .xhigh, .max: 32768
                }
                config["thinkingBudget"] = .number(Double(budget))
                if level == .off { config["includeThoughts"] = false }
            }
        default:
            return nil
        }
        return .object(config)
    }

    func contents(_ messages: [ChatMessage], model: String) throws -> [JSONValue] {
        try messages.filter { $0.role != .system }.map { message in
            let parts: [JSONValue] = try message.parts.map { part in
                switch part {
                case .text(let text): return ["text": .string(text)]
                case .image(.data(let data, let type)):
                    return ["inline_data": ["mime_type": .string(type), "data": .string(data.base64EncodedString())]]
                case .image(.url):
                    throw InvalidRequestError(provider: provider, model: model, message: "Gemini takes images as bytes, not URLs",
                                              hint: "pass the image as a file so its bytes are sent")
                }
            }
            return ["role": .string(message.role == .assistant ? "model" : "user"), "parts": .array(parts)]
        }
    }

    static func finishReason(_ raw: String) -> FinishReason {
        switch raw {
        case "STOP": .stop
        case "MAX_TOKENS": .length
        case "SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY": .contentFilter
        default: .error
        }
    }

    /// Output is the answer's tokens plus the thoughts' (both billed as output; Gemini counts
    /// them apart); cached tokens are part of the prompt's count.
    static func usage(_ metadata: JSONValue?) -> Usage? {
        guard let input = metadata?["promptTokenCount"]?.int else { return nil }
        let thoughts = metadata?["thoughtsTokenCount"]?.int
        let output = (metadata?["candidatesTokenCount"]?.int ?? 0) + (thoughts ?? 0)
        return Usage(inputTokens: input, outputTokens: output, cachedInputTokens: metadata?["cachedContentTokenCount"]?.int,
                     reasoningTokens: thoughts)
    }

    /// The answer text of a response: every non-thought text part of the first candidate.
    static func text(_ json: JSONValue) -> String {
        parts(json, thought: false)
    }

    /// The thought summaries of a response: text parts marked `"thought": true`.
    static func thoughts(_ json: JSONValue) -> String {
        parts(json, thought: true)
    }

    private static func parts(_ json: JSONValue, thought: Bool) -> String {
        (json["candidates"]?[0]?["content"]?["parts"]?.array ?? [])
            .compactMap { ($0["thought"]?.bool == true) == thought ? $0["text"]?.string : nil }.joined()
    }

    /// A finish reason, or a blocked prompt (no candidates, `promptFeedback.blockReason`).
    static func finish(_ json: JSONValue) -> (FinishReason, String)? {
        if let raw = json["candidates"]?[0]?["finishReason"]?.string { return (finishReason(raw), raw) }
        if let blocked = json["promptFeedback"]?["blockReason"]?.string { return (.contentFilter, blocked) }
        return nil
    }

    func parseResponse(_ json: JSONValue, model: String) throws -> ProviderResponse {
        if let error = json["error"], !error.isNull { throw self.error(error, status: error["code"]?.int, details: nil, model: model) }
        let finish = Self.finish(json)
        var response = ProviderResponse(text: Self.text(json), finishReason: finish?.0 ?? .stop, rawFinishReason: finish?.1,
                                        usage: Self.usage(json["usageMetadata"]), servedVersion: json["modelVersion"]?.string)
        response.reasoning = Self.thoughts(json)
        return response
    }

    func makeInterpreter(model: String) -> Interpreter { Interpreter(format: self, model: model) }

    struct Interpreter: StreamInterpreter {
        let format: GeminiFormat
        let model: String
        var usage: Usage?
        var announced = false
        var isComplete = false
        var missingMarker: String { "a finishReason" }

        mutating func consume(type: String, data: String) throws -> [ProviderEvent] {
            guard let json = JSONValue.parse(data) else {
                throw ProviderError(.brokenStream, provider: format.provider, model: model, message: "the stream carried malformed JSON: \(data.prefix(120))")
            }
            if let error = json["error"], !error.isNull { throw format.error(error, status: error["code"]?.int, details: nil, model: model) }
            var events: [ProviderEvent] = []
            if !announced, let version = json["modelVersion"]?.string { announced = true; events.append(.servedBy(version)) }
            let thoughts = GeminiFormat.thoughts(json)
            if !thoughts.isEmpty { events.append(.reasoning(thoughts)) }
            let text = GeminiFormat.text(json)
            if !text.isEmpty { events.append(.text(text)) }
            // Each chunk repeats it: passed on when it changes, so a stream cut later keeps what was reported.
            if let latest = GeminiFormat.usage(json["usageMetadata"]), latest != usage {
                usage = latest
                events.append(.usage(latest))
            }
            if let (reason, raw) = GeminiFormat.finish(json) {
                isComplete = true
                events.append(.finish(reason, raw: raw))
            }
            return events
        }
    }

    func error(from details: HTTPErrorDetails, model: String) -> any GenesisError {
        error(details.json?["error"] ?? .null, status: details.status, details: details, model: model)
    }

    func error(_ error: JSONValue, status: Int?, details: HTTPErrorDetails?, model: String) -> any GenesisError {
        let code = error["status"]?.string ?? ""
        let message = error["message"]?.string ?? details.map { "HTTP \($0.status): \($0.excerpt)" } ?? "the provider reported an error"
        let reasons = (error["details"]?.array ?? []).compactMap { $0["reason"]?.string }
        let category: ErrorCategory
        switch code {
        case "INVALID_ARGUMENT":
            category = reasons.contains("API_KEY_INVALID") || message.contains("API key not valid") ? .authentication
                : message.contains("token count") || message.contains("exceeds the maximum number of tokens") ? .contextTooLong : .invalidRequest
        case "UNAUTHENTICATED": category = .authentication
        case "FAILED_PRECONDITION": category = .permission
        case "PERMISSION_DENIED": category = .permission
        case "NOT_FOUND": category = .modelNotFound
        case "RESOURCE_EXHAUSTED": category = .rateLimit
        case "INTERNAL": category = .server
        case "UNAVAILABLE": category = .overloaded
        case "DEADLINE_EXCEEDED": category = .timeout
        default: category = details?.category ?? .server
        }
        switch category {
        case .rateLimit:
            let retryInfo = (error["details"]?.array ?? []).first { $0["@type"]?.string?.hasSuffix("google.rpc.RetryInfo") == true }
            let delay = retryInfo?["retryDelay"]?.string.flatMap(RateLimitSnapshot.parseDuration)
                ?? Self.retryIn(message) ?? details?.retryAfter
            let daily = message.lowercased().contains("per day") || (error["details"]?.encoded()).map { String(decoding: $0, as: UTF8.self).contains("PerDay") } == true
            return RateLimitError(provider: provider, model: model, status: status, limit: daily ? .quota : .requests, retryAfter: delay, message: message)
        case .modelNotFound:
            return ModelNotFoundError(provider: provider, model: model, status: status)
        default:
            var text = status == nil ? message + " (error in the stream)" : message
            if message.contains("unregistered callers") { text += "; no API key reached Gemini: set GEMINI_API_KEY" }
            return ProviderError(category, provider: provider, model: model, status: status, message: text)
        }
    }

    /// "Please retry in 47.4s."
    static func retryIn(_ message: String) -> Duration? {
        guard let range = message.range(of: #"retry in [0-9.]+s"#, options: .regularExpression) else { return nil }
        return RateLimitSnapshot.parseDuration(String(message[range].dropFirst("retry in ".count)))
    }

    func rateLimits(from headers: HTTPHeaders) -> RateLimitSnapshot? { nil } // Gemini sends none

    /// `POST /v1beta/models/MODEL:batchEmbedContents`, one request a text (the Gemini API
    /// reference, "Embeddings"); the answer's `embeddings[].values` are in the same order.
    func embeddingsRequest(_ request: EmbeddingRequest, key: String?) -> HTTPRequestSpec? {
        let model = "models/" + Self.bareModel(request.model)
        let requests = request.texts.map { text -> JSONValue in
            ["model": .string(model), "content": ["parts": [["text": .string(text)]]]]
        }
        return HTTPRequestSpec(url: URLParts.join(baseURL, "/v1beta/\(model):batchEmbedContents"), headers: headers(key: key),
                               body: ["requests": .array(requests)])
    }

    /// `embeddings[].values`; `batchEmbedContents` reports no token count.
    func parseEmbeddings(_ json: JSONValue) -> Embeddings? {
        Self.vectors(json["embeddings"]?.array?.map { $0["values"] ?? .null }).map { Embeddings(vectors: $0) }
    }

    func modelsRequest(key: String?, pageToken: String?) -> HTTPRequestSpec {
        var url = URLParts.join(baseURL, "/v1beta/models?pageSize=100")
        if let pageToken { url += "&pageToken=" + (pageToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? pageToken) }
        return HTTPRequestSpec(method: .GET, url: url, headers: headers(key: key))
    }

    func parseModels(_ json: JSONValue) -> (models: [ModelInfo], nextPageToken: String?) {
        let models = (json["models"]?.array ?? []).compactMap { entry -> ModelInfo? in
            guard let name = entry["name"]?.string,
                  (entry["supportedGenerationMethods"]?.array ?? []).contains(.string("generateContent")) else { return nil }
            return ModelInfo(id: ModelID(provider: provider, model: Self.bareModel(name)), contextWindow: entry["inputTokenLimit"]?.int,
                             summary: entry["displayName"]?.string)
        }
        return (models, json["nextPageToken"]?.string.flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// Gemini as a configuration names it (`kind = "gemini"`), registered in `ProviderKindTable.standard`.
extension ProviderKind {
    public static let gemini = ProviderKind(
        name: "gemini", keyVariables: ["GEMINI_API_KEY", "GOOGLE_API_KEY"], baseURLVariable: "GEMINI_BASE_URL",
        defaultBaseURL: "https://generativelanguage.googleapis.com", modelPrefixes: ["gemini"], catalogNames: ["gemini"],
        suggestedModels: ["gemini-3.5-flash", "gemini-3.1-pro-preview", "gemini-2.5-flash"],
        // Gemini's documented limit on inline data: the whole request, base64 text included (said in `source`)
        imageLimits: ImageLimits(perImage: 20 * ImageLimits.megabyte / 4 * 3, perRequest: 20 * ImageLimits.megabyte / 4 * 3,
                                 source: "Gemini takes inline images in requests under 20 MB once base64-encoded"),
        // PROTOCOLS 9.3
        modelTraits: ModelTraits.Rules(families: [
            "gemini-2.5": ModelTraits(thinking: .geminiBudget),
            "gemini-2.5-pro": ModelTraits(thinking: .geminiBudget, alwaysThinks: true),
            "gemini-3": ModelTraits(thinking: .geminiLevel),
        ]))
}
