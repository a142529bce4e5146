import Foundation
import GenesisEngine
import Testing

@Suite("The price catalog: cache and tier rates, LiteLLM's format, retirements, unpriced models under budgets")
struct PriceCatalogTests {
    /// LiteLLM's names for the providers of the kinds Genesis ships.
    static let speaks = [ProviderKind].shipped.catalogNames

    let prices = PriceTable.standard

    @Test("cached input is priced at the cache-read rate and cache writes at the write rate, the rest at the input rate")
    func cacheReadsAndWritesHaveTheirOwnRates() throws {
        // claude-opus-4-8: $5 in, $25 out, $0.50 cache read, $6.25 cache write (5 minutes), per million.
        let usage = Usage(inputTokens: 1_000_000, outputTokens: 100_000, cachedInputTokens: 600_000, cacheWriteTokens: 200_000)
        let cost = try #require(prices.cost(of: usage, for: "anthropic:claude-opus-4-8"))
        #expect(abs(cost.dollars - (0.2 * 5 + 0.6 * 0.5 + 0.2 * 6.25 + 0.1 * 25)) < 1e-9)
        // Writes kept for an hour cost $10 a million, not the 5-minute $6.25.
        let hour = Usage(inputTokens: 1_000_000, outputTokens: 0, cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 400_000)
        #expect(abs(try #require(prices.cost(of: hour, for: "anthropic:claude-opus-4-8")).dollars - (0.6 * 6.25 + 0.4 * 10)) < 1e-9)
        // Without a cache rate in the catalog, cached input costs the input rate.
        let plain = ModelPrice(provider: "p", model: "m", inputPerMillion: 2, outputPerMillion: 0)
        #expect(plain.cost(of: Usage(inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 500_000)).dollars == 2)
    }

    @Test("a Gemini Pro prompt over 200k tokens and a gpt-5.5 prompt over 272k are priced whole at the higher tier")
    func longPromptsArePricedAtTheHigherTier() throws {
        let gemini = ModelID(provider: "gemini", model: "gemini-3.1-pro-preview") // 2 / 12, above 200k 4 / 18
        #expect(abs(try #require(prices.cost(of: Usage(inputTokens: 200_000, outputTokens: 1_000), for: gemini)).dollars - (0.4 + 0.012)) < 1e-9)
        #expect(abs(try #require(prices.cost(of: Usage(inputTokens: 200_001, outputTokens: 1_000), for: gemini)).dollars - (200_001 * 4e-6 + 0.018)) < 1e-9)
        let gpt = ModelID(provider: "openai", model: "gpt-5.5") // 5 / 30, above 272k 10 / 45
        #expect(abs(try #require(prices.cost(of: Usage(inputTokens: 300_000, outputTokens: 0), for: gpt)).dollars - 3) < 1e-9)
        #expect(abs(try #require(prices.cost(of: Usage(inputTokens: 100_000, outputTokens: 0), for: gpt)).dollars - 0.5) < 1e-9)
    }

    @Test("today's models are priced as the catalog says (PROTOCOLS 9.5)", arguments: [
        ("openai:gpt-5.5", 5.0, 30.0, 0.5), ("openai:gpt-5.1", 1.25, 10, 0.125), ("anthropic:claude-sonnet-4-6", 3, 15, 0.3),
        ("anthropic:claude-haiku-4-5", 1, 5, 0.1), ("gemini:gemini-3.5-flash", 1.5, 9, 0.15), ("mistral:mistral-medium-latest", 1.5, 7.5, 0.15),
    ])
    func todaysModelsArePriced(id: String, input: Double, output: Double, cached: Double) throws {
        let model = try #require(ModelID(parsing: id))
        let price = try #require(prices.price(for: model))
        #expect(price.inputPerMillion == input && price.outputPerMillion == output && price.cachedInputPerMillion == cached)
    }

