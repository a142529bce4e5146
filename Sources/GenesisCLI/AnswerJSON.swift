import Foundation
import GenesisEngine

/// The JSON shapes of the CLI contract (`ask --json`, `compare --json`, errors).
enum AnswerJSON {
    /// `asJSON`: JSON output was asked for, so `json_valid` (and `json_error`) say whether it parses.
    static func answer(_ result: GenerationResult, asJSON: Bool = false) -> [String: Any] {
        var object: [String: Any] = [
            "provider": result.model.provider,
            "model": result.model.model,
            "text": result.text,
            "reasoning": result.reasoning,
            "finish_reason": result.finishReason.rawValue,
            "usage": usage(result.usage),
            "cost_usd": result.cost.map { ($0.dollars * 1e10).rounded() / 1e10 as Any } ?? NSNull(),
            "latency_ms": result.latency.milliseconds,
            "ttft_ms": result.timeToFirstToken.map { $0.milliseconds as Any } ?? NSNull(),
            "fallbacks": result.failedAttempts.map(attempt),
            "simulated": result.isSimulated,
            "cached": result.isCached,
        ]
        if let version = result.servedVersion { object["served_version"] = version }
        if !result.notices.isEmpty { object["notices"] = result.notices }
        if let raw = result.rawFinishReason { object["finish_reason_raw"] = raw }
        if result.cost?.isEstimated == true { object["cost_estimated"] = true }
        if !result.filterMatches.isEmpty {
            object["filters"] = result.filterMatches.map { ["rule": $0.rule, "direction": $0.direction.rawValue, "action": $0.action.rawValue, "count": $0.count] }
        }
        if asJSON {
            object["json_valid"] = result.jsonProblem == nil
            if let problem = result.jsonProblem { object["json_error"] = problem }
        }
        return object
    }

    /// `{"input_tokens", "output_tokens"}`, with `estimated`, `cached_input_tokens`,
    /// `cache_write_tokens` and `reasoning_tokens` when they apply.
    static func usage(_ usage: Usage) -> [String: Any] {
        var object: [String: Any] = ["input_tokens": usage.inputTokens, "output_tokens": usage.outputTokens]
        if usage.isEstimated { object["estimated"] = true }
        if let cached = usage.cachedInputTokens { object["cached_input_tokens"] = cached }
        if let written = usage.cacheWriteTokens { object["cache_write_tokens"] = written }
        if let hour = usage.cacheWrite1hTokens { object["cache_write_1h_tokens"] = hour }
        if let reasoning = usage.reasoningTokens { object["reasoning_tokens"] = reasoning }
        return object
    }

    static func attempt(_ failed: FailedAttempt) -> [String: Any] {
        [
            "provider": failed.model.provider, "model": failed.model.model, "attempt": failed.attempt,
            "type": failed.category.rawValue, "status": failed.status.map { $0 as Any } ?? NSNull(), "message": failed.message,
        ]
    }

    static func error(_ error: any Error, model: ModelID?) -> [String: Any] {
        let known = error as? any GenesisError
        var object: [String: Any] = [
            "type": known?.category.rawValue ?? "error",
            "provider": (known?.provider ?? model?.provider).map { $0 as Any } ?? NSNull(),
            "model": (known?.model ?? model?.model).map { $0 as Any } ?? NSNull(),
            "status": known?.status.map { $0 as Any } ?? NSNull(),
            "message": "\(error)",
            "retry_after_s": NSNull(),
        ]
        if let limited = error as? RateLimitError, let wait = limited.retryAfter { object["retry_after_s"] = wait.seconds }
        return object
    }

    /// One line of JSON. Every control character is escaped: C0 (as JSON requires), and DEL and
    /// the C1 controls (U+007F to U+009F; some terminals read U+009B as CSI) as `\u00XX`, so the
    /// output is safe on a terminal whatever a model wrote.
    static func render(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return escapingC1(text)
    }

    /// `value` on one line, keys sorted, every control character escaped as above.
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
