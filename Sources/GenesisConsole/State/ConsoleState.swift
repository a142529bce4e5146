import GenesisEngine
import GenesisEvaluation

/// A provider's line in the side panel: health, rate-limit use and spend.
public struct ProviderSummary: Equatable, Sendable {
    public var name: String
    public var isSimulated: Bool
    public var health: HealthState
    public var errorRate: Double?
    public var latencyP50: Duration?
    public var latencyP95: Duration?
    public var ttftP50: Duration?
    public var requestsPerMinute: Int?
    public var requestsInLastMinute: Int
    public var tokensPerMinute: Int?
    public var tokensInLastMinute: Int
    public var waiting: Int
    public var costDollars: Double
    public var lastError: String?

    public init(name: String, isSimulated: Bool, health: HealthState = .unknown, errorRate: Double? = nil, latencyP50: Duration? = nil,
                latencyP95: Duration? = nil, ttftP50: Duration? = nil, requestsPerMinute: Int? = nil, requestsInLastMinute: Int = 0,
                tokensPerMinute: Int? = nil, tokensInLastMinute: Int = 0, waiting: Int = 0, costDollars: Double = 0, lastError: String? = nil) {
        self.name = name
        self.isSimulated = isSimulated
        self.health = health
        self.errorRate = errorRate
        self.latencyP50 = latencyP50
        self.latencyP95 = latencyP95
        self.ttftP50 = ttftP50
        self.requestsPerMinute = requestsPerMinute
        self.requestsInLastMinute = requestsInLastMinute
        self.tokensPerMinute = tokensPerMinute
        self.tokensInLastMinute = tokensInLastMinute
        self.waiting = waiting
        self.costDollars = costDollars
        self.lastError = lastError
    }
}

/// Text shown over the panes.
public struct TextOverlay: Equatable, Sendable {
    public var title: String
    public var lines: [String]
    /// Long lines wrap (prose, such as a judge's reasons) rather than being cut (tables).
    public var wraps: Bool

    public init(title: String, lines: [String], wraps: Bool = false) {
        self.title = title
        self.lines = lines
        self.wraps = wraps
    }
}

/// What `/judge` asks: a model to compare the panes' answers to a prompt pairwise (``Judge``).
public struct JudgeRequest: Equatable, Sendable {
    public struct Answer: Equatable, Sendable {
        public var model: ModelID
        public var text: String

        public init(model: ModelID, text: String) {
            self.model = model
            self.text = text
        }
    }

    public var judge: ModelID
    public var prompt: String
    public var answers: [Answer]

    public init(judge: ModelID, prompt: String, answers: [Answer]) {
        self.judge = judge
        self.prompt = prompt
        self.answers = answers
    }
}

/// A blind round: each pane's letter, and whether the names are shown yet.
public struct ArenaRound: Equatable, Sendable {
    /// Pane index to its letter, "A", "B", ...
    public var labels: [Int: String]
    public var revealed = false

    public init(labels: [Int: String]) {
        self.labels = labels
    }

    /// Pane indices in letter order.
    public var order: [Int] { labels.sorted { $0.value < $1.value }.map(\.key) }
}

/// A recorded conversation as the console lists it.
public struct HistoryEntry: Equatable, Sendable {
    public var id: String
    public var title: String
    public var date: String
    public var models: [String]

    public init(id: String, title: String, date: String, models: [String]) {
        self.id = id
        self.title = title
        self.date = date
        self.models = models
    }
}

/// A recorded conversation to continue: each model's turns (prompts it answered, with its answers).
public struct LoadedConversation: Equatable, Sendable {
    public struct Pane: Equatable, Sendable {
        public var model: ModelID
        public var isSimulated: Bool
        public var turns: [ChatMessage]
        /// Answers that did not finish (the process ended, or the request failed), by turn index.
        public var unfinished: Set<Int>
        /// Prompts that got no text at all (the process ended first, or the request failed before
        /// any), by the turn index they came before. Shown, but never sent again: an empty
        /// answer would be sent back to the provider as a turn.
        public var unanswered: [Int: [String]]
        /// The reasoning recorded beside answers, by turn index: shown above them, as it was.
        public var reasoning: [Int: Reasoning]

        public init(model: ModelID, isSimulated: Bool, turns: [ChatMessage], unfinished: Set<Int> = [], unanswered: [Int: [String]] = [:],
                    reasoning: [Int: Reasoning] = [:]) {
            self.model = model
            self.isSimulated = isSimulated
            self.turns = turns
            self.unfinished = unfinished
            self.unanswered = unanswered
            self.reasoning = reasoning
        }
    }

