import Foundation
import GenesisEngine
import GenesisStore

/// A stored conversation as Markdown or as JSON (`genesis export`, `genesis history show`).
enum ConversationFormat {
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func summary(_ c: Conversation) -> [String: JSONValue] {
        ["id": .string(c.id), "title": .string(c.title), "source": .string(c.source), "created_at": .string(iso(c.createdAt)),
         "updated_at": .string(iso(c.updatedAt)), "messages": .integer(c.messageCount), "models": .array(c.models.map(JSONValue.string))]
    }

    /// A branch point as JSON: the index in `messages` of the answer every model went on from.
    static func json(_ branch: StoredBranchPoint, in messages: [StoredMessage]) -> JSONValue {
        ["after_message": .nullable(messages.firstIndex { $0.id == branch.afterMessageID }), "model": .string(branch.model.description),
         "time": .string(iso(branch.time))]
    }

    static func json(_ c: Conversation, _ messages: [StoredMessage], branches: [StoredBranchPoint] = []) -> [String: JSONValue] {
        var object = summary(c)
        object["system"] = .nullable(c.system)
        object["branches"] = .array(branches.map { json($0, in: messages) })
        object["messages"] = .array(messages.map { m -> JSONValue in
            var message: [String: JSONValue] = ["role": .string(m.role.rawValue), "content": .string(m.content),
                                                "status": .string(m.status.rawValue), "created_at": .string(iso(m.createdAt))]
            if let model = m.model { message["provider"] = .string(model.provider); message["model"] = .string(model.model) }
            if let version = m.servedVersion { message["served_version"] = .string(version) }
            if let servedBy = m.servedBy { message["served_by"] = .string(servedBy.description) }
            if let reason = m.finishReason { message["finish_reason"] = .string(reason) }
            if m.role == .assistant { message["reasoning"] = .string(m.reasoning) }
            if let thinking = m.reasoningMs { message["reasoning_ms"] = .integer(thinking) }
            if let error = m.error { message["error"] = .string(error) }
            if let usage = m.usage { message["usage"] = .object(AnswerJSON.usage(usage)) }
            if m.role == .assistant, m.status == .complete { message["cost_usd"] = .nullable(m.cost) }
            if let latency = m.latencyMs { message["latency_ms"] = .integer(latency) }
            if let ttft = m.ttftMs { message["ttft_ms"] = .integer(ttft) }
            if let p = m.parameters {
                var parameters: [String: JSONValue] = [:]
                if let v = p.maxTokens { parameters["max_tokens"] = .integer(v) }
                if let v = p.temperature { parameters["temperature"] = .number(v) }
                if let v = p.topP { parameters["top_p"] = .number(v) }
                if !p.stopSequences.isEmpty { parameters["stop"] = .array(p.stopSequences.map(JSONValue.string)) }
                if let v = p.seed { // a JSON number holds 2^53 exactly at most; a larger seed keeps its digits as text
                    parameters["seed"] = v <= 1 << 53 ? .number(Double(v)) : .string(String(v))
                }
                message["parameters"] = .object(parameters)
            }
            return .object(message)
        })
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

    static func markdown(_ c: Conversation, _ messages: [StoredMessage], branches: [StoredBranchPoint] = []) -> String {
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
            for branch in branches where branch.afterMessageID == m.id {
                out += "> **Branch:** from here every model continues from \(branch.model)'s answer.\n\n"
            }
        }
        return out
    }
}
