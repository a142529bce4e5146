import GenesisEngine

/// Splits a `<think>…</think>` block at the start of an answer's content into reasoning, as
/// Qwen3, DeepSeek-R1 and other open models write it when the server does not separate it
/// (Ollama without `think`, llama.cpp or vLLM without a reasoning parser).
///
/// Only a block that opens the content counts (leading whitespace aside); `<think>` later in an
/// answer is text. The tags may be split across chunks and lines. Newlines right after
/// `</think>` are dropped, as the model writes them to separate its answer. A block that never
/// closes is all reasoning.
struct ThinkTagSplitter: Sendable {
    private enum State { case start, thinking, afterThinking, answer }
    private var state = State.start
    private var held = ""

    private static let open = "<think>", close = "</think>"

    /// The events for one piece of content.
    mutating func feed(_ content: String) -> [ProviderEvent] {
        if state == .afterThinking {
            let rest = content.drop(while: \.isNewline)
            guard !rest.isEmpty else { return [] }
            state = .answer
            return [.text(String(rest))]
        }
        guard state != .answer else { return content.isEmpty ? [] : [.text(content)] }
        held += content
        var events: [ProviderEvent] = []
        if state == .start {
            let lead = held.drop(while: \.isWhitespace)
            if lead.hasPrefix(Self.open) {
                state = .thinking
                held = String(lead.dropFirst(Self.open.count))
            } else if Self.open.hasPrefix(lead) {
                return [] // `<thi` so far: wait
            } else {
                state = .answer
                defer { held = "" }
                return [.text(held)]
            }
        }
        // Thinking: reasoning up to `</think>`, holding back what could be the start of it.
        if let end = held.range(of: Self.close) {
            let reasoning = String(held[..<end.lowerBound])
            let rest = String(held[end.upperBound...].drop(while: \.isNewline))
            state = rest.isEmpty ? .afterThinking : .answer
            held = ""
            if !reasoning.isEmpty { events.append(.reasoning(reasoning)) }
            if !rest.isEmpty { events.append(.text(rest)) }
            return events
        }
        let keep = (1..<Self.close.count).reversed().first { held.hasSuffix(Self.close.prefix($0)) } ?? 0
        let ready = String(held.dropLast(keep))
        held = String(held.suffix(keep))
        return ready.isEmpty ? [] : [.reasoning(ready)]
    }

    /// What was held back, once the content has ended.
    mutating func finish() -> [ProviderEvent] {
        defer { held = "" }
        guard !held.isEmpty else { return [] }
        switch state {
        case .start, .answer, .afterThinking: return [.text(held)]
        case .thinking: return [.reasoning(held)]
        }
    }

    /// A whole answer's content split into its reasoning and its text.
    static func split(_ content: String) -> (reasoning: String, text: String) {
        var splitter = ThinkTagSplitter()
        var reasoning = "", text = ""
        for event in splitter.feed(content) + splitter.finish() {
            switch event {
            case .reasoning(let piece): reasoning += piece
            case .text(let piece): text += piece
            default: break
            }
        }
        return (reasoning, text)
    }
}
