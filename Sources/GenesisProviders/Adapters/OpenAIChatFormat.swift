import Foundation
import GenesisEngine
import NIOHTTP1

/// OpenAI Chat Completions, and the servers that copy it: OpenAI-compatible endpoints (vLLM, LM
/// Studio, Groq, Together, OpenRouter), Mistral and llama.cpp, each with its own differences.
struct OpenAIChatFormat: ChatWireFormat {
    let provider: String
    let dialect: Dialect
    /// For OpenAI and compatible servers, includes `/v1`; for Mistral and llama.cpp, the host root.
    let baseURL: String
    /// What each model takes, from the catalog.
    var catalog: PriceMemo = .standard
    /// What the provider learns from the API's answers (shared with its Responses side).
    var memo = OpenAIMemo()

    /// Whether OpenAI serves `model` only on the Responses API: the catalog says so (`mode`
    /// `responses`: gpt-daybreak-red-latest), or its name does (``OpenAIAPI/servesOnlyResponses(_:)``:
    /// LiteLLM lists computer-use-preview as a chat model, which it is not). Compatible servers
    /// are never assumed to have it.
    func servesOnlyResponses(_ model: String) -> Bool {
        guard dialect.hasOpenAIModels else { return false }
        return OpenAIAPI.servesOnlyResponses(model) || catalog.price(for: ModelID(provider: provider, model: model))?.mode == "responses"
    }

    var framing: StreamFraming { .serverSentEvents }
    var requiresKey: Bool { dialect.requiresKey }
    var keyVariables: [String] { dialect.keyVariables }

    private var apiRoot: String { URLParts.join(baseURL, dialect.apiPath) }

    /// Settings a model may refuse that can be left out without changing what is asked.
    private static let droppable: Set<String> = ["temperature", "top_p", "stop", "seed", "presence_penalty", "frequency_penalty",
                                                  "logprobs", "top_logprobs", "logit_bias", "stream_options", "response_format",
                                                  "reasoning_effort"]

    /// Reasoning models (o1, o3, o4, gpt-5 and their snapshots: `o3-mini`, `gpt-5.1`) take
    /// `max_completion_tokens`, and only the default sampling: no `temperature`, `top_p` or `stop`.
    static func isReasoningModel(_ model: String) -> Bool {
        // On every request, so compared byte by byte (ASCII case folded), with nothing allocated.
        var id = Substring(model).utf8
        if startsFolded(id, with: "ft:") { id = id.dropFirst(3) } // fine-tuned: ft:o4-mini-2025-04-16:org::id
        return reasoningFamilies.contains { family in
            guard startsFolded(id, with: family) else { return false }
            let rest = id.dropFirst(family.utf8CodeUnitCount)
            return rest.first.map { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") } ?? true
        }
    }

    private static let reasoningFamilies: [StaticString] = ["o1", "o3", "o4", "gpt-5"]

    private static func startsFolded(_ text: Substring.UTF8View, with prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { wanted in
            var index = text.startIndex
            for byte in wanted {
                guard index < text.endIndex else { return false }
                let folded = (65...90).contains(text[index]) ? text[index] + 32 : text[index]
                guard folded == byte else { return false }
                index = text.index(after: index)
            }
            return true
        }
    }

    func headers(key: String?) -> [(String, String)] {
        key.map { [("authorization", "Bearer \($0)")] } ?? []
    }

    func chatRequest(_ request: ProviderRequest, stream: Bool, key: String?) throws -> HTTPRequestSpec {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(try messages(request.messages)),
            "stream": .bool(stream),
        ]
        let p = request.parameters
        let reasoning = takesDefaultSamplingOnly(request)
        if let max = p.maxTokens { body[reasoning ? "max_completion_tokens" : "max_tokens"] = .number(Double(max)) }
        if let t = p.temperature, !reasoning { body["temperature"] = .number(t) }
        if let topP = p.topP, !reasoning { body["top_p"] = .number(topP) }
        let stops = sentStopSequences(request)
        if !stops.isEmpty { body["stop"] = .array(stops.map(JSONValue.string)) }
        // An integer on the wire: past 2^53 a double would be written with an exponent.
        if let seed = p.seed { body[dialect.seedField] = .number(Double(seed % (1 << 53))) }
        if p.responseFormat == .json { body["response_format"] = ["type": "json_object"] }
        if stream, dialect.takesStreamOptions { body["stream_options"] = ["include_usage": true] }
        var notes: [String] = []
        if let level = p.reasoning, let taken = dialect.efforts(of: request.model) {
            let asked = OpenAIEffort.value(level, highest: dialect.highestEffort)
            let effort = OpenAIEffort.nearest(asked, among: taken)
            if effort != asked {
                notes.append("\(request.model) takes reasoning_effort \(taken.joined(separator: " or ")); sent \(effort) for \(level.rawValue)")
            }
            body["reasoning_effort"] = .string(effort)
        } else if let level = p.reasoning {
            let (effort, note) = OpenAIEffort.resolved(level, highest: dialect.highestEffort, model: request.model, memo: memo)
            if let note { notes.append(note) }
            body["reasoning_effort"] = .string(effort)
        }
        var spec = HTTPRequestSpec(url: apiRoot + "/chat/completions", headers: headers(key: key), body: .object(body))
        spec.notes = notes
        return spec
    }

