import Clocks
import DequeModule
import Foundation
import Synchronization

/// Requests-per-minute and tokens-per-minute limits for one provider, as two GCRA buckets.
///
/// GCRA keeps one "theoretical arrival time" per dimension: each request moves it on by its cost
/// times the emission interval (a minute divided by the limit), and a request may start once that
/// time, less a minute of burst, has been reached. A full minute's allowance may be spent at once;
/// after that, starts are spread evenly.
///
/// Tokens are reserved up front from an estimate and reconciled with the usage the provider
/// reports. Limits a provider announces in its headers (remaining and reset) only ever tighten it.
/// Time comes from an injected clock, so tests run on virtual time.
public final class RateLimiter: Sendable {
    public let provider: String
    let clock: AnyClock<Duration>
    /// Behind a lock, not an actor: every request books and reconciles here, and a lock taken
    /// for a few hundred nanoseconds on the caller's thread is far cheaper than two executor
    /// hops. Only a request that must wait suspends, and it sleeps outside the lock.
    private let state: Mutex<State>

    private struct State {
        var requests: Bucket?
        var tokens: Bucket?
        var recent: Deque<(at: AnyClock<Duration>.Instant, requests: Int, tokens: Int)> = []
        var waiting = 0
        var nextReservation = 0
        /// A provider's Retry-After holds every request, limits configured or not.
        var blockedUntil: AnyClock<Duration>.Instant?

        mutating func record(requests: Int, tokens: Int, now: AnyClock<Duration>.Instant) {
            prune(now: now)
            recent.append((now, requests, tokens))
        }

        mutating func prune(now: AnyClock<Duration>.Instant) {
            while let first = recent.first, first.at.duration(to: now) >= .seconds(60) { recent.removeFirst() }
        }
    }

    public init(provider: String = "", requestsPerMinute: Int?, tokensPerMinute: Int?,
                clock: AnyClock<Duration> = AnyClock(ContinuousClock())) {
        self.provider = provider
        self.clock = clock
        let now = clock.now
        state = Mutex(State(requests: requestsPerMinute.flatMap { $0 > 0 ? Bucket(limit: $0, now: now) : nil },
                            tokens: tokensPerMinute.flatMap { $0 > 0 ? Bucket(limit: $0, now: now) : nil }))
    }

    /// Waits until a request of `estimatedTokens` may start, and books it.
    ///
    /// - Parameter maxWait: fail at once with a ``RateLimitError`` (carrying the wait) instead of
    ///   waiting longer than this. `nil` waits as long as needed.
    /// - Throws: ``RateLimitError`` when the wait would be longer than `maxWait`, or when the
    ///   request alone needs more tokens than a minute allows; `CancellationError` when cancelled
    ///   while waiting (the booking is returned).
    public func acquire(estimatedTokens: Int = 0, maxWait: Duration? = nil, model: String = "") async throws -> Reservation {
        let now = clock.now
        let booked = try state.withLock { state throws(RateLimitError) -> (id: Int, start: AnyClock<Duration>.Instant, wait: Duration) in
            if let tokens = state.tokens, estimatedTokens > tokens.limit {
                throw RateLimitError(provider: provider, model: model, status: nil, limit: .tokens, retryAfter: nil, isLocal: true,
                                     message: "the request needs about \(estimatedTokens) tokens, more than the \(tokens.limit) tokens-per-minute limit allows; lower max tokens or shorten the prompt")
            }
            let requestStart = max(state.requests?.earliestStart(cost: 1, now: now) ?? now, state.blockedUntil ?? now)
            let tokenStart = state.tokens?.earliestStart(cost: estimatedTokens, now: now) ?? now
            let start = max(requestStart, tokenStart)
            let wait = now.duration(to: start)
            if let maxWait, wait > maxWait {
                let limit: RateLimitError.Limit = requestStart >= tokenStart ? .requests : .tokens
                throw RateLimitError(provider: provider, model: model, status: nil, limit: limit, retryAfter: wait, isLocal: true,
                                     message: "Genesis would have to wait \(String(format: "%.1f", wait.seconds)) s for the \(limit.rawValue)-per-minute limit")
            }
            // Booked now, before any wait: later callers queue behind this one.
            state.requests?.book(cost: 1, now: now)
            state.tokens?.book(cost: estimatedTokens, now: now)
            state.nextReservation += 1
            if wait > .zero {
                state.waiting += 1
            } else {
                state.record(requests: 1, tokens: estimatedTokens, now: now)
            }
            return (state.nextReservation, start, wait)
        }
        guard booked.wait > .zero else { return Reservation(id: booked.id, estimatedTokens: estimatedTokens, waited: .zero) }
        do {
            try await clock.sleep(until: booked.start, tolerance: nil)
        } catch {
            state.withLock { state in
                state.waiting -= 1
                state.requests?.refund(cost: 1)
                state.tokens?.refund(cost: estimatedTokens)
            }
            throw error
        }
        let started = clock.now
        state.withLock { state in
            state.waiting -= 1
            state.record(requests: 1, tokens: estimatedTokens, now: started)
        }
        // The wait as it was, which a busy machine can make longer than planned.
        return Reservation(id: booked.id, estimatedTokens: estimatedTokens, waited: now.duration(to: started))
    }

