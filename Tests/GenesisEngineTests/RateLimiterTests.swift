import Clocks
import GenesisEngine
import Testing

@Suite("Rate limiter")
struct RateLimiterTests {
    let clock = TestClock<Duration>()

    func limiter(rpm: Int? = nil, tpm: Int? = nil) -> RateLimiter {
        RateLimiter(provider: "p", requestsPerMinute: rpm, tokensPerMinute: tpm, clock: AnyClock(clock))
    }

    /// Starts an acquire and reports the virtual time it was let through.
    func startAcquire(_ limiter: RateLimiter, tokens: Int = 0) -> Task<Duration, any Error> {
        let clock = self.clock
        return Task {
            _ = try await limiter.acquire(estimatedTokens: tokens)
            return TestClock<Duration>.Instant().duration(to: clock.now)
        }
    }

    @Test func aFullMinuteOfRequestsMayBurstAtOnce() async throws {
        let limiter = limiter(rpm: 3)
        for _ in 0..<3 { let r = try await limiter.acquire(); #expect(r.waited == .zero) }
    }

    @Test func aRequestOverTheBurstWaitsForItsSlot() async throws {
        let limiter = limiter(rpm: 2)
        _ = try await limiter.acquire(); _ = try await limiter.acquire()
        let third = startAcquire(limiter)
        await settle()
        await clock.advance(by: .seconds(29))
        await settle()
        #expect(limiter.status().waiting == 1) // still held back at 29 s
        await clock.advance(by: .seconds(1))
        #expect(try await third.value == .seconds(30))
    }

    @Test func tokensAreLimitedIndependentlyOfRequests() async throws {
        let limiter = limiter(rpm: 100, tpm: 1000)
        _ = try await limiter.acquire(estimatedTokens: 600)
        let second = startAcquire(limiter, tokens: 600) // 200 tokens over: 200 * 60 s / 1000 = 12 s
        await settle()
        await clock.advance(by: .seconds(12))
        #expect(try await second.value == .seconds(12))
    }

    @Test func theBucketRefillsContinuously() async throws {
        let limiter = limiter(rpm: 60)
        for _ in 0..<60 { _ = try await limiter.acquire() }
        await clock.advance(by: .seconds(10))
        // 10 s refill 10 requests at one a second.
        for _ in 0..<10 { #expect(try await limiter.acquire(maxWait: .zero).waited == .zero) }
        await #expect(throws: RateLimitError.self) { try await limiter.acquire(maxWait: .zero) }
    }

    @Test func aWaitLongerThanTheMaximumFailsFastWithTheWaitAndTheLimit() async throws {
        let limiter = limiter(rpm: 1)
        _ = try await limiter.acquire()
        do {
            _ = try await limiter.acquire(maxWait: .seconds(5), model: "m")
            Issue.record("expected a rate-limit error")
        } catch let error as RateLimitError {
            #expect(error.limit == .requests)
            #expect(error.isLocal)
            #expect(error.retryAfter == .seconds(60))
            #expect(error.model == "m")
        }
        // Failing fast books nothing: the next slot is still at 60 s.
        #expect(limiter.status().nextStartIn == .seconds(60))
    }

    @Test func aRequestLargerThanAMinuteOfTokensIsRefusedAtOnce() async throws {
        let limiter = limiter(tpm: 1000)
        await #expect(throws: RateLimitError.self) { try await limiter.acquire(estimatedTokens: 1001) }
    }

    @Test func reportedUsageReplacesTheEstimate() async throws {
        let limiter = limiter(tpm: 1000)
        let reservation = try await limiter.acquire(estimatedTokens: 900)
        limiter.reconcile(reservation, actualTokens: 100)
        // 800 tokens came back: another 900 fits now.
        #expect(try await limiter.acquire(estimatedTokens: 900, maxWait: .zero).waited == .zero)
        #expect(limiter.status().tokensInLastMinute == 1000)
    }

    @Test func usageAboveTheEstimateIsCharged() async throws {
        let limiter = limiter(tpm: 1000)
        let reservation = try await limiter.acquire(estimatedTokens: 100)
        limiter.reconcile(reservation, actualTokens: 1000)
        await #expect(throws: RateLimitError.self) { try await limiter.acquire(estimatedTokens: 100, maxWait: .seconds(1)) }
    }

    @Test func headersAnnouncingNothingRemainingHoldRequestsUntilTheReset() async throws {
        let limiter = limiter(rpm: 100)
        limiter.learn(from: RateLimitSnapshot(requestsRemaining: 0, requestsReset: .seconds(20)))
        let next = startAcquire(limiter)
        await settle()
        await clock.advance(by: .seconds(20))
        #expect(try await next.value == .seconds(20))
    }

    @Test func aLowerAnnouncedLimitReplacesTheConfiguredOne() async throws {
        let limiter = limiter(rpm: 1000)
        limiter.learn(from: RateLimitSnapshot(requestLimit: 2))
        #expect(limiter.status().requestsPerMinute == 2)
        limiter.learn(from: RateLimitSnapshot(requestLimit: 5000)) // never loosened
        #expect(limiter.status().requestsPerMinute == 2)
    }

    @Test func headersAloneCreateALimitWhereNoneWasConfigured() async throws {
        let limiter = limiter()
        limiter.learn(from: RateLimitSnapshot(tokenLimit: 500))
        #expect(limiter.status().tokensPerMinute == 500)
    }

    @Test func retryAfterBlocksEveryRequestUntilItPasses() async throws {
        let limiter = limiter(rpm: 100)
        limiter.learn(from: RateLimitSnapshot(retryAfter: .seconds(7)))
        let next = startAcquire(limiter)
        await settle()
        await clock.advance(by: .seconds(7))
        #expect(try await next.value == .seconds(7))
    }

    @Test func aCancelledWaitGivesItsSlotBack() async throws {
        let limiter = limiter(rpm: 1)
        _ = try await limiter.acquire()
        let waiting = startAcquire(limiter)
        await settle()
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(limiter.status().nextStartIn == .seconds(60))
    }

    @Test func statusCountsUseInTheLastMinuteOnly() async throws {
        let limiter = limiter(rpm: 100, tpm: 10_000)
        _ = try await limiter.acquire(estimatedTokens: 300)
        _ = try await limiter.acquire(estimatedTokens: 200)
        var status = limiter.status()
        #expect(status.requestsInLastMinute == 2 && status.tokensInLastMinute == 500)
        await clock.advance(by: .seconds(61))
        status = limiter.status()
        #expect(status.requestsInLastMinute == 0 && status.tokensInLastMinute == 0)
    }

    @Test func noLimitsMeansNoWaiting() async throws {
        let limiter = limiter()
        for _ in 0..<1000 { #expect(try await limiter.acquire(estimatedTokens: 10_000, maxWait: .zero).waited == .zero) }
    }

    @Test(arguments: [("6m0s", 360_000), ("1.5s", 1500), ("120ms", 120), ("1h2m3s", 3_723_000), ("20", 20_000), ("0.5", 500), ("2m30.5s", 150_500)])
    func providerResetValuesParse(text: String, milliseconds: Int) {
        #expect(RateLimitSnapshot.parseDuration(text) == .milliseconds(milliseconds))
    }

    @Test(arguments: ["", "soon", "5x", "-1", "s"])
    func malformedResetValuesAreRejected(text: String) {
        #expect(RateLimitSnapshot.parseDuration(text) == nil)
    }
}

@Suite("Rate limiter edge cases")
struct RateLimiterEdgeTests {
    @Test func retryAfterHoldsRequestsEvenWithNoLimitConfigured() async throws {
        let clock = TestClock<Duration>()
        let limiter = RateLimiter(provider: "p", requestsPerMinute: nil, tokensPerMinute: nil, clock: AnyClock(clock))
        limiter.learn(from: RateLimitSnapshot(retryAfter: .seconds(23)))
        await #expect(throws: RateLimitError.self) { try await limiter.acquire(maxWait: .seconds(1)) }
        #expect(limiter.status().nextStartIn == .seconds(23))
    }

    @Test(arguments: ["inf", "1e300", "nan", "99999999999999999999s"])
    func absurdResetValuesNeverOverflow(text: String) {
        let parsed = RateLimitSnapshot.parseDuration(text)
        #expect(parsed == nil || parsed! <= .seconds(86_400))
    }

    @Test(arguments: [("250us", 0), ("1500µs", 2), ("3ns", 0)])
    func microAndNanosecondUnitsParse(text: String, milliseconds: Int) {
        #expect(RateLimitSnapshot.parseDuration(text) == .milliseconds(milliseconds))
    }
}