    /// An answer's recorded reasoning, its tokens and how long the model thought, where recorded.
    public struct Reasoning: Equatable, Sendable {
        public var text: String
        public var tokens: Int?
        public var duration: Duration?

        public init(text: String, tokens: Int? = nil, duration: Duration? = nil) {
            self.text = text
            self.tokens = tokens
            self.duration = duration
        }
    }

    public var entry: HistoryEntry
    public var system: String?
    public var panes: [Pane]

    public init(entry: HistoryEntry, system: String?, panes: [Pane]) {
        self.entry = entry
        self.system = system
        self.panes = panes
    }
}

/// Everything the console shows. Changed only by ``update(_:)``.
public struct ConsoleState: Equatable, Sendable {
    public var panes: [PaneState]
    public var input = LineEditor()
    /// The focused pane, or nil for the prompt.
    public var focus: Int?
    public var zoomed = false
    public var showHelp = false
    public var providers: [ProviderSummary] = []
    /// A one-line message in the status bar (command feedback, errors).
    public var notice: String?
    public var system: String?
    public var temperature: Double?
    public var maxTokens: Int?
    /// `/reasoning LEVEL`: how hard reasoning models think; nil leaves each model's default.
    public var reasoning: ReasoningLevel?
    /// Each answer's reasoning shown whole above it rather than as a one-line summary, in every
    /// pane that has not made its own choice (``PaneState/expandsThinking``). Kept between runs
    /// (``ConsolePreferences``).
    public var expandsThinking = false
    /// Images to go with the next prompt (`/image FILE`).
    public var attachments: [ImageAttachment] = []
    /// The prompt sent last, for `/retry`.
    public var lastPrompt: String?
    /// Ctrl-C was pressed once while idle; a second one quits.
    public var quitArmed = false
    public var sessionCost: Double = 0
    /// Tokens per second of recent answers, newest last, for the sparkline.
    public var throughputHistory: [Double] = []
    /// Spent today across every run (from the ledger), when there is storage.
    public var todayCost: Double?
    /// The latest budget alert, shown until a newer one replaces it.
    public var budgetAlert: String?
    /// Recent conversations, shown in an overlay after `/history` (any key closes it).
    public var historyList: [HistoryEntry]?
    /// The recorded conversation the panes belong to, once there is one.
    public var conversation: HistoryEntry?
    /// A page of text over the panes (an evaluation's matrix, the leaderboard); any key closes it.
    public var overlay: TextOverlay?
    /// The panes the prompt in flight went to, until the last of them finishes.
    public var roundPanes: [Int] = []
    /// Who won the last finished round (``RoundSummary``): shown under the panes until the next prompt.
    public var roundSummary: RoundSummary?
    /// Every pane scrolls together, by the same share of its lines (Ctrl-S); nil: each on its own.
    public var scrollSync: ScrollSync?
    /// `/diff`: the panes' last answers compared word by word, shown in place of the panes.
    public var diff: DiffView?
    /// A blind comparison in progress: the panes answer as A, B, ... until the vote.
    public var arena: ArenaRound?

    /// When the models the console knows of retire (`retires DATE`, `retired`), from the
    /// catalog; a pane opened on one of them says so in its title.
    public var retirements: [ModelID: String] = [:]
    /// The kinds of provider the configuration knows: `/model add` and `/judge` take a bare
    /// model name of one of them (``ModelID/init(parsing:kinds:)``).
    public var kinds: [ProviderKind] = [.sim]

    public init(models: [ModelID], simulated: Set<String> = ["sim"], retirements: [ModelID: String] = [:]) {
        self.retirements = retirements
        panes = models.map { PaneState(model: $0, isSimulated: simulated.contains($0.provider), retirement: retirements[$0]) }
    }

    public var isStreaming: Bool { panes.contains(where: \.isBusy) }

    /// A pane has text waiting to be laid out: a frame lays out at most a budget of new text
    /// (``LayoutCache/budget``), and shows the rest once ``layOutMore()`` has caught up.
    public var isLayingOut: Bool {
        panes.contains { $0.layout.isBehind || $0.thinking.contains(where: \.layout.isBehind) }
    }