    @Test("the catalog says which models the Responses API alone serves, and when a model retires")
    func modesAndRetirements() throws {
        #expect(prices.price(for: "openai:gpt-5.5-pro")?.mode == "responses")
        #expect(prices.price(for: "openai:gpt-5.5")?.mode == "chat")
        let gpt4 = try #require(prices.price(for: "openai:gpt-4"))
        #expect(gpt4.deprecationDate == "2026-10-23")
        #expect(gpt4.retirement(on: "2026-10-22") == "retires 2026-10-23")
        #expect(gpt4.retirement(on: "2026-10-23") == "retired 2026-10-23")
        // A model the newest catalog no longer lists keeps its last price, shown as retired.
        let opus3 = try #require(prices.price(for: "anthropic:claude-3-opus-20240229"))
        #expect(opus3.inputPerMillion == 15 && opus3.unlistedSince != nil && opus3.retirement(on: "2020-01-01") == "retired")
        #expect(prices.price(for: "openai:gpt-5.5")?.retirement(on: "2026-12-07") == nil)
    }

    @Test("LiteLLM's entries are read: provider prefixes dropped, per-token prices per million, tiers, embedding models (no output price: 0), other modes and providers left out")
    func readingLiteLLMsFormat() throws {
        let json = """
        {"sample_spec": {"input_cost_per_token": 0, "output_cost_per_token": 0, "litellm_provider": "one of", "mode": "chat"},
         "gemini/gemini-9-pro": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_token": 1.5e-07, "output_cost_per_token": 1e-06,
           "input_cost_per_token_above_200k_tokens": 3e-07, "output_cost_per_token_above_200k_tokens": 2e-06, "input_cost_per_token_batches": 1e-09,
           "cache_read_input_token_cost": 1.5e-08, "max_input_tokens": 1048576, "max_output_tokens": 65536, "deprecation_date": "2027-06-30",
           "supports_reasoning": true},
         "gpt-9-pro": {"litellm_provider": "openai", "mode": "responses", "input_cost_per_token": 3e-05, "output_cost_per_token": 0.00018},
         "text-embedding-9": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-07, "output_cost_per_token": 0},
         "mistral/mistral-embed-9": {"litellm_provider": "mistral", "mode": "embedding", "input_cost_per_token": 1e-07},
         "mistral/mistral-large-9": {"litellm_provider": "mistral", "mode": "chat", "input_cost_per_token": 2e-06},
         "dall-e-9": {"litellm_provider": "openai", "mode": "image_generation", "input_cost_per_token": 1e-07, "output_cost_per_token": 0},
         "bedrock/claude-9": {"litellm_provider": "bedrock", "mode": "chat", "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05},
         "gpt-9-free": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": "free", "output_cost_per_token": 0}}
        """
        let contents = try LiteLLMCatalog.read(Data(json.utf8), file: "prices.json", providers: Self.speaks)
        #expect(contents.prices.count == 4 && contents.skipped == 4) // sample_spec is LiteLLM's own, not counted
        #expect(contents.prices.first { $0.model == "mistral-embed-9" }.map { [$0.inputPerMillion, $0.outputPerMillion] } == [0.1, 0])
        // Read for every provider (as the shipped catalog is, which holds only Genesis's), Bedrock's entry is kept too.
        #expect(try LiteLLMCatalog.read(Data(json.utf8), file: "prices.json", providers: nil).prices.map(\.provider).contains("bedrock"))
        let gemini = try #require(contents.prices.first { $0.model == "gemini-9-pro" })
        #expect(gemini.provider == "gemini" && gemini.inputPerMillion == 0.15 && gemini.outputPerMillion == 1 && gemini.cachedInputPerMillion == 0.015)
        #expect(gemini.tiers == [ModelPrice.Tier(aboveTokens: 200_000, inputPerMillion: 0.3, outputPerMillion: 2)])
        #expect(gemini.contextWindow == 1_048_576 && gemini.maxOutputTokens == 65_536 && gemini.deprecationDate == "2027-06-30" && gemini.supportsReasoning == true)
        #expect(contents.prices.first { $0.model == "gpt-9-pro" }?.mode == "responses")
    }

    @Test("a file that is not LiteLLM's catalog is refused with its name and what was expected")
    func notACatalog() {
        #expect(throws: ConfigurationError.self) { try LiteLLMCatalog.read(Data("{\"a\": ".utf8), file: "broken.json", providers: Self.speaks) }
        let notJSON = #expect(throws: ConfigurationError.self) { try LiteLLMCatalog.read(Data("<html>".utf8), file: "page.html", providers: Self.speaks) }
        #expect(notJSON?.description.hasPrefix("page.html: is not valid JSON") == true)
        let empty = #expect(throws: ConfigurationError.self) { try LiteLLMCatalog.read(Data("{\"x\": {}}".utf8), file: "x.json", providers: Self.speaks) }
        #expect(empty?.description.contains("has no chat model of a provider Genesis speaks") == true)
        #expect(throws: ConfigurationError.self) { try LiteLLMCatalog.read(Data("[1, 2]".utf8), file: "list.json", providers: Self.speaks) }
    }