    /// OpenAI's reasoning models: sent no sampling settings and no stop sequences.
    private func takesDefaultSamplingOnly(_ request: ProviderRequest) -> Bool {
        dialect.hasOpenAIModels && Self.isReasoningModel(request.model)
    }

    /// OpenAI takes up to four stop sequences, and its reasoning models none; Genesis applies
    /// the rest to the answer itself (``unsentStopSequences(_:)``).
    private func sentStopSequences(_ request: ProviderRequest) -> [String] {
        if takesDefaultSamplingOnly(request) { return [] }
        let stops = request.parameters.stopSequences
        return dialect.hasOpenAIModels ? Array(stops.prefix(Self.mostStopSequences)) : stops
    }

    static let mostStopSequences = 4

    func unsentStopSequences(_ request: ProviderRequest) -> [String] {
        Array(request.parameters.stopSequences.dropFirst(sentStopSequences(request).count))
    }

    /// A 400 that names a parameter the model does not take: `max_tokens` and
    /// `max_completion_tokens` are swapped; a refused `reasoning_effort` value becomes the next
    /// one towards `medium` (`xhigh` on o3 becomes `high`, not the model's default); any other
    /// optional setting the API calls an `unsupported_parameter` or `unsupported_value` (a
    /// sampling setting a newer reasoning model refuses) is left out, so the model's default applies.
    func retryRequest(after error: HTTPErrorDetails, original: HTTPRequestSpec) -> HTTPRequestSpec? {
        guard error.status == 400 || error.status == 422 else { return nil }
        guard dialect.namesRefusedParameter, error.status == 400,
              let param = error.json?["error"]?["param"]?.string,
              case .object(var body) = original.body, let value = body[param] else {
            // No `param` (Mistral's 422 names the field in its detail; other servers only in words).
            guard let message = RefusedParameter.message(of: error),
                  let param = RefusedParameter.named(in: message, among: Self.droppable.sorted() + ["random_seed"]) else { return nil }
            return RefusedParameter.resend(original, without: param, model: original.body?["model"]?.string)
        }
        let code = error.json?["error"]?["code"]?.string
        if ["max_tokens", "max_completion_tokens"].contains(param) {
            body[param] = nil
            body[param == "max_tokens" ? "max_completion_tokens" : "max_tokens"] = value
        } else if param == "reasoning_effort", code == "unsupported_value", let effort = value.string,
                  let next = OpenAIEffort.nearerMedium(effort) {
            if let model = body["model"]?.string { memo.rememberRefusedEffort(effort, model: model) }
            body[param] = .string(next)
            var retry = original
            retry.body = .object(body)
            retry.notes.append("the model refused reasoning_effort \(effort) (unsupported_value); sent \(next)")
            return retry
        } else if code == "unsupported_parameter" || code == "unsupported_value", Self.droppable.contains(param) {
            body[param] = nil
        } else {
            return nil
        }
        var retry = original
        retry.body = .object(body)
        if body[param] == nil {
            retry.notes.append("the model refused \(param) (\(code ?? "unsupported")); sent without it")
            retry.refused.append(param)
        }
        return retry
    }

