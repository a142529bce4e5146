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
    public var phase: Phase = .idle
    /// What the pane shows: prompts and answers, only ever appended to (until `/clear`), so the
    /// layout of what was already shown can be reused from frame to frame.
    public private(set) var text = ""
    /// Where the current answer starts in `text`.
    private var answerStart: String.Index?
    /// The conversation sent with each prompt: user and assistant turns.
    public var turns: [ChatMessage] = []
    /// In a blind arena round: the letter shown instead of the model until the vote.
    public var blindLabel: String?
    public var timeToFirstToken: Duration?
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
    /// The current answer's reasoning, as it streams (cleaned for the screen).
    public var reasoning = ""
    var reasoningSanitizer = SanitizerBox()

    public init(model: ModelID, isSimulated: Bool) {
        self.model = model
        self.isSimulated = isSimulated
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
    public var isThinking: Bool { isBusy && !reasoning.isEmpty && answer.isEmpty }

    /// The answer being streamed right now.
    public var answer: String { answerStart.map { String(text[$0...]) } ?? "" }

    mutating func appendPrompt(_ prompt: String) {
        sanitizer = SanitizerBox() // a sequence left open by the last answer must not swallow this one
        reasoningSanitizer = SanitizerBox()
        reasoning = ""
        text += (text.isEmpty ? "" : "\n\n") + "› " + prompt.replacingOccurrences(of: "\n", with: "\n  ") + "\n\n"
        answerStart = text.endIndex
    }

    mutating func appendAnswer(_ delta: String) {
        if answerStart == nil { answerStart = text.endIndex }
        text += delta
    }

    /// The answer is over; it stays in `text`.
    mutating func closeAnswer() {
        answerStart = nil
    }

    mutating func clear() {
        text = ""
        answerStart = nil
        layout = LayoutCache()
    }

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
    /// Bytes of new text laid out in one call at most: about 2 ms of ASCII, 5 ms of CJK, for
    /// each pane behind (`genesis-bench long-token`, release build).
    static let budget = 128 * 1024

    private let lock = NSLock()
    private var width = 0
    /// How many bytes of the text (UTF-8) have gone into `line` and `lines`.
    private var laidOut = 0
    private var line = MarkdownLine(width: 0, inCode: false)
    private var lines: [StyledLine] = []
    private var behind = false
    private var counted = 0

    static func == (a: LayoutCache, b: LayoutCache) -> Bool { true }

    /// The last call stopped at the budget: text is waiting to be laid out.
    var isBehind: Bool { lock.withLock { behind } }

    /// Bytes of text laid out so far, the last character of each frame included (tests count
    /// the work with it).
    var bytesLaidOut: Int { lock.withLock { counted } }

    /// The last `count` lines of `text` at `width`, as far as it is laid out.
    func lines(for text: String, width: Int, last count: Int = .max, budget: Int = LayoutCache.budget) -> [StyledLine] {
        guard width > 0 else { return [] }
        return lock.withLock {
            layOut(text, width: width, budget: budget)
            var tail = line // a copy, so the last character is laid out once more next time, when it may have changed
            var shown: [StyledLine] = []
            if !behind, laidOut < text.utf8.count {
                let last = text[text.utf8.index(text.utf8.startIndex, offsetBy: laidOut)...]
                counted += last.utf8.count
                MarkdownLayout.append(last, to: &tail, finishing: &shown)
            }
            shown += tail.finish().lines
            return Array(lines.suffix(max(0, count - shown.count))) + shown.suffix(count)
        }
    }

    /// Lays out up to `budget` more bytes of `text` at the width of the last frame; true when
    /// nothing is left waiting.
    @discardableResult
    func catchUp(_ text: String, budget: Int = LayoutCache.budget) -> Bool {
        lock.withLock {
            if width > 0 { layOut(text, width: width, budget: budget) }
            return !behind
        }
    }

    /// Feeds the text after `laidOut` to the layout, but for its last character, up to `budget` bytes.
    private func layOut(_ text: String, width: Int, budget: Int) {
        if width != self.width || laidOut > text.utf8.count { // a new width, or text that was replaced
            self.width = width
            laidOut = 0
            line = MarkdownLine(width: width, inCode: false)
            lines = []
        }
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
        MarkdownLayout.append(text[start..<end], to: &line, finishing: &lines)
        let fed = text.utf8.distance(from: start, to: end)
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