    @Test("the shipped catalog reads whole, and holds the providers the generator script keeps")
    func theShippedCatalogMatchesItsGenerator() throws {
        // Every entry reads, free ones (a price of 0) included.
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(PriceTable.shippedCatalogText.utf8)) as? [String: Any])
        #expect(try LiteLLMCatalog.read(Data(PriceTable.shippedCatalogText.utf8), file: "shipped", providers: nil).prices.count == entries.count)
        #expect(PriceTable.shipped.price(for: "gemini:gemma-3-27b-it")?.inputPerMillion == 0)
        // The script keeps no list of its own: it reads the kinds' `catalogNames: [...]` where
        // their descriptors are, beside their wire formats, as here.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = try String(contentsOf: root.appendingPathComponent("scripts/generate-price-catalog.py"), encoding: .utf8)
        #expect(script.contains(#""Sources", "GenesisProviders")"#) && !script.contains("PROVIDERS = ["))
        let sources = root.appendingPathComponent("Sources/GenesisProviders")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL })
        let listed = try Set(files.filter { $0.pathExtension == "swift" }.flatMap { file in
            try String(contentsOf: file, encoding: .utf8).matches(of: /catalogNames:\s*\[([^\]]*)\]/).flatMap { $0.1.matches(of: /"([^"]+)"/).map { String($0.1) } }
        })
        #expect(listed == [ProviderKind].shipped.catalogNames)
        #expect(Set(PriceTable.shipped.all.map(\.provider)) == listed)
    }

    @Test("a hard dollar budget refuses a model with no price, saying how to price it, unless allow_unpriced")
    func unpricedModelsUnderAHardBudget() throws {
        var budget = Budget(period: .day, dollars: 5)
        let refusal = try #require(budget.refusal(of: Spending(), after: Spending(), provider: "openai", model: "gpt-9", isPriced: false))
        #expect(refusal.isUnpriced && refusal.category.exitCode == 9)
        #expect(refusal.description.contains("cannot count openai:gpt-9: it has no price"))
        #expect(refusal.description.contains("[[prices]]") && refusal.description.contains("allow_unpriced = true"))
        budget.allowsUnpriced = true
        #expect(budget.refusal(of: Spending(), after: Spending(), provider: "openai", model: "gpt-9", isPriced: false) == nil)
        // A token budget counts tokens, which an unpriced model has.
        #expect(Budget(period: .day, tokens: 1_000).refusal(of: Spending(tokens: 10), after: Spending(), provider: "openai", model: "gpt-9", isPriced: false) == nil)
        // A soft budget only alerts.
        #expect(Budget(period: .day, dollars: 5, hard: false).refusal(of: Spending(), after: Spending(), provider: "openai", model: "gpt-9", isPriced: false) == nil)
    }

    @Test("[[prices]] take cache rates and windows, and allow_unpriced is read from a budget")
    func configuration() throws {
        let configuration = try ConfigLoader.parse("""
            [[prices]]
            model = "work:gpt-9*"
            input_per_million = 4
            output_per_million = 16
            cached_input_per_million = 0.4
            cache_write_per_million = 5
            context_window = 400000
            max_output_tokens = 128000

            [[budgets]]
            period = "day"
            dollars = 5
            allow_unpriced = true
            """, file: "genesis.toml", kinds: .shipped)
        let price = try #require(configuration.prices.price(for: ModelID(provider: "work", model: "gpt-9-mini")))
        #expect(price.cachedInputPerMillion == 0.4 && price.cacheWritePerMillion == 5 && price.contextWindow == 400_000 && price.maxOutputTokens == 128_000)
        #expect(configuration.budgets.first?.allowsUnpriced == true)
        let wrong = #expect(throws: ConfigurationError.self) {
            try ConfigLoader.parse("[[budgets]]\nperiod = \"day\"\ndollars = 5\nallow_unpriced = \"yes\"\n", file: "genesis.toml", kinds: .shipped)
        }
        #expect(wrong?.line == 4 && wrong?.description.contains("allow_unpriced") == true)
    }
}