    /// System messages first; a message with one text part as a plain string, otherwise parts.
    func messages(_ messages: [ChatMessage]) throws -> [JSONValue] {
        let ordered = messages.filter { $0.role == .system } + messages.filter { $0.role != .system }
        return ordered.map { message in
            let content: JSONValue
            if message.parts.count == 1, case .text(let text) = message.parts[0] {
                content = .string(text)
            } else {
                content = .array(message.parts.map { part in
                    switch part {
                    case .text(let text): ["type": "text", "text": .string(text)]
                    case .image(let source):
                        dialect.imageURLIsString
                            ? ["type": "image_url", "image_url": .string(source.urlString)]
                            : ["type": "image_url", "image_url": ["url": .string(source.urlString)]]
                    }
                })
            }
            return ["role": .string(message.role.rawValue), "content": content]
        }
    }

    func parseResponse(_ json: JSONValue, model: String) throws -> ProviderResponse {
        if let error = json["error"], !error.isNull { throw streamError(error, model: model) }
        let choice = json["choices"]?[0]
        let raw = choice?["finish_reason"]?.string
        // A refusal comes in `refusal`, with no content: it is the answer.
        let message = choice?["message"]
        var content = Self.text(of: message?["content"])
        var reasoning = Self.reasoning(of: message) + Self.reasoning(inContent: message?["content"])
        if splitsThinkTags, reasoning.isEmpty { (reasoning, content) = ThinkTagSplitter.split(content) }
        let text = content.isEmpty ? message?["refusal"]?.string ?? "" : content
        var response = ProviderResponse(text: text, finishReason: Self.finishReason(raw ?? "stop"),
                                        rawFinishReason: raw, usage: Self.usage(json["usage"]), servedVersion: json["model"]?.string)
        response.reasoning = reasoning
        return response
    }

    /// Whether a `<think>` block opening the content is the model's reasoning: on servers that
    /// run open models and may not separate it themselves.
    var splitsThinkTags: Bool { dialect.splitsThinkTags }

    /// Content is a string, or (Mistral reasoning models) an array of typed parts.
    static func text(of content: JSONValue?) -> String {
        if let text = content?.string { return text }
        return content?.array?.compactMap { $0["type"]?.string == "text" ? $0["text"]?.string : nil }.joined() ?? ""
    }

    /// Mistral's `{"type": "thinking", "thinking": [{"type": "text", "text"}]}` parts of a content array.
    static func reasoning(inContent content: JSONValue?) -> String {
        guard let parts = content?.array else { return "" }
        return parts.compactMap { part -> String? in
            guard part["type"]?.string == "thinking", let thinking = part["thinking"] else { return nil }
            return thinking.string ?? thinking.array?.compactMap { $0["text"]?.string }.joined()
        }.joined()
    }

    /// A delta's or message's reasoning field: `reasoning_content` (DeepSeek, llama.cpp, SGLang)
    /// or `reasoning` (vLLM, OpenRouter, Ollama's `/v1`). One of them, never both: vLLM fills
    /// both with the same text, for clients of either name.
    static func reasoning(of message: JSONValue?) -> String {
        if let content = message?["reasoning_content"]?.string, !content.isEmpty { return content }
        return message?["reasoning"]?.string ?? ""
    }

