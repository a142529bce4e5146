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

/// The laid-out lines of a pane's complete source lines, for one width. A reference: rendering
/// stays a function of the state, this only remembers work already done.
final class LayoutCache: Equatable, @unchecked Sendable {
    private let lock = NSLock()
    private var width = 0
    private var consumed: String.Index?
    private var layout = MarkdownLayout.Incremental()
    private var lines: [StyledLine] = []

    static func == (a: LayoutCache, b: LayoutCache) -> Bool { true }

    /// The last `count` lines of `text` at `width`: cached ones for complete source lines, plus
    /// the partial last line laid out afresh.
    func lines(for text: String, width: Int, last count: Int = .max) -> [StyledLine] {
        lock.withLock {
            if width != self.width || consumed.map({ $0 > text.endIndex }) == true {
                self.width = width
                consumed = nil
                layout = MarkdownLayout.Incremental()
                lines = []
            }
            var index = consumed ?? text.startIndex
            while let newline = text[index...].firstIndex(of: "\n") {
                lines += layout.layout(line: text[index..<newline], width: width)
                index = text.index(after: newline)
            }
            consumed = index
            var partialLayout = layout
            let partial = partialLayout.layout(line: text[index...], width: width)
            return Array(lines.suffix(max(0, count - partial.count))) + partial.suffix(count)
        }
    }
}

/// The per-pane sanitizer state (a sequence can be cut across deltas); equal whatever it holds.
struct SanitizerBox: Equatable, Sendable {
    var value = Sanitizer()
    static func == (a: SanitizerBox, b: SanitizerBox) -> Bool { true }
}
