import Clocks
import Foundation
import GenesisEngine
import Synchronization
import Testing

/// An embedding provider that reads each text as `tokensPerText` tokens, or says nothing of them.
final class CountingEmbedder: Provider {
    let name = "vectors"
    let tokensPerText: Int?
    private let calls = Mutex(0)
    var attempts: Int { calls.withLock { $0 } }

    init(tokensPerText: Int?) { self.tokensPerText = tokensPerText }

    func listModels() async throws -> [ModelInfo] { [] }
    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        throw InvalidRequestError(provider: name, model: request.model, message: "embeddings only", hint: "ask an embedding model")
    }
    func embed(_ request: EmbeddingRequest) async throws -> Embeddings {
        calls.withLock { $0 += 1 }
        return Embeddings(vectors: request.texts.map { _ in [0, 1] }, inputTokens: tokensPerText.map { $0 * request.texts.count })
    }
}

/// Embeddings cost money too: each request is booked against the budgets before it is sent and
/// written to the ledger with what the provider read, priced from the catalog.
@Suite("Embeddings in the ledger and the budgets")
struct EmbeddingAccountingTests {
    static let model = ModelID(provider: "vectors", model: "embed-9")

    func registry(_ provider: CountingEmbedder, budgets: [Budget] = [], ledger: MemoryLedger?) async throws -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.budgets = budgets
        // $0.10 a million tokens read, nothing written: an embedding model's price.
        configuration.prices.set(ModelPrice(provider: "vectors", model: "embed-9", inputPerMillion: 0.1, outputPerMillion: 0, mode: "embedding"))
        let registry = ModelRegistry(configuration: configuration, environment: [:], ledger: ledger,
                                     now: { BudgetTests.morning }, calendar: BudgetTests.utc)
        try await registry.addProvider(name: "vectors", provider: provider)
        return registry
    }

    @Test("an answered request is one ledger row with the tokens the provider read, priced as input")
    func answeredRequestsAreWrittenAndPriced() async throws {
        let ledger = MemoryLedger()
        let registry = try await registry(CountingEmbedder(tokensPerText: 500), ledger: ledger)
        #expect(try await registry.embed(Self.model, texts: ["a", "b", "c"]).count == 3)
        let row = try #require(ledger.records.first)
        #expect(ledger.records.count == 1 && row.outcome == .ok && row.model == Self.model)
        #expect(row.inputTokens == 1500 && row.outputTokens == 0 && !row.tokensEstimated)
        #expect(row.cost.map { abs($0.dollars - 0.00015) < 1e-12 && !$0.isEstimated } == true, "\(String(describing: row.cost))")
    }

    @Test("a provider that says nothing of tokens is booked at the estimate, marked as estimated")
    func unsaidTokensAreEstimated() async throws {
        let ledger = MemoryLedger()
        let registry = try await registry(CountingEmbedder(tokensPerText: nil), ledger: ledger)
        _ = try await registry.embed(Self.model, texts: [String(repeating: "word ", count: 80)])
        let row = try #require(ledger.records.first)
        #expect(row.outcome == .ok && row.tokensEstimated && row.inputTokens == 101) // 400 bytes / 4, and one
    }

    @Test("a hard budget with no room refuses the request before anything is sent, and says which budget")
    func aSpentBudgetRefusesEmbeddings() async throws {
        let ledger = MemoryLedger()
        await ledger.record(UsageRecord(requestID: UUID(), time: BudgetTests.morning, model: Self.model,
                                        usage: Usage(inputTokens: 1, outputTokens: 0), cost: Cost(dollars: 1), outcome: .ok))
        let provider = CountingEmbedder(tokensPerText: 10)
        let registry = try await registry(provider, budgets: [Budget(provider: "vectors", period: .day, dollars: 1)], ledger: ledger)
        let refusal = await #expect(throws: BudgetExceededError.self) { try await registry.embed(Self.model, texts: ["a"]) }
        #expect(refusal?.description.contains("vectors") == true, "\(String(describing: refusal))")
        #expect(provider.attempts == 0)
        #expect(ledger.records.last?.outcome == .refused)
    }

    @Test("without a ledger, a budget still counts what embeddings spent")
    func budgetsCountEmbeddingsWithoutALedger() async throws {
        let provider = CountingEmbedder(tokensPerText: 5_000_000) // $0.50 a text
        let registry = try await registry(provider, budgets: [Budget(provider: "vectors", period: .day, dollars: 1)], ledger: nil)
        _ = try await registry.embed(Self.model, texts: ["a", "b"]) // $1.00: the budget is spent
        await #expect(throws: BudgetExceededError.self) { try await registry.embed(Self.model, texts: ["c"]) }
        #expect(provider.attempts == 1)
    }
}
