import Foundation
import GenesisEngine
import NIOHTTP1

/// Anthropic's Messages API: `x-api-key` and `anthropic-version` headers, a required
/// `max_tokens`, the system prompt at the top level, and a stream of named events from
/// `message_start` to `message_stop` (with `ping` and mid-stream `error` events).
struct AnthropicFormat: ChatWireFormat {
    static let version = "2023-06-01"
    /// Sent when the request names no limit: `max_tokens` is required by the API.
    static let defaultMaxTokens = 4096

    let provider: String
    /// The host root; the adapter appends `/v1/messages`.
    let baseURL: String
    /// What each model takes, from the catalog.
    var catalog: PriceMemo = .standard

    var framing: StreamFraming { .serverSentEvents }
    var requiresKey: Bool { true }
    var keyVariables: [String] { ProviderKind.anthropic.keyVariables }

    func headers(key: String?) -> [(String, String)] {
        var headers = [("anthropic-version", Self.version)]
        if let key { headers.append(("x-api-key", key)) }
        return headers
    }

    func chatRequest(_ request: ProviderRequest, stream: Bool, key: String?) throws -> HTTPRequestSpec {
        let p = request.parameters
        let traits = ProviderKind.anthropic.modelTraits.traits(of: request.model, price: catalog.price(for: ModelID(provider: provider, model: request.model)))
        var notes: [String] = []
        var maxTokens = p.maxTokens ?? Self.defaultMaxTokens
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(messages(request.messages)),
            "stream": .bool(stream),
        ]
        var samples = true
        if traits.refusesSampling, p.temperature != nil || p.topP != nil {
            samples = false
            notes.append("\(request.model) takes no temperature or top_p; sent without them")
        }
        if let level = p.reasoning {
            switch traits.thinking {
            case .adaptiveOnly:
                if level == .off {
                    notes.append("\(request.model) cannot turn its thinking off; it thinks as it decides")
                } else {
                    body["thinking"] = ["type": "adaptive"]
                    body["output_config"] = ["effort": .string(Self.effort(level))]
                }
            case .never:
                if level != .off { notes.append("\(request.model) does not think; sent without thinking settings") }
            default:
                if level != .off {
                    let budget = Self.thinkingBudget(level)
                    // The budget is part of max_tokens and must be below it.
                    if maxTokens <= budget {
                        let raised = budget + maxTokens
                        if p.maxTokens != nil { notes.append("max_tokens raised from \(maxTokens) to \(raised) to fit a thinking budget of \(budget)") }
                        maxTokens = raised
                    }
                    body["thinking"] = ["type": "enabled", "budget_tokens": .number(Double(budget))]
                    if samples, p.temperature != nil || p.topP != nil {
                        samples = false
                        notes.append("thinking takes no temperature or top_p; sent without them")
                    }
                }
            }
        }
        body["max_tokens"] = .number(Double(maxTokens))
        let system = request.messages.filter { $0.role == .system }.map(\.text).filter { !$0.isEmpty }
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        if samples, let t = p.temperature { body["temperature"] = .number(min(t, 1)) } // Anthropic's range is 0...1
        // Newer models refuse both at once ("use only one"); temperature is the one kept.
        if samples, let topP = p.topP, p.temperature == nil { body["top_p"] = .number(topP) }
        // Each must hold something other than whitespace (an OpenAI-style "\n\n" is refused);
        // those are applied to the answer by Genesis instead.
        let stops = p.stopSequences.filter { !Self.isOnlyWhitespace($0) }
        if !stops.isEmpty { body["stop_sequences"] = .array(stops.map(JSONValue.string)) }
        var spec = HTTPRequestSpec(url: URLParts.join(baseURL, "/v1/messages"), headers: headers(key: key), body: .object(body))
        spec.notes = notes
        if body["thinking"] != nil {
            // A model newer than what Genesis knows may refuse thinking: then the request goes as
            // it would have without a level, its max_tokens and sampling as asked.
            var plain = request
            plain.parameters.reasoning = nil
            let without = try chatRequest(plain, stream: stream, key: key)
            spec.fallbacks["thinking"] = HTTPRequestSpec.Fallback(body: without.body, notes: without.notes, replacing: notes)
        }
        return spec
    }

    /// `budget_tokens` for a level: at least 1,024, as the API requires.
    static func thinkingBudget(_ level: ReasoningLevel) -> Int {
        switch level {
        case .off, .minimal: 1024
        case .low: 2048
        case .medium: 8192
        case .high: 16384
        case .xhigh: 24576
        case .max: 32000
        }
    }

    /// `output_config.effort` of adaptive thinking (low, medium, high, xhigh, max).
    static func effort(_ level: ReasoningLevel) -> String {
        switch level {
        case .off, .minimal, .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .xhigh: "xhigh"
        case .max: "max"
        }
    }

    /// Settings a model may refuse, which are left out rather than failing the request.
    static let droppable = ["temperature", "top_p", "top_k", "thinking"]

    /// A 400 whose words refuse one sampling setting (Opus 4.7 and later: "`temperature` is
    /// deprecated for this model"; older models take `temperature` or `top_p`, not both), or
    /// thinking on a model without it ("does not support thinking"), is sent again without it,
    /// with a notice.
    func retryRequest(after error: HTTPErrorDetails, original: HTTPRequestSpec) -> HTTPRequestSpec? {
        guard error.status == 400, let message = RefusedParameter.message(of: error),
              let param = RefusedParameter.named(in: message, among: Self.droppable) else { return nil }
        return RefusedParameter.resend(original, without: param, model: original.body?["model"]?.string)
    }

    func unsentStopSequences(_ request: ProviderRequest) -> [String] {
        request.parameters.stopSequences.filter { !$0.isEmpty && Self.isOnlyWhitespace($0) }
    }

    /// A stop sequence the API refuses (the empty one included).
    private static func isOnlyWhitespace(_ stop: String) -> Bool { stop.allSatisfy(\.isWhitespace) }

    /// User and assistant turns only, consecutive turns of one role merged (the API wants them
    /// alternating).
    func messages(_ messages: [ChatMessage]) -> [JSONValue] {
        var merged: [(role: ChatRole, parts: [ContentPart])] = []
        for message in messages where message.role != .system {
            if merged.last?.role == message.role { merged[merged.count - 1].parts += message.parts } else { merged.append((message.role, message.parts)) }
        }
        return merged.map { turn in
            let content: JSONValue
            if turn.parts.count == 1, case .text(let text) = turn.parts[0] {
                content = .string(text)
            } else {
                content = .array(turn.parts.map { part in
                    switch part {
                    case .text(let text): ["type": "text", "text": .string(text)]
                    case .image(.data(let data, let type)):
                        ["type": "image", "source": ["type": "base64", "media_type": .string(type), "data": .string(data.base64EncodedString())]]
                    case .image(.url(let url)):
                        ["type": "image", "source": ["type": "url", "url": .string(url)]]
                    }
                })
            }
            return ["role": .string(turn.role.rawValue), "content": content]
        }
    }

    static func finishReason(_ raw: String) -> FinishReason {
        switch raw {
        case "end_turn", "stop_sequence", "pause_turn": .stop
        case "max_tokens", "model_context_window_exceeded": .length
        case "refusal": .contentFilter
        case "tool_use": .toolCalls
        default: .error
        }
    }

    /// `usage` read over `previous`, field by field: `message_delta` repeats only what changed
    /// (its counts are cumulative). Input is the whole prompt: uncached input plus both cache
    /// counts, which Anthropic reports beside `input_tokens`. Thinking is part of `output_tokens`.
    static func usage(_ usage: JSONValue?, merging previous: Usage?) -> Usage? {
        guard let usage, usage.object != nil else { return previous }
        let read = usage["cache_read_input_tokens"]?.int ?? previous?.cachedInputTokens
        let written = usage["cache_creation_input_tokens"]?.int ?? previous?.cacheWriteTokens
        let writtenForAnHour = usage["cache_creation"]?["ephemeral_1h_input_tokens"]?.int ?? previous?.cacheWrite1hTokens
        let uncached = usage["input_tokens"]?.int ?? previous.map { $0.inputTokens - ($0.cachedInputTokens ?? 0) - ($0.cacheWriteTokens ?? 0) }
        guard let uncached else { return previous }
        guard let output = usage["output_tokens"]?.int ?? previous?.outputTokens else { return nil }
        return Usage(inputTokens: uncached + (read ?? 0) + (written ?? 0), outputTokens: output,
                     cachedInputTokens: read, cacheWriteTokens: written, cacheWrite1hTokens: writtenForAnHour.flatMap { $0 > 0 ? $0 : nil })
    }

    func parseResponse(_ json: JSONValue, model: String) throws -> ProviderResponse {
        if json["type"]?.string == "error" { throw streamError(json["error"] ?? .null, model: model) }
        let blocks = json["content"]?.array ?? []
        let text = blocks.compactMap { $0["type"]?.string == "text" ? $0["text"]?.string : nil }.joined()
        let raw = json["stop_reason"]?.string
        var response = ProviderResponse(text: text, finishReason: raw.map(Self.finishReason) ?? .stop, rawFinishReason: raw,
                                        usage: Self.usage(json["usage"], merging: nil), servedVersion: json["model"]?.string)
        response.reasoning = blocks.compactMap { block -> String? in
            switch block["type"]?.string {
            case "thinking": block["thinking"]?.string
            case "redacted_thinking": Self.redactedThinking
            default: nil
            }
        }.joined()
        return response
    }

    /// What stands for a `redacted_thinking` block: its content is encrypted, for the API only.
    static let redactedThinking = "[some of the reasoning was redacted by the provider]\n"

    func makeInterpreter(model: String) -> Interpreter { Interpreter(format: self, model: model) }

    struct Interpreter: StreamInterpreter {
        let format: AnthropicFormat
        let model: String
        /// Usage so far: `message_start` reports the input, `message_delta` the cumulative rest.
        var usage: Usage?
        var isComplete = false
        var missingMarker: String { "message_stop" }

        mutating func consume(type: String, data: String) throws -> [ProviderEvent] {
            guard let json = JSONValue.parse(data) else {
                throw ProviderError(.brokenStream, provider: format.provider, model: model, message: "the stream carried malformed JSON: \(data.prefix(120))")
            }
            switch json["type"]?.string ?? type {
            case "message_start":
                let message = json["message"]
                var events: [ProviderEvent] = message?["model"]?.string.map { [.servedBy($0)] } ?? []
                // Reported now, so that a stream cut later still accounts for the prompt.
                usage = AnthropicFormat.usage(message?["usage"], merging: nil)
                if let usage { events.append(.usage(usage)) }
                return events
            case "content_block_start":
                return json["content_block"]?["type"]?.string == "redacted_thinking" ? [.reasoning(AnthropicFormat.redactedThinking)] : []
            case "content_block_delta":
                let delta = json["delta"]
                switch delta?["type"]?.string {
                case "text_delta":
                    guard let text = delta?["text"]?.string, !text.isEmpty else { return [] }
                    return [.text(text)]
                case "thinking_delta":
                    guard let thinking = delta?["thinking"]?.string, !thinking.isEmpty else { return [] }
                    return [.reasoning(thinking)]
                default: // signature_delta, input_json_delta
                    return []
                }
            case "message_delta":
                var events: [ProviderEvent] = []
                if let merged = AnthropicFormat.usage(json["usage"], merging: usage) {
                    usage = merged
                    events.append(.usage(merged))
                }
                if let raw = json["delta"]?["stop_reason"]?.string { events.append(.finish(AnthropicFormat.finishReason(raw), raw: raw)) }
                return events
            case "message_stop":
                isComplete = true
                return []
            case "error":
                throw format.streamError(json["error"] ?? .null, model: model)
            default: // ping, content_block_start/stop, and event types added later
                return []
            }
        }
    }

    /// Maps an `error` object by its type (used for HTTP errors and `event: error`).
    func streamError(_ error: JSONValue, model: String, status: Int? = nil, details: HTTPErrorDetails? = nil) -> any GenesisError {
        let type = error["type"]?.string ?? ""
        var message = error["message"]?.string ?? details.map { "HTTP \($0.status): \($0.excerpt)" } ?? "the provider reported an error"
        if let id = details?.requestID { message += " (request id \(id))" }
        let category: ErrorCategory
        switch type {
        case "invalid_request_error": category = message.contains("prompt is too long") || message.contains("context") ? .contextTooLong : .invalidRequest
        case "authentication_error": category = .authentication
        case "permission_error", "billing_error": category = .permission
        case "not_found_error": category = message.hasPrefix("model:") || message.contains("model") ? .modelNotFound : .invalidRequest
        case "request_too_large": category = .invalidRequest
        case "rate_limit_error": category = .rateLimit
        case "api_error": category = .server
        case "timeout_error": category = .timeout
        case "overloaded_error": category = .overloaded
        default: category = details?.category ?? .server
        }
        switch category {
        case .rateLimit:
            let limits = details.flatMap { rateLimits(from: $0.headers) }
            let retryAfter = details?.retryAfter ?? limits?.resetOfExhaustedLimit
            let limit: RateLimitError.Limit = limits?.requestsRemaining == 0 ? .requests : limits?.tokensRemaining == 0 ? .tokens : .unknown
            return RateLimitError(provider: provider, model: model, status: status, limit: limit, retryAfter: retryAfter, message: message, snapshot: limits)
        case .modelNotFound:
            return ModelNotFoundError(provider: provider, model: model, status: status)
        default:
            let where_ = status == nil ? " (error event in the stream)" : ""
            return ProviderError(category, provider: provider, model: model, status: status, message: message + where_,
                                 isRetryable: details?.shouldRetry)
        }
    }

    func error(from details: HTTPErrorDetails, model: String) -> any GenesisError {
        streamError(details.json?["error"] ?? .object(["type": .string("")]), model: model, status: details.status, details: details)
    }

    func rateLimits(from headers: HTTPHeaders) -> RateLimitSnapshot? {
        func int(_ name: String) -> Int? { headers.first(name: name).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        func reset(_ name: String) -> Duration? {
            guard let value = headers.first(name: name) else { return nil }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            var date = formatter.date(from: value)
            if date == nil { formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]; date = formatter.date(from: value) }
            guard let date else { return nil }
            return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000)) // clock skew: never negative
        }
        let prefix = "anthropic-ratelimit-"
        let tokens = int(prefix + "tokens-limit") != nil ? "tokens" : "input-tokens"
        let snapshot = RateLimitSnapshot(
            requestLimit: int(prefix + "requests-limit"), requestsRemaining: int(prefix + "requests-remaining"),
            requestsReset: reset(prefix + "requests-reset"),
            tokenLimit: int(prefix + tokens + "-limit"), tokensRemaining: int(prefix + tokens + "-remaining"),
            tokensReset: reset(prefix + tokens + "-reset"))
        return snapshot == RateLimitSnapshot() ? nil : snapshot
    }

    func modelsRequest(key: String?, pageToken: String?) -> HTTPRequestSpec {
        var url = URLParts.join(baseURL, "/v1/models?limit=100")
        if let pageToken { url += "&after_id=" + (pageToken.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? pageToken) }
        return HTTPRequestSpec(method: .GET, url: url, headers: headers(key: key))
    }

    func parseModels(_ json: JSONValue) -> (models: [ModelInfo], nextPageToken: String?) {
        let models = (json["data"]?.array ?? []).compactMap { entry -> ModelInfo? in
            guard let id = entry["id"]?.string else { return nil }
            return ModelInfo(id: ModelID(provider: provider, model: id), contextWindow: entry["max_input_tokens"]?.int,
                             summary: entry["display_name"]?.string)
        }
        return (models, json["has_more"]?.bool == true ? json["last_id"]?.string : nil)
    }
}

