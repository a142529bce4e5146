import Foundation
import GenesisEngine

/// One model's pane: its answer so far and how it is going.
public struct PaneState: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        case idle
        case waiting
        case streaming
        case retrying(String)
        case done(FinishReason)
        case failed(ErrorCategory, String)
        case cancelled
    }

    public var model: ModelID
    /// The environment this pane asks (`genesis --env production`): what it serves is resolved
    /// again at every prompt, so a canary gets its share and a new deployment takes over.
    public var environment: String?
    public var isSimulated: Bool
    /// `retires 2027-01-31` or `retired 2026-10-23`, from the catalog, shown in the title.
    public var retirement: String?
    public var phase: Phase = .idle
    /// What the pane shows and the turns sent with its next prompt, in one record.
    public private(set) var transcript = Transcript()
    /// In a blind arena round: the letter shown instead of the model until the vote.
    public var blindLabel: String?
    public var timeToFirstToken: Duration?
    /// How long the last answer took, from its request to its end.
    public var latency: Duration?
    public var tokensPerSecond: Double?
    public var outputTokens: Int?
    public var usageEstimated = false
    public var cost: Cost?
    public var costKnown = true
    /// Lines scrolled up from the bottom; 0 follows the stream.
    public var scroll = 0
    /// Who actually answered, when a fallback took over.
    public var servedBy: ModelID?
    var sanitizer = SanitizerBox()
    /// Each answer's reasoning, in order, where there was any (cleared with the text).
    public private(set) var thinking: [ThinkingSection] = []
    /// The section of the answer in progress (or the last one), once its reasoning has begun.
    private var answerThinking: Int?
    var reasoningSanitizer = SanitizerBox()
    /// Reasoning tokens of the last answer, as its usage reported them.
    public var reasoningTokens: Int?
    /// This pane's own choice, `Ctrl-T` while it has focus: its reasoning shown whole above each
    /// answer, or as a one-line summary. nil follows the console's choice.
    public var expandsThinking: Bool?

    public init(model: ModelID, isSimulated: Bool, retirement: String? = nil) {
        self.model = model
        self.isSimulated = isSimulated
        self.retirement = retirement
    }

    /// `sim:fast`, or `production: sim:fast` for an environment's pane.
    public var label: String { environment.map { "\($0): \(model)" } ?? model.description }

    public var isBusy: Bool {
        switch phase {
        case .waiting, .streaming, .retrying: true
        default: false
        }
    }

    /// Reasoning is streaming and the answer has not begun.
    public var isThinking: Bool { isBusy && currentThinking.map { !$0.isClosed } == true }

    /// The reasoning of the answer in progress (or the last one).
    public var currentThinking: ThinkingSection? { answerThinking.map { thinking[$0] } }

    /// The current answer's reasoning, as it streams (cleaned for the screen).
    public var reasoning: String { currentThinking?.text ?? "" }

    /// What the pane shows: prompts and answers, only ever appended to (until `/clear`).
    public var text: String { transcript.text }

    /// The conversation sent with the next prompt: user and assistant turns.
    public var turns: [ChatMessage] { transcript.turns }

    /// The answer being streamed right now.
    public var answer: String { transcript.answer }

    /// The answer to the pane's last prompt, as the model gave it: what `/diff` and `/judge`
    /// compare. nil while it streams, and when none came.
    public var lastAnswer: String? { transcript.lastAnswer }

    /// A prompt is sent to the pane: shown, and its answer open.
    mutating func appendPrompt(_ prompt: String, images: [ImageAttachment] = []) {
        sanitizer = SanitizerBox() // a sequence left open by the last answer must not swallow this one
        reasoningSanitizer = SanitizerBox()
        answerThinking = nil
        transcript.ask(prompt, images: images)
    }

    /// Text of the current answer (already cleaned), as shown.
    mutating func appendAnswer(_ delta: String) {
        transcript.show(delta)
    }

    /// A delta of the current answer's reasoning (already cleaned), stamped when it arrived.
    mutating func appendReasoning(_ delta: String, at instant: ContinuousClock.Instant?) {
        guard !delta.isEmpty else { return }
        if answerThinking == nil {
            transcript.beginAnswer()
            let text = transcript.text
            let anchor = transcript.answerStart.map { text.utf8.distance(from: text.startIndex, to: $0) } ?? text.utf8.count
            thinking.append(ThinkingSection(anchor: anchor))
            answerThinking = thinking.count - 1
            // Reasoning after the answer began (rare): the layout may be past the answer's start
            // already, so it starts again to note the line there.
            if anchor < text.utf8.count { layout = LayoutCache() }
        }
        thinking[answerThinking!].append(delta, at: instant) // set just above
    }

    /// A recorded answer's reasoning, shown above it as it was when the answer was given.
    mutating func restoreThinking(_ recorded: LoadedConversation.Reasoning) {
        appendReasoning(reasoningSanitizer.value.clean(recorded.text), at: nil)
        guard let index = answerThinking else { return }
        thinking[index].close(at: nil)
        thinking[index].duration = recorded.duration
        thinking[index].reportedTokens = recorded.tokens
    }

    /// The answer's text began, or its request ended: the reasoning stops streaming live.
    mutating func stopThinking(at instant: ContinuousClock.Instant?) {
        if let index = answerThinking { thinking[index].close(at: instant) }
    }

    /// Reasoning tokens the provider reported for the current answer.
    mutating func reportReasoningTokens(_ tokens: Int?) {
        reasoningTokens = tokens
        if let index = answerThinking, let tokens { thinking[index].reportedTokens = tokens }
    }

    /// The finished answer's figures for its reasoning (what was not measured as it streamed).
    mutating func completeThinking(_ result: GenerationResult, at instant: ContinuousClock.Instant?) {
        reasoningTokens = result.usage.reasoningTokens
        guard let index = answerThinking else { return }
        thinking[index].close(at: instant)
        thinking[index].complete(result)
    }

    /// The answer is over; it stays in `text`, and `turn` (the answer as the model gave it) goes
    /// with the next prompt; nil: no answer came, and its prompt is not sent again.
    mutating func closeAnswer(turn: String?) {
        transcript.end(with: turn)
    }

    /// The request failed or was cancelled: what was shown stays, and is the answer the next
    /// prompt goes with; with nothing shown, the prompt is not sent again.
    mutating func closeFailedAnswer() {
        transcript.end(with: answer.isEmpty ? nil : answer)
    }

    /// `/branch`: the next prompts go with `source`'s turns (its answers as if this pane's own).
    mutating func continueFrom(_ source: PaneState, note: String) {
        transcript.adopt(source.transcript, note: note)
    }

    /// Forgets the conversation: nothing shown, no turns.
    mutating func clear() {
        transcript = Transcript()
        layout = LayoutCache()
        thinking = []
        answerThinking = nil
    }

    /// Where each answer's reasoning goes in `text`: the marks ``LayoutCache/window(for:width:last:marks:budget:)`` places.
    var thinkingAnchors: [Int] { thinking.map(\.anchor) }

    /// Laid-out lines of `text`, reused across frames (text only grows).
    var layout = LayoutCache()
}

