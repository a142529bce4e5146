import GenesisEngine

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
    /// The prompt sent last, for `/retry`.
    public var lastPrompt: String?
    /// Ctrl-C was pressed once while idle; a second one quits.
    public var quitArmed = false
    public var sessionCost: Double = 0
    /// Tokens per second of recent answers, newest last, for the sparkline.
    public var throughputHistory: [Double] = []

    public init(models: [ModelID], simulated: Set<String> = ["sim"]) {
        panes = models.map { PaneState(model: $0, isSimulated: simulated.contains($0.provider)) }
    }

    public var isStreaming: Bool { panes.contains(where: \.isBusy) }
}

/// What the console asks the outside world to do; the runtime carries it out.
public enum Command: Equatable, Sendable {
    case send(prompt: String, panes: [Int])
    case cancelAll
    case quit
    case refreshProviders
    case setTheme(String)
    case export(path: String)
}

/// What happens to the console.
public enum Message: Sendable {
    case key(Key)
    case resized
    case event(pane: Int, GenerationEvent)
    case failed(pane: Int, category: ErrorCategory, message: String)
    case providers([ProviderSummary])
}