/// Anthropic as a configuration names it (`kind = "anthropic"`), registered in `ProviderKindTable.standard`.
extension ProviderKind {
    public static let anthropic = ProviderKind(
        name: "anthropic", keyVariables: ["ANTHROPIC_API_KEY"], baseURLVariable: "ANTHROPIC_BASE_URL", defaultBaseURL: "https://api.anthropic.com",
        modelPrefixes: ["claude"], catalogNames: ["anthropic"], suggestedModels: ["claude-opus-4-8", "claude-sonnet-4-6", "claude-haiku-4-5"],
        // Anthropic's documented limits, counted on the base64 text, so the raw bytes are three quarters (said in `source`)
        imageLimits: ImageLimits(perImage: 5 * ImageLimits.megabyte / 4 * 3, perRequest: 32 * ImageLimits.megabyte / 4 * 3,
                                 source: "Anthropic takes 5 MB an image once base64-encoded and 32 MB a request"),
        // PROTOCOLS 9.2. The catalog's `supports_sampling_params: false` marks the models that take
        // only adaptive thinking; `supports_reasoning` one that thinks with a budget.
        modelTraits: ModelTraits.Rules(families: [
            "claude-3": ModelTraits(thinking: .never), "claude-3-7-sonnet": ModelTraits(thinking: .budget),
            "claude-sonnet-4": ModelTraits(thinking: .budget), "claude-opus-4": ModelTraits(thinking: .budget),
            "claude-haiku-4": ModelTraits(thinking: .budget), "claude-sonnet-5": ModelTraits(thinking: .budget),
            "claude-opus-4-7": ModelTraits(thinking: .adaptiveOnly, refusesSampling: true),
            "claude-opus-4-8": ModelTraits(thinking: .adaptiveOnly, refusesSampling: true),
            "claude-opus-5": ModelTraits(thinking: .adaptiveOnly, refusesSampling: true),
        ], thinkingWhenSamplingRefused: .adaptiveOnly, thinkingWhenReasoning: .budget))
}