/// The laid-out lines of a pane's text at one width, kept from frame to frame. A reference:
/// rendering stays a function of the state, this only remembers work already done.
///
/// The text only grows, so each call lays out only what arrived since the last one: characters
/// go once into the ``MarkdownLine`` of the source line they belong to, and lines it finishes
/// are kept. A frame lays out again only the last character (it may still change) on a copy of
/// that line, which is at most a line's worth: appending a delta costs what the delta holds,
/// however long the line it extends (a 10 MB token in a thousand deltas). And no call lays out
/// more than `budget` bytes of new text: a pane further behind (a huge delta, a resize of a long
/// history) shows what is laid out so far and says so (``isBehind``), and the console lays out
/// the rest in steps between keys (``catchUp(_:)``).
final class LayoutCache: Equatable, @unchecked Sendable {
    /// Bytes of new text laid out in one call at most, for each pane behind: small enough that a
    /// key waits for one step only (what a step costs: `genesis-bench long-token`, Benchmarks/README.md).
    static let budget = 128 * 1024

    private let lock = NSLock()
    private var width = 0
    /// How many bytes of the text (UTF-8) have gone into `line` and `lines`.
    private var laidOut = 0
    private var line = MarkdownLine(width: 0, inCode: false)
    private var lines: [StyledLine] = []
    /// For each mark laid out so far (a UTF-8 offset), the index of the line that starts there.
    private var markLines: [Int: Int] = [:]
    private var behind = false
    private var counted = 0

    static func == (a: LayoutCache, b: LayoutCache) -> Bool { true }

