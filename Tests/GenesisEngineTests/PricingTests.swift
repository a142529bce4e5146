import GenesisEngine
import Testing

@Suite("Prices and model ids")
struct PricingTests {
    let prices = PriceTable.standard

    @Test(arguments: [
        ("openai:gpt-4o-mini-2024-07-18", "gpt-4o-mini"), ("openai:gpt-4-0613", "gpt-4"), ("openai:gpt-4o", "gpt-4o"),
        ("openai:gpt-4.1-mini", "gpt-4.1-mini"), ("openai:gpt-4-turbo-2024-04-09", "gpt-4-turbo"),
        ("anthropic:claude-3-5-sonnet-20241022", "claude-3-5-sonnet"), ("anthropic:claude-3-opus-latest", "claude-3-opus"),
        ("mistral:mistral-large-latest", "mistral-large"), ("mistral:ft:open-mistral-7b:587a6b29:20240514:7e773925", "open-mistral-7b"),
        ("gemini:gemini-1.5-pro-002", "gemini-1.5-pro"), ("gemini:models/gemini-2.0-flash", "gemini-2.0-flash"),
        ("ollama:llama3:70b", "*"),
    ])
    func aModelIdIsPricedAsItsLongestKnownPrefix(id: String, entry: String) throws {
        let model = try #require(ModelID(parsing: id))
        #expect(prices.price(for: model)?.model == entry)
    }

    @Test func aPrefixMustEndAtAWordBoundary() {
        #expect(prices.price(for: ModelID(provider: "openai", model: "gpt-4x-experimental")) == nil)
    }

    @Test func aPriceSetAgainReplacesTheOldOneWhateverTheCaseOfItsId() {
        var table = PriceTable()
        table.set(ModelPrice(provider: "openai", model: "gpt-4o", inputPerMillion: 1, outputPerMillion: 2))
        table.set(ModelPrice(provider: "openai", model: "GPT-4o", inputPerMillion: 3, outputPerMillion: 4))
        #expect(table.all.count == 1)
        #expect(table.price(for: ModelID(provider: "openai", model: "gpt-4o-2024-08-06"))?.inputPerMillion == 3)
    }

    @Test func aCatalogOfManyPricesKeepsEachAndPricesByLongestPrefix() {
        var table = PriceTable()
        for i in 0..<5_000 { table.set(ModelPrice(provider: "p", model: "model-\(i)", inputPerMillion: Double(i), outputPerMillion: 0)) }
        table.set(ModelPrice(provider: "p", model: "*", inputPerMillion: -1, outputPerMillion: 0))
        #expect(table.all.count == 5_001)
        #expect(table.price(for: ModelID(provider: "p", model: "model-4321-preview"))?.inputPerMillion == 4321)
        #expect(table.price(for: ModelID(provider: "p", model: "model-43210"))?.inputPerMillion == -1) // not a prefix at a boundary: the provider's *
    }

    @Test func costComesFromReportedUsage() throws {
        let cost = try #require(prices.cost(of: Usage(inputTokens: 1_000_000, outputTokens: 500_000), for: ModelID(provider: "openai", model: "gpt-4o")))
        #expect(cost.dollars == 7.5 && !cost.isEstimated)
        let estimated = try #require(prices.cost(of: Usage(inputTokens: 10, outputTokens: 10, isEstimated: true), for: ModelID(provider: "openai", model: "gpt-4o")))
        #expect(estimated.isEstimated)
    }

    @Test func anUnknownModelHasAnUnknownCostNotZero() {
        #expect(prices.cost(of: Usage(inputTokens: 10, outputTokens: 10), for: ModelID(provider: "openai", model: "davinci-003")) == nil)
    }

    @Test func localAndSimulatedModelsAreFree() {
        #expect(prices.cost(of: Usage(inputTokens: 10, outputTokens: 10), for: ModelID(provider: "ollama", model: "llama3.1:8b"))?.dollars == 0)
        #expect(prices.cost(of: Usage(inputTokens: 10, outputTokens: 10), for: "sim:deep")?.dollars == 0)
    }

    @Test func contextWindowsAreKnownForTheSeedsModels() {
        #expect(prices.contextWindow(for: ModelID(provider: "openai", model: "gpt-4")) == 8_192)
        #expect(prices.contextWindow(for: ModelID(provider: "anthropic", model: "claude-3-opus-20240229")) == 200_000)
        #expect(prices.contextWindow(for: ModelID(provider: "gemini", model: "gemini-1.5-pro")) == 2_097_152)
    }

    @Test(arguments: [
        ("openai:gpt-4o", "openai", "gpt-4o"), ("gpt-4", "openai", "gpt-4"), ("claude-3-opus", "anthropic", "claude-3-opus"),
        ("ollama:llama3:70b", "ollama", "llama3:70b"), ("ft:open-mistral-7b:abc", "mistral", "ft:open-mistral-7b:abc"),
        ("gemini-pro", "gemini", "gemini-pro"), ("balanced", "sim", "balanced"),
    ])
    func modelIdsParse(text: String, provider: String, model: String) {
        #expect(ModelID(parsing: text) == ModelID(provider: provider, model: model))
    }

    @Test(arguments: ["", ":", "sim:", ":fast", "unheard-of-model"])
    func malformedModelIdsAreRejected(text: String) {
        #expect(ModelID(parsing: text) == nil)
    }
}
