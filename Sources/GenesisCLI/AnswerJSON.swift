import Foundation
import GenesisEngine

/// The JSON shapes of the CLI contract (`ask --json`, `compare --json`, errors).
enum AnswerJSON {
    /// `asJSON`: JSON output was asked for, so `json_valid` (and `json_error`) say whether it parses.
    static func answer(_ result: GenerationResult, asJSON: Bool = false) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "provider": .string(result.model.provider),
            "model": .string(result.model.model),
            "text": .string(result.text),
            "reasoning": .string(result.reasoning),
            "finish_reason": .string(result.finishReason.rawValue),
            "usage": .object(usage(result.usage)),
            "cost_usd": result.cost.map { .number(($0.dollars * 1e10).rounded() / 1e10) } ?? .null,
            "latency_ms": .integer(result.latency.milliseconds),
            "ttft_ms": .nullable(result.timeToFirstToken?.milliseconds),
            "fallbacks": .array(result.failedAttempts.map { .object(attempt($0)) }),
            "simulated": .bool(result.isSimulated),
            "cached": .bool(result.isCached),
        ]
        if let version = result.servedVersion { object["served_version"] = .string(version) }
        if !result.notices.isEmpty { object["notices"] = .array(result.notices.map(JSONValue.string)) }
        if let raw = result.rawFinishReason { object["finish_reason_raw"] = .string(raw) }
        if result.cost?.isEstimated == true { object["cost_estimated"] = true }
        if !result.filterMatches.isEmpty {
            object["filters"] = .array(result.filterMatches.map {
                ["rule": .string($0.rule), "direction": .string($0.direction.rawValue), "action": .string($0.action.rawValue),
                 "count": .integer($0.count)]
            })
        }
        if asJSON {
            object["json_valid"] = .bool(result.jsonProblem == nil)
            if let problem = result.jsonProblem { object["json_error"] = .string(problem) }
        }
        return object
    }

    /// `{"input_tokens", "output_tokens"}`, with `estimated`, `cached_input_tokens`,
    /// `cache_write_tokens` and `reasoning_tokens` when they apply.
    static func usage(_ usage: Usage) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["input_tokens": .integer(usage.inputTokens), "output_tokens": .integer(usage.outputTokens)]
        if usage.isEstimated { object["estimated"] = true }
        if let cached = usage.cachedInputTokens { object["cached_input_tokens"] = .integer(cached) }
        if let written = usage.cacheWriteTokens { object["cache_write_tokens"] = .integer(written) }
        if let hour = usage.cacheWrite1hTokens { object["cache_write_1h_tokens"] = .integer(hour) }
        if let reasoning = usage.reasoningTokens { object["reasoning_tokens"] = .integer(reasoning) }
        return object
    }

    static func attempt(_ failed: FailedAttempt) -> [String: JSONValue] {
        [
            "provider": .string(failed.model.provider), "model": .string(failed.model.model), "attempt": .integer(failed.attempt),
            "type": .string(failed.category.rawValue), "status": .nullable(failed.status), "message": .string(failed.message),
        ]
    }

    static func error(_ error: any Error, model: ModelID?) -> [String: JSONValue] {
        let known = error as? any GenesisError
        var object: [String: JSONValue] = [
            "type": .string(known?.category.rawValue ?? "error"),
            "provider": .nullable(known?.provider ?? model?.provider),
            "model": .nullable(known?.model ?? model?.model),
            "status": .nullable(known?.status),
            "message": .string("\(error)"),
            "retry_after_s": .null,
        ]
        if let limited = error as? RateLimitError, let wait = limited.retryAfter { object["retry_after_s"] = .number(wait.seconds) }
        return object
    }

    /// One line of JSON, keys sorted. Every control character is escaped: C0 (as JSON requires),
    /// and DEL and the C1 controls (U+007F to U+009F; some terminals read U+009B as CSI) as
    /// `\u00XX`, so the output is safe on a terminal whatever a model wrote.
    static func render(_ object: [String: JSONValue]) -> String { render(.object(object)) }

    static func render(_ value: JSONValue) -> String {
        escapingC1(String(decoding: JSONWriter.bytes(value), as: UTF8.self))
    }

    /// Outside strings, JSON text is ASCII without controls, so escaping every such scalar only
    /// changes string contents.
    static func escapingC1(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { (0x7F...0x9F).contains($0.value) }) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if (0x7F...0x9F).contains(scalar.value) {
                out.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func exitCode(for error: any Error) -> Int32 {
        (error as? any GenesisError)?.category.exitCode ?? 1
    }
}

extension JSONValue {
    /// `nil` as JSON's null.
    static func nullable(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    static func nullable(_ number: Int?) -> JSONValue { number.map { .integer($0) } ?? .null }
    static func nullable(_ number: Double?) -> JSONValue { number.map(JSONValue.number) ?? .null }
    static func integer(_ number: Int) -> JSONValue { .number(Double(number)) }
}