    /// Prompt and completion tokens, with cached, cache-write and reasoning tokens where reported
    /// (each a part of its total).
    static func usage(_ usage: JSONValue?) -> Usage? {
        guard let input = usage?["prompt_tokens"]?.int, let output = usage?["completion_tokens"]?.int else { return nil }
        return Usage(inputTokens: input, outputTokens: output,
                     cachedInputTokens: usage?["prompt_tokens_details"]?["cached_tokens"]?.int ?? usage?["prompt_cache_hit_tokens"]?.int,
                     cacheWriteTokens: usage?["prompt_tokens_details"]?["cache_write_tokens"]?.int,
                     reasoningTokens: usage?["completion_tokens_details"]?["reasoning_tokens"]?.int)
    }

    static func finishReason(_ raw: String) -> FinishReason {
        switch raw {
        case "stop": .stop
        case "length", "model_length": .length
        case "content_filter": .contentFilter
        case "tool_calls", "function_call": .toolCalls
        default: .error
        }
    }

    func makeInterpreter(model: String) -> Interpreter { Interpreter(format: self, model: model) }

    struct Interpreter: StreamInterpreter {
        let format: OpenAIChatFormat
        let model: String
        var isComplete = false
        var announcedModel = false
        var thinkTags = ThinkTagSplitter()
        var missingMarker: String { "a finish_reason and [DONE]" }

        mutating func consume(type: String, data: String) throws -> [ProviderEvent] {
            if type == "error" {
                let payload = JSONValue.parse(data) ?? .string(data)
                throw format.streamError(payload["error"].flatMap { $0.isNull ? nil : $0 } ?? payload, model: model)
            }
            if data == "[DONE]" { isComplete = true; return thinkTags.finish() }
            guard let json = JSONValue.parse(data) else {
                throw ProviderError(.brokenStream, provider: format.provider, model: model,
                                    message: "the stream carried malformed JSON: \(data.prefix(120))")
            }
            if let error = json["error"], !error.isNull { throw format.streamError(error, model: model) }
            var events: [ProviderEvent] = []
            if !announcedModel, let served = json["model"]?.string, !served.isEmpty {
                announcedModel = true
                events.append(.servedBy(served))
            }
            if let choice = json["choices"]?[0] {
                let delta = choice["delta"]
                let reasoning = OpenAIChatFormat.reasoning(of: delta) + OpenAIChatFormat.reasoning(inContent: delta?["content"])
                if !reasoning.isEmpty { events.append(.reasoning(reasoning)) }
                let text = OpenAIChatFormat.text(of: delta?["content"])
                if !text.isEmpty { events += format.splitsThinkTags ? thinkTags.feed(text) : [.text(text)] }
                if let refusal = delta?["refusal"]?.string, !refusal.isEmpty { events.append(.text(refusal)) }
                if let raw = choice["finish_reason"]?.string {
                    events += thinkTags.finish()
                    events.append(.finish(OpenAIChatFormat.finishReason(raw), raw: raw))
                }
            }
            if let usage = OpenAIChatFormat.usage(json["usage"]) { events.append(.usage(usage)) }
            return events
        }
    }

    /// An `error` object that arrived with status 200 (inside a stream or a body).
    func streamError(_ error: JSONValue, model: String) -> any GenesisError {
        let type = error["type"]?.string ?? error["code"]?.string ?? ""
        let message = error["message"]?.string ?? error.string ?? "the provider reported an error"
        let category: ErrorCategory = switch type {
        case "rate_limit_exceeded", "requests", "tokens": .rateLimit
        case "context_length_exceeded": .contextTooLong
        case "overloaded_error", "unavailable_error": .overloaded
        // `invalid_request_error`, and the Responses API's codes for a prompt it cannot take
        // (`invalid_prompt`, `invalid_image`, `image_too_large`, ...): asking again would fail again.
        case _ where type.hasPrefix("invalid_") || type.contains("image"): .invalidRequest
        default: .server
        }
        if category == .rateLimit {
            return RateLimitError(provider: provider, model: model, status: nil, limit: .unknown, retryAfter: nil, message: message)
        }
        return ProviderError(category, provider: provider, model: model, message: "\(message) (error in the stream: \(type.isEmpty ? "unknown" : type))")
    }

