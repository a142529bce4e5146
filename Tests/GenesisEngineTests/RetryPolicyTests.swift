import Clocks
import GenesisEngine
import Synchronization
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

/// An embedding model that is rate limited (or refuses) a number of times before it answers.
final class FlakyEmbedder: Provider {
    let name = "flaky"
    let failure: any GenesisError
    private let failures: Mutex<Int>
    private let calls = Mutex(0)
    var attempts: Int { calls.withLock { $0 } }

    init(failing times: Int, with failure: any GenesisError) {
        failures = Mutex(times)
        self.failure = failure
    }

    func listModels() async throws -> [ModelInfo] { [] }
    func stream(_ request: ProviderRequest) async throws -> ProviderStream { throw failure }
    func embed(_ request: EmbeddingRequest) async throws -> Embeddings {
        calls.withLock { $0 += 1 }
        if failures.withLock({ left in defer { left -= 1 }; return left > 0 }) { throw failure }
        return Embeddings(vectors: request.texts.map { _ in [1, 0] })
    }
}

@Suite("Embeddings through the registry: retried as generations are")
struct EmbeddingRetryTests {
    static let limited = RateLimitError(provider: "flaky", model: "vectors", limit: .requests, retryAfter: .seconds(2), message: "slow down")

    func registry(_ provider: FlakyEmbedder) async throws -> ModelRegistry {
        let registry = ModelRegistry(clock: AnyClock(ImmediateClock()))
        try await registry.addProvider(name: "flaky", provider: provider)
        return registry
    }

    @Test("a 429 is retried after its Retry-After, up to the policy's attempts")
    func rateLimitsAreRetried() async throws {
        let twice = FlakyEmbedder(failing: 2, with: Self.limited)
        #expect(try await registry(twice).embed("flaky:vectors", texts: ["a", "b"]) == [[1, 0], [1, 0]])
        #expect(twice.attempts == 3)
        let always = FlakyEmbedder(failing: 10, with: Self.limited)
        await #expect(throws: RateLimitError.self) { try await registry(always).embed("flaky:vectors", texts: ["a"]) }
        #expect(always.attempts == RetryPolicy().maxAttempts)
    }

    @Test("a refusal that retrying cannot mend fails at once")
    func authenticationIsNotRetried() async throws {
        let refused = FlakyEmbedder(failing: 1, with: ProviderError(.authentication, provider: "flaky", model: "vectors", status: 401, message: "bad key"))
        await #expect(throws: ProviderError.self) { try await registry(refused).embed("flaky:vectors", texts: ["a"]) }
        #expect(refused.attempts == 1)
    }
}