    /// The last call stopped at the budget: text is waiting to be laid out.
    var isBehind: Bool { lock.withLock { behind } }

    /// The lines finished at the width of the last frame (0 before it): what synchronised
    /// scrolling measures a step by.
    var lineCount: Int { lock.withLock { lines.count } }

    /// Bytes of text laid out so far, the last character of each frame included (tests count
    /// the work with it).
    var bytesLaidOut: Int { lock.withLock { counted } }

    /// The last `count` lines of `text` at `width`, as far as it is laid out.
    func lines(for text: String, width: Int, last count: Int = .max, budget: Int = LayoutCache.budget) -> [StyledLine] {
        window(for: text, width: width, last: count, budget: budget).lines
    }

    /// The last `count` lines of `text` at `width`, as far as it is laid out; the index of the
    /// first of them among all the lines; and for each of `marks` (UTF-8 offsets in `text`, in
    /// order, each at the start of a source line: where an answer begins), the index of the line
    /// that starts there, nil while the layout has not reached it. A pane draws each answer's
    /// reasoning there.
    func window(for text: String, width: Int, last count: Int = .max, marks: [Int] = [],
                budget: Int = LayoutCache.budget) -> (lines: [StyledLine], first: Int, marks: [Int?]) {
        guard width > 0 else { return ([], 0, marks.map { _ in nil }) }
        return lock.withLock {
            layOut(text, width: width, marks: marks, budget: budget)
            var tail = line // a copy, so the last character is laid out once more next time, when it may have changed
            var shown: [StyledLine] = []
            if !behind, laidOut < text.utf8.count {
                let last = text[text.utf8.index(text.utf8.startIndex, offsetBy: laidOut)...]
                counted += last.utf8.count
                MarkdownLayout.append(last, to: &tail, finishing: &shown)
            }
            shown += tail.finish().lines
            let window = Array(lines.suffix(max(0, count - shown.count))) + shown.suffix(count)
            return (window, lines.count + shown.count - window.count, marks.map { markLines[$0] })
        }
    }

    /// Lays out up to `budget` more bytes of `text` at the width of the last frame; true when
    /// nothing is left waiting.
    @discardableResult
    func catchUp(_ text: String, marks: [Int] = [], budget: Int = LayoutCache.budget) -> Bool {
        lock.withLock {
            if width > 0 { layOut(text, width: width, marks: marks, budget: budget) }
            return !behind
        }
    }

    /// Feeds the text after `laidOut` to the layout, but for its last character, up to `budget`
    /// bytes, stopping at each mark on the way to note the line it starts.
    private func layOut(_ text: String, width: Int, marks: [Int], budget: Int) {
        if width != self.width || laidOut > text.utf8.count { // a new width, or text that was replaced
            self.width = width
            laidOut = 0
            line = MarkdownLine(width: width, inCode: false)
            lines = []
            markLines = [:]
        }
        if laidOut == 0, marks.first == 0 { markLines[0] = 0 }
        guard laidOut < text.utf8.count else { behind = false; return }
        let start = text.utf8.index(text.utf8.startIndex, offsetBy: laidOut)
        let last = text.index(before: text.endIndex)
        var end = last
        if text.utf8.distance(from: start, to: last) > budget {
            // The budget's end, moved back to where a character starts (a character longer than the budget goes whole).
            end = text.utf8.index(start, offsetBy: budget)
            while end > start, end.samePosition(in: text) == nil { end = text.utf8.index(before: end) }
            if end == start { end = text.index(after: start) }
        }
        let fed = text.utf8.distance(from: start, to: end)
        var from = start
        for mark in marks where mark > laidOut && mark <= laidOut + fed {
            let at = text.utf8.index(start, offsetBy: mark - laidOut)
            guard at.samePosition(in: text) != nil else { continue } // after a line feed it always is
            MarkdownLayout.append(text[from..<at], to: &line, finishing: &lines)
            markLines[mark] = lines.count
            from = at
        }
        MarkdownLayout.append(text[from..<end], to: &line, finishing: &lines)
        laidOut += fed
        counted += fed
        behind = end < last
    }
}

/// The per-pane sanitizer state (a sequence can be cut across deltas); equal whatever it holds.
struct SanitizerBox: Equatable, Sendable {
    var value = Sanitizer()
    static func == (a: SanitizerBox, b: SanitizerBox) -> Bool { true }
}
