/// A model provider: one adapter per wire format (the seed's `BaseProvider`).
///
/// Adapters translate and report; they never retry, wait for rate limits or fall back: the
/// engine does that once, for all of them. Errors they throw are ``GenesisError``s.
public protocol Provider: Sendable {
    /// The name requests use, e.g. `openai` or `sim`.
    var name: String { get }
    /// True for providers that make text up locally (shown as "simulated" everywhere).
    var isSimulated: Bool { get }
    /// True when the provider ends an attempt by ``AttemptContext/deadline`` itself (the HTTP
    /// adapters close the connection then). The engine runs those calls inline; any other
    /// provider runs under a watchdog task that cancels it at the deadline, which costs a task
    /// and a timer per request.
    var enforcesDeadline: Bool { get }

    /// Checks credentials and settings; called once before the first request.
    func initialize() async throws
    /// A whole answer in one response.
    func generate(_ request: ProviderRequest) async throws -> ProviderResponse
    /// An answer as it is produced. Cancelling the consumer cancels the request.
    func stream(_ request: ProviderRequest) async throws -> ProviderStream
    func listModels() async throws -> [ModelInfo]
    func health() async -> HealthReport
    /// Each text as a vector, from the provider's embeddings API (for similarity checks), with
    /// the tokens read where the provider says (the engine prices and books them); providers
    /// without one throw an `invalidRequest` error that says so.
    func embed(_ request: EmbeddingRequest) async throws -> Embeddings
}

extension Provider {
    public func embed(_ request: EmbeddingRequest) async throws -> Embeddings {
        throw InvalidRequestError.noEmbeddings(provider: name, model: request.model)
    }

    public var isSimulated: Bool { false }
    public var enforcesDeadline: Bool { false }
    public func initialize() async throws {}

    /// Builds a whole answer from the stream, for adapters with no separate non-streamed call.
    public func generate(_ request: ProviderRequest) async throws -> ProviderResponse {
        var response = ProviderResponse(text: "", finishReason: .stop)
        for try await event in try await stream(request) {
            response.apply(event)
        }
        return response
    }

    public func health() async -> HealthReport {
        let start = ContinuousClock.now
        do {
            _ = try await listModels()
            return HealthReport(state: .ok, latency: ContinuousClock.now - start, message: nil)
        } catch {
            return HealthReport(state: .down, latency: ContinuousClock.now - start, message: "\(error)")
        }
    }
}

/// What an adapter is asked to send: the model id as the provider knows it, and the attempt it
/// is part of.
public struct ProviderRequest: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var parameters: GenerationParameters
    /// The attempt this request is: its deadline and read pacing, and where the provider tells
    /// back the key it used and the thread its stream is read on.
    public var attempt: AttemptContext

    public init(model: String, messages: [ChatMessage], parameters: GenerationParameters, attempt: AttemptContext = AttemptContext()) {
        self.model = model
        self.messages = messages
        self.parameters = parameters
        self.attempt = attempt
    }

    /// Two requests are equal when they ask the same of the model, whichever attempt they are.
    public static func == (a: ProviderRequest, b: ProviderRequest) -> Bool {
        a.model == b.model && a.messages == b.messages && a.parameters == b.parameters
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(model)
        hasher.combine(messages)
        hasher.combine(parameters)
    }
}

/// What an adapter's stream yields.
public enum ProviderEvent: Sendable, Hashable {
    case text(String)
    /// A piece of the model's reasoning (or its summary), never part of the answer's text.
    case reasoning(String)
    /// What the adapter changed to make the request one the model takes (a setting it refuses
    /// left out, `max_tokens` raised to fit a thinking budget), in one line.
    case notice(String)
    case usage(Usage)
    /// Why the answer ended, normalised, with the provider's own word for it.
    case finish(FinishReason, raw: String? = nil)
    /// The version that is serving, when the provider names it (e.g. `gpt-4o-2024-08-06`).
    case servedBy(String)
    /// Rate-limit headers of the response, for the limiter to learn from.
    case rateLimits(RateLimitSnapshot)
}

public typealias ProviderStream = AsyncThrowingStream<ProviderEvent, any Error>

/// A whole answer from an adapter.
public struct ProviderResponse: Sendable, Hashable {
    public var text: String
    /// The model's reasoning (or its summary), when the provider returned it.
    public var reasoning = ""
    /// What the adapter changed so that the model took the request (see ``ProviderEvent/notice(_:)``).
    public var notices: [String] = []
    public var finishReason: FinishReason
    /// The provider's own finish reason (`end_turn`, `MAX_TOKENS`, ...).
    public var rawFinishReason: String?
    /// nil when the provider reported none; the engine then estimates.
    public var usage: Usage?
    public var servedVersion: String?
    public var rateLimits: RateLimitSnapshot?

    public init(text: String, finishReason: FinishReason, rawFinishReason: String? = nil, usage: Usage? = nil,
                servedVersion: String? = nil, rateLimits: RateLimitSnapshot? = nil) {
        self.text = text
        self.finishReason = finishReason
        self.rawFinishReason = rawFinishReason
        self.usage = usage
        self.servedVersion = servedVersion
        self.rateLimits = rateLimits
    }

    mutating func apply(_ event: ProviderEvent) {
        switch event {
        case .text(let delta): text += delta
        case .reasoning(let delta): reasoning += delta
        case .notice(let notice): notices.append(notice)
        case .usage(let reported): usage = reported
        case .finish(let reason, let raw):
            finishReason = reason
            rawFinishReason = raw
        case .servedBy(let version): servedVersion = version
        case .rateLimits(let snapshot): rateLimits = snapshot
        }
    }
}

/// A model a provider offers.
public struct ModelInfo: Sendable, Hashable, Codable {
    public var id: ModelID
    public var contextWindow: Int?
    public var isSimulated: Bool
    public var summary: String?

    public init(id: ModelID, contextWindow: Int? = nil, isSimulated: Bool = false, summary: String? = nil) {
        self.id = id
        self.contextWindow = contextWindow
        self.isSimulated = isSimulated
        self.summary = summary
    }
}

/// ok / degraded / down, from health checks and recent outcomes.
public enum HealthState: String, Sendable, Hashable, Codable, Comparable {
    case unknown, ok, degraded, down

    private var rank: Int { [.unknown: 0, .ok: 1, .degraded: 2, .down: 3][self] ?? 0 }
    public static func < (a: HealthState, b: HealthState) -> Bool { a.rank < b.rank }
}

public struct HealthReport: Sendable, Hashable {
    public var state: HealthState
    public var latency: Duration?
    public var message: String?

    public init(state: HealthState, latency: Duration? = nil, message: String? = nil) {
        self.state = state
        self.latency = latency
        self.message = message
    }
}
