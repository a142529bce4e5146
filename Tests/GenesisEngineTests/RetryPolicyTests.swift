import GenesisEngine
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(4))
    let overloaded = ProviderError(.overloaded, provider: "p", model: "m", status: 503, message: "busy")

    @Test(arguments: [(1, 500), (2, 1000), (3, 2000), (4, 4000), (9, 4000)])
    func theCeilingDoublesPerAttemptUpToTheMaximum(attempt: Int, ceilingMs: Int) {
        #expect(policy.delay(after: attempt, error: overloaded, unit: 1) == .milliseconds(ceilingMs))
    }

    @Test func jitterPicksAPointBelowTheCeiling() {
        #expect(policy.delay(after: 3, error: overloaded, unit: 0.25) == .milliseconds(500))
        #expect(policy.delay(after: 3, error: overloaded, unit: 0) == .zero)
    }

    @Test func retryAfterIsHonouredExactly() {
        let limited = RateLimitError(provider: "p", model: "m", limit: .requests, retryAfter: .seconds(17), message: "slow down")
        #expect(policy.delay(after: 1, error: limited, unit: 0) == .seconds(17))
    }

    @Test func attemptsAreBounded() {
        #expect(policy.shouldRetry(overloaded, attempt: 3))
        #expect(!policy.shouldRetry(overloaded, attempt: 4))
    }

    @Test(arguments: [ErrorCategory.authentication, .invalidRequest, .contextTooLong, .modelNotFound, .budgetExceeded])
    func permanentFailuresAreNotRetried(category: ErrorCategory) {
        let error = ProviderError(category, provider: "p", model: "m", status: 400, message: "no")
        #expect(!policy.shouldRetry(error, attempt: 1))
    }

    @Test func genesisOwnLimiterRefusingIsNotRetried() {
        let local = RateLimitError(provider: "p", model: "m", status: nil, limit: .requests, retryAfter: .seconds(3), isLocal: true, message: "wait")
        #expect(!policy.shouldRetry(local, attempt: 1))
    }
}