    /// Lays out the next budget's worth of each pane's waiting text, at the width of its last frame.
    public func layOutMore() {
        for pane in panes {
            if pane.layout.isBehind { pane.layout.catchUp(pane.text, marks: pane.thinkingAnchors) }
            for section in pane.thinking where section.layout.isBehind { section.layout.catchUp(section.text) }
        }
    }

    /// Whether the pane shows each answer's reasoning whole: its own choice, else the console's.
    public func expandsThinking(_ pane: Int) -> Bool { panes[pane].expandsThinking ?? expandsThinking }

    /// The pane `name` stands for: its number on the screen (from 1), its model (`sim:fast`), or
    /// the model's name alone (`fast`) when one pane has it.
    public func pane(named name: String) -> Int? {
        if let number = Int(name) { return panes.indices.contains(number - 1) ? number - 1 : nil }
        if let index = panes.firstIndex(where: { $0.label == name || $0.model.description == name }) { return index }
        let byName = panes.indices.filter { panes[$0].model.model == name }
        return byName.count == 1 ? byName[0] : nil
    }

    /// What to say when ``pane(named:)`` finds no pane: what it takes, and the open models.
    func unknownPane(_ name: String) -> String {
        "unknown pane \(name): give a pane number from 1 to \(panes.count) or an open model (\(panes.map(\.model.description).joined(separator: ", ")))"
    }
}

/// What the console asks the outside world to do: data, carried out off the input loop by
/// ``CommandRunner``, which reports back in messages.
public enum Command: Equatable, Sendable {
    case send(prompt: String, panes: [Int])
    case cancelAll
    case quit
    case refreshProviders
    /// Run these providers' health checks (a model list, a local server's health endpoint), then
    /// refresh the panel: at start, and for a provider a pane brings in, so it shows ok or down
    /// before it is asked anything.
    case checkProviders([String])
    case setTheme(String)
    case export(path: String)
    /// The recorded conversation as a standalone report (``ConversationReport``): Markdown for a
    /// `.md` file, else HTML.
    case report(conversationID: String, path: String)
    case listHistory
    case openConversation(String)
    /// Forget the current recorded conversation: the next prompt starts a new one.
    case newConversation
    case runEvaluation(path: String)
    case showLeaderboard
    /// Shuffle the panes into letters and send the prompt blind.
    case startArena(prompt: String)
    /// Save a blind vote: the models in letter order, the winner's position (nil: a tie or both bad).
    /// Record a blind round's votes (pairs among the answers that came).
    case vote([ArenaVote])
    /// Save what the console remembers between runs (a choice changed).
    case savePreferences(ConsolePreferences)
    /// Ask a model to judge the answers, each pair in both orders, and record its verdicts;
    /// reported as ``Message/judged(_:)``.
    case judge(JudgeRequest)
    /// Record that every pane continues from `model`'s last answer in the conversation.
    case recordBranch(conversationID: String, model: ModelID)
    /// Read an image file for the next prompt; reported as ``Message/imageAttached(_:)``, or a notice of what is wrong with it.
    case attachImage(path: String)
    /// Diff the answers (``DiffView/init(_:)``), off the input loop; reported as ``Message/diffComputed(_:)``.
    case computeDiff(DiffRequest)
}

/// What happens to the console.
public enum Message: Sendable {
    case key(Key)
    case resized
    /// A pane's stream event, stamped by the runtime when it arrived (how long a model thought
    /// is measured from these; nil where no clock is involved, as in tests).
    case event(pane: Int, GenerationEvent, at: ContinuousClock.Instant? = nil)
    case failed(pane: Int, category: ErrorCategory, message: String, at: ContinuousClock.Instant? = nil)
    case providers([ProviderSummary])
    case todayCost(Double)
    case budgetAlert(String)
    case notice(String)
    case historyListed([HistoryEntry])
    case conversationStarted(HistoryEntry)
    case conversationLoaded(LoadedConversation)
    /// What an environment's pane asks this time (``PaneState/environment``), resolved as its
    /// prompt is sent: the canary for its share, a new deployment once it takes over.
    case serving(pane: Int, model: ModelID, isSimulated: Bool)
    case overlay(TextOverlay)
    /// A blind round starts: the panes in the runtime's random order (so screen position gives
    /// nothing away), lettered A, B, ... from the left, and the prompt.
    case arenaStarted(order: [Int], prompt: String)
    /// An image read for the next prompt.
    case imageAttached(ImageAttachment)
    /// The verdicts `/judge` asked for.
    case judged(Judgement)
    /// The diff `/diff` asked for, computed.
    case diffComputed(DiffView)
}