    /// Corrects a reservation with the tokens the provider reported.
    public func reconcile(_ reservation: Reservation, actualTokens: Int) {
        let difference = actualTokens - reservation.estimatedTokens
        guard difference != 0 else { return }
        let now = clock.now
        state.withLock { state in
            if difference > 0 { state.tokens?.book(cost: difference, now: now) } else { state.tokens?.refund(cost: -difference) }
            state.record(requests: 0, tokens: difference, now: now)
        }
    }

    /// Learns from a provider's headers: a lower announced limit replaces ours, and the announced
    /// remaining allowance holds until its reset.
    public func learn(from snapshot: RateLimitSnapshot) {
        let now = clock.now
        state.withLock { state in
            if let limit = snapshot.requestLimit, limit > 0, state.requests.map({ limit < $0.limit }) ?? true {
                state.requests = Bucket(limit: limit, now: now, carrying: state.requests)
            }
            if let limit = snapshot.tokenLimit, limit > 0, state.tokens.map({ limit < $0.limit }) ?? true {
                state.tokens = Bucket(limit: limit, now: now, carrying: state.tokens)
            }
            if let remaining = snapshot.requestsRemaining {
                state.requests?.tighten(remaining: remaining, resetAt: now.advanced(by: snapshot.requestsReset ?? .seconds(60)), now: now)
            }
            if let remaining = snapshot.tokensRemaining {
                state.tokens?.tighten(remaining: remaining, resetAt: now.advanced(by: snapshot.tokensReset ?? .seconds(60)), now: now)
            }
            if let retryAfter = snapshot.retryAfter {
                let until = now.advanced(by: retryAfter)
                state.blockedUntil = max(state.blockedUntil ?? until, until)
            }
        }
    }

    /// Use in the last minute against the limits, for gauges.
    public func status() -> RateLimitStatus {
        let now = clock.now
        return state.withLock { state in
            state.prune(now: now)
            let start = max(state.requests?.earliestStart(cost: 1, now: now) ?? now, state.tokens?.earliestStart(cost: 0, now: now) ?? now,
                            state.blockedUntil ?? now)
            return RateLimitStatus(
                requestsPerMinute: state.requests?.limit, tokensPerMinute: state.tokens?.limit,
                requestsInLastMinute: state.recent.reduce(0) { $0 + $1.requests },
                tokensInLastMinute: max(0, state.recent.reduce(0) { $0 + $1.tokens }),
                waiting: state.waiting,
                nextStartIn: now.duration(to: start))
        }
    }

    /// A booked start; hand it back to ``reconcile(_:actualTokens:)`` with the real usage.
    public struct Reservation: Sendable, Hashable {
        public let id: Int
        public let estimatedTokens: Int
        /// How long the limiter held the request back (measured, not planned).
        public let waited: Duration
    }
}

/// A rate limiter's state for display: limits, use in the last minute, queued requests.
public struct RateLimitStatus: Sendable, Hashable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var requestsInLastMinute: Int
    public var tokensInLastMinute: Int
    public var waiting: Int
    /// How long a new request would wait now.
    public var nextStartIn: Duration

    public static let unlimited = RateLimitStatus(requestsPerMinute: nil, tokensPerMinute: nil, requestsInLastMinute: 0,
                                                  tokensInLastMinute: 0, waiting: 0, nextStartIn: .zero)
}

/// One GCRA dimension. `tat` is the theoretical arrival time: when the bucket would be empty
/// again if nothing more were booked.
struct Bucket: Sendable {
    typealias Instant = AnyClock<Duration>.Instant
    let limit: Int
    let interval: Duration
    private(set) var tat: Instant
    /// A provider-announced allowance: at most `remaining` more units until `resetAt`.
    private var announced: (remaining: Int, resetAt: Instant)?

    init(limit: Int, now: Instant, carrying previous: Bucket? = nil) {
        self.limit = limit
        interval = .seconds(60) / limit
        tat = max(previous?.tat ?? now, now)
        announced = previous?.announced
    }

    /// When a request of `cost` may start.
    func earliestStart(cost: Int, now: Instant) -> Instant {
        let newTat = max(tat, now).advanced(by: interval * cost)
        var start = max(now, newTat.advanced(by: .seconds(-60)))
        if let announced, now < announced.resetAt, cost > announced.remaining { start = max(start, announced.resetAt) }
        return start
    }

    mutating func book(cost: Int, now: Instant) {
        tat = max(tat, now).advanced(by: interval * cost)
        if var current = announced {
            if now >= current.resetAt { announced = nil } else {
                current.remaining = max(0, current.remaining - cost)
                announced = current
            }
        }
    }

    mutating func refund(cost: Int) {
        tat = tat.advanced(by: .zero - interval * cost)
    }

    mutating func tighten(remaining: Int, resetAt: Instant, now: Instant) {
        announced = (max(0, remaining), resetAt)
        // Our own bucket must not believe more is left than the provider says.
        let floor = now.advanced(by: .seconds(60) - interval * min(remaining, limit))
        if floor > tat { tat = floor }
    }

}

import Foundation