    func error(from details: HTTPErrorDetails, model: String) -> any GenesisError {
        let error = details.json?["error"]
        // OpenAI nests {"error": {...}}; Mistral is flat ({"message", "type", "code"} or {"detail"}).
        let body = (error?.object != nil ? error : details.json) ?? .null
        let type = body["type"]?.string ?? ""
        let code = body["code"]?.string ?? ""
        var message = body["message"]?.string
            ?? body["message"].map { String(decoding: $0.encoded(), as: UTF8.self) }
            ?? body["detail"].map { $0.string ?? String(decoding: $0.encoded(), as: UTF8.self) }
            ?? error?.string
            ?? "HTTP \(details.status) from \(URLParts.hostAndPort(baseURL)): \(details.excerpt)"
        if let id = details.requestID { message += " (request id \(id))" }
        var category = details.category
        switch details.status {
        case 400 where code == "context_length_exceeded" || type == "exceed_context_size_error"
                       || message.contains("context length") || message.contains("context size"):
            category = .contextTooLong
        case 400 where type == "invalid_model" || message.hasPrefix("Invalid model"):
            category = .modelNotFound
        case 404 where dialect.wrongPathHint != nil
                       && (!dialect.notFoundMayBeAboutModel || (code != "model_not_found" && !message.lowercased().contains("model"))):
            category = .invalidRequest
            message += "; the path was not found: check the base URL (\(dialect.wrongPathHint ?? ""))"
        case 429 where message.contains("capacity exceeded"):
            category = .overloaded
        case 500 where type == "exceed_context_size_error":
            category = .contextTooLong
        default:
            break
        }
        if category == .rateLimit {
            let quota = code == "insufficient_quota" || type == "insufficient_quota" || code.contains("quota") || code.contains("billing")
            let limits = rateLimits(from: details.headers)
            let limit: RateLimitError.Limit = quota ? .quota : type == "tokens" ? .tokens : type == "requests" ? .requests
                : (limits?.requestsRemaining == 0 ? .requests : limits?.tokensRemaining == 0 ? .tokens : .unknown)
            let retryAfter = quota ? nil : details.retryAfter ?? limits?.resetOfExhaustedLimit ?? Self.tryAgainIn(message)
            return RateLimitError(provider: provider, model: model, status: details.status, limit: limit,
                                  retryAfter: retryAfter, message: message, snapshot: limits)
        }
        if category == .modelNotFound, details.status == 404, message.contains(Self.responsesOnlyMarker) {
            // The model exists, on the Responses API only: the server's words say so, and
            // OpenAIProvider switches on them.
            return ProviderError(.modelNotFound, provider: provider, model: model, status: 404, message: message, isRetryable: false)
        }
        if category == .modelNotFound {
            return ModelNotFoundError(provider: provider, model: model, status: details.status)
        }
        // llama.cpp also answers some bad requests with 500: retrying those blindly only repeats them.
        let retryable = details.shouldRetry ?? (!dialect.retriesServerErrors && details.status == 500 ? false : nil)
        return ProviderError(category, provider: provider, model: model, status: details.status, message: message, isRetryable: retryable)
    }

    /// What Chat Completions' 404 for a model served only on the Responses API says: "This model
    /// is only supported in v1/responses and not in v1/chat/completions."
    static let responsesOnlyMarker = "v1/responses"

