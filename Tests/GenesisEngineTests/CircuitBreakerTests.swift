import GenesisEngine
import Testing

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    var breaker = CircuitBreaker(settings: .init(window: .seconds(60), minimumRequests: 4, failureRateThreshold: 0.5,
                                                 coolDown: .seconds(30), probes: 2))

    @Test mutating func staysClosedUntilEnoughRequestsWereSeen() {
        for t in 0..<3 { breaker.recordFailure(at: .seconds(t)) }
        #expect(breaker.state == .closed)
        breaker.recordFailure(at: .seconds(3))
        #expect(breaker.state == .open(until: .seconds(33)))
    }

    @Test mutating func opensOnTheFailureRateNotOnSingleFailures() {
        breaker.recordSuccess(at: .seconds(0))
        breaker.recordSuccess(at: .seconds(1))
        breaker.recordSuccess(at: .seconds(2))
        breaker.recordFailure(at: .seconds(3)) // 1 of 4
        #expect(breaker.state == .closed)
        breaker.recordFailure(at: .seconds(4)) // 2 of 5: 40%
        #expect(breaker.state == .closed)
        breaker.recordFailure(at: .seconds(5)) // 3 of 6: 50%
        #expect(breaker.isOpen)
    }

    @Test mutating func oldOutcomesLeaveTheWindow() {
        for t in 0..<3 { breaker.recordFailure(at: .seconds(t)) }
        breaker.recordFailure(at: .seconds(100)) // the first three are more than 60 s old
        #expect(breaker.state == .closed)
    }

    @Test mutating func anOpenBreakerRefusesUntilTheCoolDownThenLetsProbesThrough() {
        for t in 0..<4 { breaker.recordFailure(at: .seconds(t)) }
        let early = breaker.allowRequest(at: .seconds(10))
        let probe1 = breaker.allowRequest(at: .seconds(33))
        let probe2 = breaker.allowRequest(at: .seconds(33))
        let third = breaker.allowRequest(at: .seconds(33)) // no more than two at once
        #expect(!early && probe1 && probe2 && !third)
    }

    @Test mutating func enoughSuccessfulProbesCloseIt() {
        for t in 0..<4 { breaker.recordFailure(at: .seconds(t)) }
        _ = breaker.allowRequest(at: .seconds(40))
        breaker.recordSuccess(at: .seconds(41))
        #expect(breaker.state == .halfOpen(inFlight: 0, succeeded: 1))
        _ = breaker.allowRequest(at: .seconds(42))
        breaker.recordSuccess(at: .seconds(43))
        #expect(breaker.state == .closed)
        // A fresh start: three new failures do not reopen it.
        for t in 44..<47 { breaker.recordFailure(at: .seconds(t)) }
        #expect(breaker.state == .closed)
    }

    @Test mutating func aFailedProbeOpensItAgain() {
        for t in 0..<4 { breaker.recordFailure(at: .seconds(t)) }
        _ = breaker.allowRequest(at: .seconds(40))
        breaker.recordFailure(at: .seconds(41))
        #expect(breaker.state == .open(until: .seconds(71)))
    }

    @Test mutating func anAbandonedProbeFreesItsSlot() {
        for t in 0..<4 { breaker.recordFailure(at: .seconds(t)) }
        _ = breaker.allowRequest(at: .seconds(40))
        _ = breaker.allowRequest(at: .seconds(40))
        breaker.recordAbandoned()
        let freed = breaker.allowRequest(at: .seconds(40))
        #expect(freed)
    }
}
