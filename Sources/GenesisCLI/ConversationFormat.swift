import Foundation
import GenesisEngine
import GenesisStore

/// A stored conversation as Markdown or as JSON (`genesis export`, `genesis history show`).
enum ConversationFormat {
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func summary(_ c: Conversation) -> [String: Any] {
        ["id": c.id, "title": c.title, "source": c.source, "created_at": iso(c.createdAt), "updated_at": iso(c.updatedAt),
         "messages": c.messageCount, "models": c.models]
    }

    static func json(_ c: Conversation, _ messages: [StoredMessage]) -> [String: Any] {
        var object = summary(c)
        object["system"] = c.system ?? NSNull()
        object["messages"] = messages.map { m -> [String: Any] in
            var message: [String: Any] = ["role": m.role.rawValue, "content": m.content, "status": m.status.rawValue,
                                          "created_at": iso(m.createdAt)]
            if let model = m.model { message["provider"] = model.provider; message["model"] = model.model }
            if let version = m.servedVersion { message["served_version"] = version }
            if let servedBy = m.servedBy { message["served_by"] = servedBy.description }
            if let reason = m.finishReason { message["finish_reason"] = reason }
            if m.role == .assistant { message["reasoning"] = m.reasoning }
            if let thinking = m.reasoningMs { message["reasoning_ms"] = thinking }
            if let error = m.error { message["error"] = error }
            if let usage = m.usage { message["usage"] = AnswerJSON.usage(usage) }
            if m.role == .assistant, m.status == .complete { message["cost_usd"] = m.cost.map { $0 as Any } ?? NSNull() }
            if let latency = m.latencyMs { message["latency_ms"] = latency }
            if let ttft = m.ttftMs { message["ttft_ms"] = ttft }
            if let p = m.parameters {
                var parameters: [String: Any] = [:]
                if let v = p.maxTokens { parameters["max_tokens"] = v }
                if let v = p.temperature { parameters["temperature"] = v }
                if let v = p.topP { parameters["top_p"] = v }
                if !p.stopSequences.isEmpty { parameters["stop"] = p.stopSequences }
                if let v = p.seed { parameters["seed"] = v }
                message["parameters"] = parameters
            }
            return message
        }
        return object
    }

    /// Reasoning as a collapsed block: GitHub and most Markdown viewers show `<details>` closed.
    /// Its text is HTML-escaped, so a model cannot close the block or add markup of its own.
    static func reasoningBlock(_ reasoning: String, milliseconds: Int?) -> String {
        let escaped = reasoning.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        let time = milliseconds.map { String(format: " · %.1f s", Double($0) / 1000) } ?? ""
        return "<details>\n<summary>Reasoning\(time)</summary>\n\n\(escaped)\(escaped.hasSuffix("\n") ? "" : "\n")\n</details>\n\n"
    }

    static func markdown(_ c: Conversation, _ messages: [StoredMessage]) -> String {
        var out = "# \(c.title)\n\n_Conversation \(c.id) · \(c.source) · \(iso(c.createdAt))_\n\n"
        if let system = c.system { out += "**System:** \(system)\n\n" }
        for m in messages {
            switch m.role {
            case .user: out += "**Prompt:** \(m.content)\n\n"
            case .system: out += "**System:** \(m.content)\n\n"
            case .assistant:
                var heading = "### \(m.model.map(\.description) ?? "assistant")"
                if let servedBy = m.servedBy { heading += " (answered by \(servedBy) after a fallback)" }
                if m.status != .complete { heading += " (\(m.status.rawValue))" }
                out += heading + "\n\n"
                if !m.reasoning.isEmpty { out += reasoningBlock(m.reasoning, milliseconds: m.reasoningMs) }
                out += m.content + (m.content.hasSuffix("\n") ? "\n" : "\n\n")
                if let error = m.error { out += "> error: \(error)\n\n" }
                var figures: [String] = []
                if let usage = m.usage { figures.append("\(usage.inputTokens) in / \(usage.outputTokens) out tokens") }
                if m.status == .complete { figures.append(m.cost.map(Cost.format) ?? "cost unknown") }
                if let latency = m.latencyMs { figures.append(String(format: "%.1f s", Double(latency) / 1000)) }
                if !figures.isEmpty { out += "_\(figures.joined(separator: " · "))_\n\n" }
            }
        }
        return out
    }
}
