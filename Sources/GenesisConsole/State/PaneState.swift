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
    public var isSimulated: Bool
    public var phase: Phase = .idle
    /// The whole conversation shown in the pane: prompts and answers.
    public var transcript = ""
    /// The answer being streamed right now.
    public var answer = ""
    /// The conversation sent with each prompt: user and assistant turns.
    public var turns: [ChatMessage] = []
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

    public init(model: ModelID, isSimulated: Bool) {
        self.model = model
        self.isSimulated = isSimulated
    }

    public var isBusy: Bool {
        switch phase {
        case .waiting, .streaming, .retrying: true
        default: false
        }
    }

    /// What the pane shows: earlier turns, then the current answer.
    public var text: String { transcript + answer }
}

/// The per-pane sanitizer state (a sequence can be cut across deltas); equal whatever it holds.
struct SanitizerBox: Equatable, Sendable {
    var value = Sanitizer()
    static func == (a: SanitizerBox, b: SanitizerBox) -> Bool { true }
}