    /// "Please try again in 1.8s" / "in 120ms" / "in 6m0s" / "in 1h2m3.5s".
    static func tryAgainIn(_ message: String) -> Duration? {
        guard let range = message.range(of: #"try again in ([0-9.]+(ms|h|m|s))+"#, options: .regularExpression) else { return nil }
        return RateLimitSnapshot.parseDuration(String(message[range].dropFirst("try again in ".count)))
    }

    func rateLimits(from headers: HTTPHeaders) -> RateLimitSnapshot? {
        // Most answers carry none (local servers, compatible APIs): one pass over the names, not ten lookups.
        guard headers.contains(where: { $0.name.utf8.count > 12 && $0.name.utf8.prefix(12).elementsEqual("x-ratelimit-".utf8) { $0 | 0x20 == $1 } })
        else { return nil }
        func int(_ name: String) -> Int? { headers.first(name: name).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        func duration(_ name: String) -> Duration? { headers.first(name: name).flatMap(RateLimitSnapshot.parseDuration) }
        var snapshot = RateLimitSnapshot(
            requestLimit: int("x-ratelimit-limit-requests") ?? int("x-ratelimit-limit-req-minute"),
            requestsRemaining: int("x-ratelimit-remaining-requests") ?? int("x-ratelimit-remaining-req-minute"),
            requestsReset: duration("x-ratelimit-reset-requests"),
            tokenLimit: int("x-ratelimit-limit-tokens") ?? int("x-ratelimit-limit-tokens-minute"),
            tokensRemaining: int("x-ratelimit-remaining-tokens") ?? int("x-ratelimit-remaining-tokens-minute"),
            tokensReset: duration("x-ratelimit-reset-tokens"))
        if dialect.hasMinuteRateWindows { // no reset header
            if snapshot.requestsRemaining != nil { snapshot.requestsReset = snapshot.requestsReset ?? .seconds(60) }
            if snapshot.tokensRemaining != nil { snapshot.tokensReset = snapshot.tokensReset ?? .seconds(60) }
        }
        return snapshot == RateLimitSnapshot() ? nil : snapshot
    }

    func modelsRequest(key: String?, pageToken: String?) -> HTTPRequestSpec {
        HTTPRequestSpec(method: .GET, url: apiRoot + "/models", headers: headers(key: key))
    }

    func healthRequest() -> HTTPRequestSpec? {
        dialect.healthPath.map { HTTPRequestSpec(method: .GET, url: URLParts.join(baseURL, $0)) }
    }

    /// `POST /embeddings` with the texts as `input` (OpenAI's API reference, "Create embeddings";
    /// OpenAI-compatible servers serve the same path).
    func embeddingsRequest(_ request: EmbeddingRequest, key: String?) -> HTTPRequestSpec? {
        HTTPRequestSpec(url: apiRoot + "/embeddings", headers: headers(key: key),
                        body: ["model": .string(request.model), "input": .array(request.texts.map(JSONValue.string)), "encoding_format": "float"])
    }

    /// `data[]` holds `{index, embedding}`, put back in the texts' order by `index`; the tokens
    /// read are `usage.prompt_tokens`.
    func parseEmbeddings(_ json: JSONValue) -> Embeddings? {
        guard let entries = json["data"]?.array else { return nil }
        let ordered = entries.enumerated().sorted { ($0.element["index"]?.int ?? $0.offset) < ($1.element["index"]?.int ?? $1.offset) }
        return Self.vectors(ordered.map { $0.element["embedding"] ?? .null }).map {
            Embeddings(vectors: $0, inputTokens: json["usage"]?["prompt_tokens"]?.int)
        }
    }

    func parseModels(_ json: JSONValue) -> (models: [ModelInfo], nextPageToken: String?) {
        let entries = json["data"]?.array ?? []
        let models = entries.compactMap { entry -> ModelInfo? in
            guard let id = entry["id"]?.string else { return nil }
            if dialect.marksChatCapability, entry["capabilities"]?["completion_chat"]?.bool == false { return nil }
            let context = entry["max_context_length"]?.int ?? entry["meta"]?["n_ctx_train"]?.int
            return ModelInfo(id: ModelID(provider: provider, model: id), contextWindow: context)
        }
        return (models, nil)
    }
}

extension ImageSource {
    /// An `https://` URL as given, or the bytes as a `data:` URL.
    var urlString: String {
        switch self {
        case .url(let url): url
        case .data(let data, let type): "data:\(type);base64,\(data.base64EncodedString())"
        }
    }
}
