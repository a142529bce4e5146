import Foundation
import GenesisEngine
import NIOHTTP1

/// OpenAI's Responses API (`POST {base}/responses`): for the models served only there, and for
/// providers or models configured with `api = "responses"` (OpenAI, or a compatible server that
/// has it). Errors, rate-limit headers, keys and the model list are the same API's as Chat
/// Completions', so they are ``chat``'s.
struct OpenAIResponsesFormat: ChatWireFormat {
    /// The same provider's Chat Completions format.
    let chat: OpenAIChatFormat
    /// Whether OpenAI may keep the responses (`store`, which the API defaults to true).
    var storesResponses = false
    /// What the provider has learned (the chat side's): keys whose organisation may not have
    /// reasoning summaries, efforts each model refused.
    var memo: OpenAIMemo { chat.memo }

    var provider: String { chat.provider }
    var framing: StreamFraming { .serverSentEvents }
    var requiresKey: Bool { chat.requiresKey }
    var keyVariables: [String] { chat.keyVariables }

    /// Settings a model may refuse that can be left out without changing what is asked.
    private static let droppable: Set<String> = ["temperature", "top_p"]

    /// `input` from the conversation and `instructions` from its system messages;
    /// `max_output_tokens`; `reasoning` (effort, and a summary from reasoning models); `store`.
    /// There is no `stop` on this API: every stop sequence is applied by Genesis (see
    /// ``unsentStopSequences(_:)``), and no `seed`.
    func chatRequest(_ request: ProviderRequest, stream: Bool, key: String?) throws -> HTTPRequestSpec {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "input": .array(Self.input(request.messages)),
            "stream": .bool(stream),
            "store": .bool(storesResponses),
        ]
        let instructions = request.messages.filter { $0.role == .system }.map(\.text).joined(separator: "\n\n")
        if !instructions.isEmpty { body["instructions"] = .string(instructions) }
        let p = request.parameters
        let reasons = reasons(request.model)
        if let max = p.maxTokens { body["max_output_tokens"] = .number(Double(max)) }
        if let t = p.temperature, !reasons { body["temperature"] = .number(t) }
        if let topP = p.topP, !reasons { body["top_p"] = .number(topP) }
        if p.responseFormat == .json { body["text"] = ["format": ["type": "json_object"]] }
        var reasoning: [String: JSONValue] = [:]
        var notes: [String] = []
        if let level = p.reasoning {
            let (effort, note) = OpenAIEffort.resolved(level, highest: chat.dialect.highestEffort, model: request.model, memo: memo)
            reasoning["effort"] = .string(effort)
            if let note { notes.append(note) }
        }
        if reasons, p.reasoning != ReasoningLevel.off, !memo.refusesSummaries(key: key) { reasoning["summary"] = "auto" }
        if !reasoning.isEmpty { body["reasoning"] = .object(reasoning) }
        var spec = HTTPRequestSpec(url: URLParts.join(chat.baseURL, "/responses"), headers: chat.headers(key: key), body: .object(body))
        spec.notes = notes
        return spec
    }

    /// OpenAI's reasoning models (the chat format's families, and the models served only here
    /// but computer use): sent no sampling settings, and asked for a summary of their reasoning,
    /// which the API returns only when asked. Compatible servers are sent what was set.
    private func reasons(_ model: String) -> Bool {
        chat.dialect.hasOpenAIModels && (OpenAIChatFormat.isReasoningModel(model)
            || chat.servesOnlyResponses(model) && !model.lowercased().hasPrefix("computer-use"))
    }

    /// Input items, one per message but the system ones (they are `instructions`): the user's
    /// text and images as `input_text` and `input_image`, the assistant's text as `output_text`.
    static func input(_ messages: [ChatMessage]) -> [JSONValue] {
        messages.filter { $0.role != .system }.map { message in
            let said: JSONValue = message.role == .assistant ? "output_text" : "input_text"
            let content = message.parts.map { part -> JSONValue in
                switch part {
                case .text(let text): ["type": said, "text": .string(text)]
                case .image(let source): ["type": "input_image", "image_url": .string(source.urlString), "detail": "auto"]
                }
            }
            return ["role": .string(message.role.rawValue), "content": .array(content)]
        }
    }

    func unsentStopSequences(_ request: ProviderRequest) -> [String] { request.parameters.stopSequences }

    /// A 400 that names a setting the model or the account does not take: a reasoning summary
    /// an unverified organisation may not have is left out, and the key remembered so it is not
    /// asked for again; a refused effort becomes the next one towards `medium`; `reasoning` a
    /// model does not take, or a sampling setting it refuses, is left out.
    func retryRequest(after error: HTTPErrorDetails, original: HTTPRequestSpec) -> HTTPRequestSpec? {
        guard error.status == 400, let param = error.json?["error"]?["param"]?.string,
              case .object(var body) = original.body else { return nil }
        let code = error.json?["error"]?["code"]?.string
        let refused = code == "unsupported_parameter" || code == "unsupported_value"
        var reasoning = body["reasoning"]?.object ?? [:]
        var note: String?
        switch param {
        case "reasoning.summary" where reasoning["summary"] != nil:
            memo.rememberRefusedSummaries(key: Self.key(of: original))
            reasoning["summary"] = nil
            body["reasoning"] = reasoning.isEmpty ? nil : .object(reasoning)
        case "reasoning.effort" where refused:
            guard let effort = reasoning["effort"]?.string, let next = OpenAIEffort.nearerMedium(effort) else { return nil }
            if let model = body["model"]?.string { memo.rememberRefusedEffort(effort, model: model) }
            reasoning["effort"] = .string(next)
            body["reasoning"] = .object(reasoning)
            note = "the model refused reasoning effort \(effort); sent \(next)"
        case "reasoning" where refused && body["reasoning"] != nil:
            body["reasoning"] = nil
            note = "the model refused reasoning (\(code ?? "unsupported")); sent without it"
        default:
            guard refused, Self.droppable.contains(param), body[param] != nil else { return nil }
            body[param] = nil
            note = "the model refused \(param) (\(code ?? "unsupported")); sent without it"
        }
        var retry = original
        retry.body = .object(body)
        if let note { retry.notes.append(note) }
        return retry
    }

    /// The key a request was sent with, from its bearer header.
    private static func key(of spec: HTTPRequestSpec) -> String? {
        spec.headers.first { $0.0 == "authorization" }.map { String($0.1.dropFirst("Bearer ".count)) }
    }

    func parseResponse(_ json: JSONValue, model: String) throws -> ProviderResponse {
        if let error = json["error"], !error.isNull { throw chat.streamError(error, model: model) }
        var text = "", reasoning: [String] = [], calledFunction = false
        for item in json["output"]?.array ?? [] {
            switch item["type"]?.string {
            case "message":
                for part in item["content"]?.array ?? [] {
                    // A refusal is the answer, as on Chat Completions.
                    text += part["type"]?.string == "refusal" ? part["refusal"]?.string ?? "" : part["text"]?.string ?? ""
                }
            case "reasoning":
                let pieces = (item["summary"]?.array ?? []) + (item["content"]?.array ?? [])
                reasoning += pieces.compactMap { $0["text"]?.string }.filter { !$0.isEmpty }
            case "function_call":
                calledFunction = true
            default:
                break
            }
        }
        let (finish, raw) = Self.finish(of: json, calledFunction: calledFunction)
        var response = ProviderResponse(text: text, finishReason: finish, rawFinishReason: raw,
                                        usage: Self.usage(json["usage"]), servedVersion: json["model"]?.string)
        response.reasoning = reasoning.joined(separator: Self.reasoningBreak)
        return response
    }

    /// Between two summary parts or reasoning items, streamed or whole.
    static let reasoningBreak = "\n\n"

    /// How a response ended. `completed` is `stop` (`tool_calls` when it called a function);
    /// `incomplete` says why in `incomplete_details.reason`, kept as the raw reason.
    static func finish(of response: JSONValue, calledFunction: Bool) -> (FinishReason, raw: String) {
        let status = response["status"]?.string ?? "completed"
        switch status {
        case "completed":
            return (calledFunction ? .toolCalls : .stop, status)
        case "incomplete":
            let reason = response["incomplete_details"]?["reason"]?.string ?? status
            switch reason {
            case "max_output_tokens": return (.length, reason)
            case "content_filter": return (.contentFilter, reason)
            default: return (.error, reason)
            }
        default:
            return (.error, status)
        }
    }

    /// Input and output tokens, with cached, cache-write and reasoning tokens where reported
    /// (each a part of its total).
    static func usage(_ usage: JSONValue?) -> Usage? {
        guard let input = usage?["input_tokens"]?.int, let output = usage?["output_tokens"]?.int else { return nil }
        return Usage(inputTokens: input, outputTokens: output,
                     cachedInputTokens: usage?["input_tokens_details"]?["cached_tokens"]?.int,
                     cacheWriteTokens: usage?["input_tokens_details"]?["cache_write_tokens"]?.int,
                     reasoningTokens: usage?["output_tokens_details"]?["reasoning_tokens"]?.int)
    }

    func makeInterpreter(model: String) -> Interpreter { Interpreter(format: self, model: model) }

    /// The stream's events by `type`: text, refusal and reasoning deltas, and the one event that
    /// ends it (`response.completed`, `response.incomplete` or `response.failed`). There is no
    /// `[DONE]`. Events it does not know are passed over, as the API asks.
    struct Interpreter: StreamInterpreter {
        let format: OpenAIResponsesFormat
        let model: String
        var isComplete = false
        var missingMarker: String { "response.completed, response.incomplete or response.failed" }
        private var announcedModel = false
        private var calledFunction = false
        /// Whether deltas came at all: a server that sends only the `.done` events (some
        /// gateways do) still has its text read from them.
        private var sawTextDelta = false, sawReasoningDelta = false
        /// Reasoning was shown, and a new summary part or reasoning item began since.
        private var reasonedBefore = false, reasoningBreakDue = false

        init(format: OpenAIResponsesFormat, model: String) {
            self.format = format
            self.model = model
        }

        mutating func consume(type: String, data: String) throws -> [ProviderEvent] {
            guard let json = JSONValue.parse(data) else {
                if type == "error" { throw format.chat.streamError(.string(data), model: model) }
                throw ProviderError(.brokenStream, provider: format.provider, model: model,
                                    message: "the stream carried malformed JSON: \(data.prefix(120))")
            }
            switch json["type"]?.string ?? type {
            case "response.output_text.delta", "response.refusal.delta":
                sawTextDelta = true
                return text(json["delta"]?.string)
            case "response.output_text.done" where !sawTextDelta:
                return text(json["text"]?.string)
            case "response.refusal.done" where !sawTextDelta:
                return text(json["refusal"]?.string)
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta":
                sawReasoningDelta = true
                return reasoning(json["delta"]?.string)
            case "response.reasoning_summary_text.done", "response.reasoning_text.done":
                return sawReasoningDelta ? [] : reasoning(json["text"]?.string)
            case "response.reasoning_summary_part.added":
                reasoningBreakDue = reasonedBefore
                return []
            case "response.output_item.added":
                switch json["item"]?["type"]?.string {
                case "reasoning": reasoningBreakDue = reasonedBefore
                case "function_call": calledFunction = true
                default: break
                }
                return []
            case "response.created", "response.in_progress":
                guard !announcedModel, let served = json["response"]?["model"]?.string, !served.isEmpty else { return [] }
                announcedModel = true
                return [.servedBy(served)]
            case "response.completed", "response.incomplete":
                isComplete = true
                let response = json["response"] ?? .null
                var events: [ProviderEvent] = []
                if let usage = OpenAIResponsesFormat.usage(response["usage"]) { events.append(.usage(usage)) }
                let (finish, raw) = OpenAIResponsesFormat.finish(of: response, calledFunction: calledFunction)
                events.append(.finish(finish, raw: raw))
                return events
            case "response.failed":
                let error = json["response"]?["error"].flatMap { $0.isNull ? nil : $0 } ?? ["message": "the response failed"]
                throw format.chat.streamError(error, model: model)
            case "error":
                // `{type: "error", code, message, param}`; some servers nest it as `{error: {...}}`.
                let error = json["error"].flatMap { $0.object == nil ? nil : $0 }
                    ?? ["code": json["code"] ?? .null, "message": json["message"] ?? .null]
                throw format.chat.streamError(error, model: model)
            default:
                return []
            }
        }

        private func text(_ delta: String?) -> [ProviderEvent] {
            guard let delta, !delta.isEmpty else { return [] }
            return [.text(delta)]
        }

        private mutating func reasoning(_ delta: String?) -> [ProviderEvent] {
            guard let delta, !delta.isEmpty else { return [] }
            defer { reasonedBefore = true; reasoningBreakDue = false }
            return [.reasoning(reasoningBreakDue ? OpenAIResponsesFormat.reasoningBreak + delta : delta)]
        }
    }

    func error(from details: HTTPErrorDetails, model: String) -> any GenesisError { chat.error(from: details, model: model) }
    func rateLimits(from headers: HTTPHeaders) -> RateLimitSnapshot? { chat.rateLimits(from: headers) }
    func modelsRequest(key: String?, pageToken: String?) -> HTTPRequestSpec { chat.modelsRequest(key: key, pageToken: pageToken) }
    func parseModels(_ json: JSONValue) -> (models: [ModelInfo], nextPageToken: String?) { chat.parseModels(json) }
}
