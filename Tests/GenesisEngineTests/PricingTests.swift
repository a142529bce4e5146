import GenesisEngine
import Testing

@Suite("Prices and model ids")
struct PricingTests {
    let prices = PriceTable.standard

    @Test(arguments: [
        ("openai:gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18"), ("openai:gpt-4o-mini-2099-01-01", "gpt-4o-mini"),
        ("openai:gpt-4-0613", "gpt-4-0613"), ("openai:gpt-4o", "gpt-4o"), ("openai:gpt-4.1-mini", "gpt-4.1-mini"),
        ("openai:gpt-5.5-2026-04-23", "gpt-5.5-2026-04-23"), ("openai:gpt-5.5-2099-12-31", "gpt-5.5"),
        ("anthropic:claude-3-5-sonnet-20241022", "claude-3-5-sonnet"), ("anthropic:claude-3-opus-latest", "claude-3-opus"),
        ("anthropic:claude-opus-4-8-20261101", "claude-opus-4-8"), ("anthropic:claude-sonnet-4-20250514", "claude-sonnet-4"),
        ("mistral:mistral-large-latest", "mistral-large-latest"), ("mistral:mistral-large-2411", "mistral-large"),
        ("mistral:ft:open-mistral-7b:587a6b29:20240514:7e773925", "open-mistral-7b"), ("openai:ft:gpt-4o-mini-2024-07-18:acme::abc123", "ft:gpt-4o-mini-2024-07-18"),
        ("gemini:gemini-1.5-pro-002", "gemini-1.5-pro"), ("gemini:models/gemini-3.5-flash", "gemini-3.5-flash"),
        ("gemini:gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"), ("gemini:gemini-3.1-pro-preview", "gemini-3.1-pro-preview"),
        ("ollama:llama3:70b", "*"),
    ])
    func aModelIsPricedAsItselfOrTheModelItIsASnapshotOrAliasOf(id: String, entry: String) throws {
        let model = try #require(ModelID(parsing: id))
        #expect(prices.price(for: model)?.model == entry)
    }

    @Test(arguments: ["openai:gpt-4x-experimental", "openai:gpt-5.5-turbo", "anthropic:claude-opus-4-9", "anthropic:claude-opus-4-8-mega",
                      "gemini:gemini-9-flash", "openai:o9"])
    func aModelWhoseNameStartsWithAnotherModelsIsNotPricedAsThatModel(id: String) throws {
        #expect(prices.price(for: try #require(ModelID(parsing: id))) == nil)
    }

    @Test func claudeOpus48IsPricedAtItsOwnRateNotOpus4s() throws {
        let opus48 = try #require(prices.price(for: "anthropic:claude-opus-4-8"))
        #expect(opus48.model == "claude-opus-4-8" && opus48.inputPerMillion == 5 && opus48.outputPerMillion == 25)
        #expect(prices.price(for: "anthropic:claude-opus-4")?.inputPerMillion == 15)
    }

    @Test func aPriceSetAgainReplacesTheOldOneWhateverTheCaseOfItsId() {
        var table = PriceTable()
        table.set(ModelPrice(provider: "openai", model: "gpt-4o", inputPerMillion: 1, outputPerMillion: 2))
        table.set(ModelPrice(provider: "openai", model: "GPT-4o", inputPerMillion: 3, outputPerMillion: 4))
        #expect(table.all.count == 1)
        #expect(table.price(for: ModelID(provider: "openai", model: "gpt-4o-2024-08-06"))?.inputPerMillion == 3)
    }

    @Test func aFamilyIsPricedOnlyWhereAnEntryEndingInAStarSaysSo() {
        var table = PriceTable()
        table.set(ModelPrice(provider: "p", model: "gpt-5*", inputPerMillion: 1, outputPerMillion: 1))
        table.set(ModelPrice(provider: "p", model: "gpt-5.5*", inputPerMillion: 2, outputPerMillion: 2))
        table.set(ModelPrice(provider: "p", model: "gpt-5.5-pro", inputPerMillion: 3, outputPerMillion: 3))
        #expect(table.price(for: ModelID(provider: "p", model: "gpt-5.1-codex"))?.inputPerMillion == 1)
        #expect(table.price(for: ModelID(provider: "p", model: "gpt-5.5-mini"))?.inputPerMillion == 2) // the longest family
        #expect(table.price(for: ModelID(provider: "p", model: "gpt-5.5-pro"))?.inputPerMillion == 3) // an id beats a family
        #expect(table.price(for: ModelID(provider: "p", model: "gpt-4o")) == nil)
    }

    @Test func aProviderWithNoPricesOfItsOwnHasItsKindsPrices() {
        #expect(prices.price(for: ModelID(provider: "work", model: "claude-opus-4-8"), kind: "anthropic")?.inputPerMillion == 5)
        #expect(prices.price(for: ModelID(provider: "work", model: "claude-opus-4-8")) == nil)
    }

    @Test func aCatalogOfManyPricesKeepsEachAndPricesBySnapshot() {
        var table = PriceTable()
        for i in 0..<5_000 { table.set(ModelPrice(provider: "p", model: "model-\(i)", inputPerMillion: Double(i), outputPerMillion: 0)) }
        table.set(ModelPrice(provider: "p", model: "*", inputPerMillion: -1, outputPerMillion: 0))
        #expect(table.all.count == 5_001)
        #expect(table.price(for: ModelID(provider: "p", model: "model-4321-preview"))?.inputPerMillion == 4321)
        #expect(table.price(for: ModelID(provider: "p", model: "model-43210"))?.inputPerMillion == -1) // not a snapshot of model-4321: the provider's *
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
        #expect(prices.contextWindow(for: ModelID(provider: "openai", model: "gpt-5.5")) == 1_050_000)
    }

    @Test(arguments: [
        ("openai:gpt-4o", "openai", "gpt-4o"), ("gpt-4", "openai", "gpt-4"), ("claude-3-opus", "anthropic", "claude-3-opus"),
        ("ollama:llama3:70b", "ollama", "llama3:70b"), ("ft:open-mistral-7b:abc", "mistral", "ft:open-mistral-7b:abc"),
        ("gemini-pro", "gemini", "gemini-pro"), ("balanced", "sim", "balanced"),
    ])
    func modelIdsParse(text: String, provider: String, model: String) {
        #expect(ModelID(parsing: text, kinds: .shipped) == ModelID(provider: provider, model: model))
    }

    @Test(arguments: ["", ":", "sim:", ":fast", "unheard-of-model"])
    func malformedModelIdsAreRejected(text: String) {
        #expect(ModelID(parsing: text, kinds: .shipped) == nil)
    }
}
