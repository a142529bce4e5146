import Clocks
import GenesisEngine
import Synchronization
import Testing

/// A third-party provider's view of an attempt: what the engine tells it in
/// ``ProviderRequest/attempt``, and what it tells back there.
@Suite("The attempt context a provider is given")
struct AttemptContextTests {
    /// Fails its first call; names a key on every call; remembers what each call was told.
    final class KeyNamingProvider: Provider {
        let name = "keyed"
        private let seen = Mutex<[AttemptContext]>([])
        var attempts: [AttemptContext] { seen.withLock { $0 } }

        func listModels() async throws -> [ModelInfo] { [] }

        func stream(_ request: ProviderRequest) async throws -> ProviderStream {
            let number = seen.withLock { $0.append(request.attempt); return $0.count }
            request.attempt.usedKey("key-\(number)")
            if number == 1 { throw ProviderError.overloaded(request.model) }
            return ProviderStream { continuation in
                continuation.yield(.text("hello"))
                continuation.yield(.finish(.stop))
                continuation.finish()
            }
        }
    }

    @Test func eachAttemptIsNumberedAndCarriesTheRequestsDeadline() async throws {
        let provider = KeyNamingProvider()
        let registry = try await makeRegistry([provider])
        let before = ContinuousClock.now
        let result = try await registry.generate(GenerationRequest(model: ModelID(provider: "keyed", model: "m"), prompt: "hi"),
                                                 options: RequestOptions(timeout: .seconds(300))) // room for a busy machine
        #expect(result.text == "hello")
        #expect(provider.attempts.map(\.number) == [1, 2])
        for attempt in provider.attempts {
            let deadline = try #require(attempt.deadline)
            #expect(deadline > before && deadline <= ContinuousClock.now + .seconds(300))
        }
    }

    @Test func theKeyAProviderNamesIsTheOneTheLedgerRecords() async throws {
        let provider = KeyNamingProvider(), ledger = MemoryLedger()
        var configuration = GenesisConfiguration()
        configuration.fallbacks = []
        configuration.retry = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        let registry = ModelRegistry(configuration: configuration, random: { 0.5 }, ledger: ledger)
        try await registry.addProvider(name: provider.name, provider: provider)
        _ = try await registry.generate(GenerationRequest(model: ModelID(provider: "keyed", model: "m"), prompt: "hi"))
        #expect(ledger.records.map(\.keyID) == ["key-1", "key-2"])
        #expect(ledger.records.map(\.outcome) == [.error, .ok])
    }

    @Test func requestsAreEqualWhateverAttemptTheyBelongTo() {
        let first = ProviderRequest(model: "m", messages: [.user("hi")], parameters: GenerationParameters(),
                                    attempt: AttemptContext(number: 1))
        let second = ProviderRequest(model: "m", messages: [.user("hi")], parameters: GenerationParameters(),
                                     attempt: AttemptContext(number: 2))
        #expect(first == second)
        #expect(Set([first, second]).count == 1)
    }
}
