import DequeModule

/// Cools a failing model down. Closed: requests flow and outcomes are counted over a recent
/// window. When at least `minimumRequests` outcomes in the window fail at `failureRateThreshold`
/// or more, it opens: requests are refused for `coolDown`. Then it half-opens and lets
/// `probes` requests through; that many successes close it, one failure opens it again.
///
/// A value type driven by explicit times, so its whole behaviour is testable without a clock.
public struct CircuitBreaker: Sendable {
    public struct Settings: Sendable, Hashable {
        public var window: Duration
        public var minimumRequests: Int
        public var failureRateThreshold: Double
        public var coolDown: Duration
        public var probes: Int

        public init(window: Duration = .seconds(60), minimumRequests: Int = 4, failureRateThreshold: Double = 0.5,
                    coolDown: Duration = .seconds(30), probes: Int = 2) {
            self.window = window
            self.minimumRequests = max(1, minimumRequests)
            self.failureRateThreshold = failureRateThreshold
            self.coolDown = coolDown
            self.probes = max(1, probes)
        }
    }

    public enum State: Sendable, Hashable {
        case closed
        case open(until: Duration)
        case halfOpen(inFlight: Int, succeeded: Int)
    }

    public let settings: Settings
    public private(set) var state: State = .closed
    /// Outcomes in the window: (time, failed).
    private var outcomes: Deque<(at: Duration, failed: Bool)> = []

    public init(settings: Settings = .init()) {
        self.settings = settings
    }

    /// Asks to send a request at `now` (time on any monotonic scale). Counts a probe when half-open.
    public mutating func allowRequest(at now: Duration) -> Bool {
        switch state {
        case .closed:
            return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen(inFlight: 1, succeeded: 0)
            return true
        case .halfOpen(let inFlight, let succeeded):
            guard inFlight + succeeded < settings.probes else { return false }
            state = .halfOpen(inFlight: inFlight + 1, succeeded: succeeded)
            return true
        }
    }

    /// Whether a request would be let through now, without counting it.
    public func wouldAllow(at now: Duration) -> Bool {
        switch state {
        case .closed: true
        case .open(let until): now >= until
        case .halfOpen(let inFlight, let succeeded): inFlight + succeeded < settings.probes
        }
    }

    public mutating func recordSuccess(at now: Duration) {
        switch state {
        case .closed:
            append(failed: false, at: now)
        case .halfOpen(let inFlight, let succeeded):
            if succeeded + 1 >= settings.probes {
                state = .closed
                outcomes.removeAll()
            } else {
                state = .halfOpen(inFlight: max(0, inFlight - 1), succeeded: succeeded + 1)
            }
        case .open:
            break // a request that started before the breaker opened; it proves little
        }
    }

    public mutating func recordFailure(at now: Duration) {
        switch state {
        case .closed:
            append(failed: true, at: now)
            let failures = outcomes.count { $0.failed }
            if outcomes.count >= settings.minimumRequests,
               Double(failures) / Double(outcomes.count) >= settings.failureRateThreshold {
                state = .open(until: now + settings.coolDown)
            }
        case .halfOpen:
            state = .open(until: now + settings.coolDown)
        case .open:
            break
        }
    }

    /// A request let through as a probe ended without telling whether the model works
    /// (e.g. cancelled): frees its probe slot.
    public mutating func recordAbandoned() {
        if case .halfOpen(let inFlight, let succeeded) = state {
            state = .halfOpen(inFlight: max(0, inFlight - 1), succeeded: succeeded)
        }
    }

    public var isOpen: Bool { if case .open = state { true } else { false } }

    private mutating func append(failed: Bool, at now: Duration) {
        outcomes.append((now, failed))
        while let first = outcomes.first, now - first.at > settings.window { outcomes.removeFirst() }
    }
}
