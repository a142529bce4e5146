import GenesisEngine

/// A pane's conversation, as one record: what the pane shows and the turns sent with its next
/// prompt both come from it, changed together by what happens (a prompt is asked, an answer
/// streams, completes or fails, a recorded one is restored), never kept in step by hand.
///
/// The two differ on purpose: the pane shows answers cleaned for the terminal (and marks such
/// as "[unfinished: …]"), while a turn holds the answer as the model gave it; a prompt that got
/// no answer is shown, but never sent again (an empty answer would go back as a turn).
public struct Transcript: Equatable, Sendable {
    /// A prompt and what became of its answer.
    struct Exchange: Equatable, Sendable {
        /// nil for an answer shown with no prompt before it.
        var prompt: String?
        /// Images that went with the prompt, sent again with it in each later request.
        var images: [ImageSource] = []
        var answer: Answer
    }

    enum Answer: Equatable, Sendable {
        /// Streaming: the prompt goes with the request, the answer is not a turn yet.
        case open
        /// A turn, as sent back with the next prompt.
        case answered(String)
        /// None came: the prompt is shown only.
        case none
    }

    private(set) var exchanges: [Exchange] = []
    /// What the pane shows: prompts and answers, only ever appended to (until cleared), so the
    /// layout of what was already shown can be reused from frame to frame.
    public private(set) var text = ""
    /// Where the current answer starts in `text`.
    private(set) var answerStart: String.Index?

    public init() {}

    /// The conversation sent with the next prompt: user and assistant turns, the open prompt last.
    public var turns: [ChatMessage] {
        exchanges.flatMap { exchange -> [ChatMessage] in
            let prompt = exchange.prompt.map { [ChatMessage(role: .user, parts: [.text($0)] + exchange.images.map(ContentPart.image))] } ?? []
            switch exchange.answer {
            case .open: return prompt
            case .answered(let text): return prompt + [.assistant(text)]
            case .none: return []
            }
        }
    }

    /// The answer to the last prompt, as the model gave it: nil while it streams, and when none came.
    public var lastAnswer: String? {
        guard case .answered(let text) = exchanges.last?.answer else { return nil }
        return text
    }

    /// The answer being shown right now.
    public var answer: String { answerStart.map { String(text[$0...]) } ?? "" }

    /// A prompt is sent: it is shown, and its answer is open.
    mutating func ask(_ prompt: String, images: [ImageAttachment] = []) {
        text += (text.isEmpty ? "" : "\n\n") + "› " + prompt.replacingOccurrences(of: "\n", with: "\n  ")
        if !images.isEmpty { text += "\n  [image: " + images.map(\.name).joined(separator: ", ") + "]" }
        text += "\n\n"
        answerStart = text.endIndex
        exchanges.append(Exchange(prompt: prompt, images: images.map(\.source), answer: .open))
    }

    /// The current answer begins here, if it has not yet (its reasoning may come first).
    mutating func beginAnswer() {
        if answerStart == nil { answerStart = text.endIndex }
    }

    /// Text of the current answer, as shown.
    mutating func show(_ delta: String) {
        beginAnswer()
        text += delta
    }

    /// A branch: from now on the turns are `other`'s, as if this pane had given its answers;
    /// what the pane shows stays, with `note` below it to say where the history changed.
    mutating func adopt(_ other: Transcript, note: String) {
        exchanges = other.exchanges
        text += (text.isEmpty ? "" : "\n\n") + note
        answerStart = nil
    }

    /// The answer is over: `turn` is what the next prompt goes with (the answer as the model gave
    /// it); nil: no answer came, and the prompt is not sent again.
    mutating func end(with turn: String?) {
        if let last = exchanges.indices.last, exchanges[last].answer == .open {
            exchanges[last].answer = turn.map(Answer.answered) ?? .none
        } else if let turn {
            exchanges.append(Exchange(prompt: nil, answer: .answered(turn)))
        }
        answerStart = nil
    }
}
