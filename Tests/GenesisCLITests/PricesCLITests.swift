import Foundation
import GenesisTestSupport
import Testing

@Suite("genesis prices, prices import and retirements in genesis models")
struct PricesCLITests {
    /// A small catalog in LiteLLM's format: a newer price for a shipped model, a model the shipped
    /// catalog does not have, and entries Genesis leaves out.
    static let newerCatalog = """
        {"claude-opus-4-8": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 4e-06, "output_cost_per_token": 2e-05,
                             "cache_read_input_token_cost": 4e-07, "max_input_tokens": 1000000, "max_output_tokens": 128000},
         "gpt-7-preview": {"litellm_provider": "openai", "mode": "responses", "input_cost_per_token": 1e-05, "output_cost_per_token": 4e-05,
                           "deprecation_date": "2099-01-31"},
         "bedrock/anthropic.claude-9": {"litellm_provider": "bedrock", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06},
         "dall-e-9": {"litellm_provider": "openai", "mode": "image_generation", "input_cost_per_token": 0, "output_cost_per_token": 0}}
        """

    @Test("genesis prices lists the catalog, filtered by a pattern, as text and as JSON")
    func listing() async throws {
        let env = try StorageCLITests.environment()
        let text = try await CLI.run(["prices", "claude-opus-4-8"], environment: env)
        #expect(text.status == 0)
        #expect(text.stdout.contains("anthropic:claude-opus-4-8") && !text.stdout.contains("anthropic:claude-opus-4-1 "))
        #expect(text.stdout.contains("prices: litellm "))
        let json = try await CLI.run(["prices", "--json", "openai:gpt-5.5*"], environment: env)
        let rows = try #require(json.json?["prices"] as? [[String: Any]])
        let pro = try #require(rows.first { $0["id"] as? String == "openai:gpt-5.5-pro" })
        #expect(pro["input_per_million"] as? Double == 30 && pro["output_per_million"] as? Double == 180 && pro["mode"] as? String == "responses")
        #expect(pro["context_window"] as? Int == 1_050_000 && pro["max_output_tokens"] as? Int == 128_000)
        for key in ["cached_input_per_million", "cache_write_per_million", "deprecation_date"] { #expect(pro.keys.contains(key)) }
        #expect(rows.allSatisfy { ($0["id"] as? String)?.hasPrefix("openai:gpt-5.5") == true })
        let none = try await CLI.run(["prices", "no-such-model-anywhere"], environment: env)
        #expect(none.status == 2 && none.stderr.contains("no price matches \"no-such-model-anywhere\""))
    }

    @Test("prices import reads a newer LiteLLM file and keeps it over the shipped catalog; [[prices]] still win")
    func importingAFile() async throws {
        var env = try StorageCLITests.environment(config: """
            [[prices]]
            model = "openai:gpt-7-preview"
            input_per_million = 1
            output_per_million = 2
            """)
        let directory = try #require(env["XDG_DATA_HOME"])
        let file = directory + "/model_prices_and_context_window.json"
        try Self.newerCatalog.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try await CLI.run(["prices", "import", file], environment: env)
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("imported 2 models") && imported.stdout.contains("1 not in the shipped catalog"))
        #expect(imported.stdout.contains("2 entries of other providers or modes left out"))
        #expect(FileManager.default.fileExists(atPath: directory + "/genesis/prices.json"))

        let listed = try await CLI.run(["prices", "--json", "claude-opus-4-8"], environment: env)
        let opus = try #require((listed.json?["prices"] as? [[String: Any]])?.first { $0["id"] as? String == "anthropic:claude-opus-4-8" })
        #expect(opus["input_per_million"] as? Double == 4 && opus["cached_input_per_million"] as? Double == 0.4)
        #expect((listed.json?["sources"] as? [String: Any])?["imported"] != nil)
        let preview = try await CLI.run(["prices", "--json", "gpt-7-preview"], environment: env)
        let row = try #require((preview.json?["prices"] as? [[String: Any]])?.first)
        #expect(row["input_per_million"] as? Double == 1) // the configuration's price wins over the imported one
        // Without the configuration, the imported price stands.
        env.removeValue(forKey: "XDG_CONFIG_HOME")
        let bare = try await CLI.run(["prices", "--json", "gpt-7-preview"], environment: env)
        #expect((bare.json?["prices"] as? [[String: Any]])?.first?["input_per_million"] as? Double == 10)
    }

    @Test("prices import reads a URL, and refuses what is not a catalog without losing the one kept")
    func importingAURLAndRefusingJunk() async throws {
        let env = try StorageCLITests.environment()
        let server = try await FakeServer(recording: false) { request in
            request.uri == "/catalog.json"
                ? .init(headers: [("content-type", "application/json")], chunks: [Array(Self.newerCatalog.utf8)])
                : .init(status: 404, headers: [("content-type", "text/html")], chunks: [Array("<html>gone</html>".utf8)])
        }
        let fetched = try await CLI.run(["prices", "import", server.baseURL + "/catalog.json"], environment: env)
        #expect(fetched.status == 0 && fetched.stdout.contains("imported 2 models from http://127.0.0.1:"))
        let missing = try await CLI.run(["prices", "import", server.baseURL + "/old.json"], environment: env)
        #expect(missing.status != 0 && missing.stderr.contains("the server answered HTTP 404"))
        let junk = try #require(env["XDG_DATA_HOME"]) + "/junk.json"
        try "{\"models\": [1, 2, 3]}".write(toFile: junk, atomically: true, encoding: .utf8)
        let refused = try await CLI.run(["prices", "import", junk], environment: env)
        #expect(refused.status == 2 && refused.stderr.contains("junk.json: has no chat model of a provider Genesis speaks"))
        let kept = try await CLI.run(["prices", "--json", "gpt-7-preview"], environment: env)
        #expect((kept.json?["prices"] as? [[String: Any]])?.count == 1) // the URL's import is still kept
        await server.shutdown()
    }

    @Test("genesis models shows when a configured model retires or has retired")
    func modelsShowRetirement() async throws {
        let env = try StorageCLITests.environment(config: """
            [providers.openai]
            kind = "openai"
            base_url = "http://127.0.0.1:9/v1"
            models = ["gpt-4", "gpt-5.5"]
            """)
        let listed = try await CLI.run(["models", "--provider", "openai", "--json"], environment: env.merging(["OPENAI_API_KEY": "sk-test-0123456789abcdef"]) { $1 })
        let rows = try #require(listed.json?["models"] as? [[String: Any]])
        let gpt4 = try #require(rows.first { $0["model"] as? String == "gpt-4" })
        #expect(gpt4["retirement"] as? String == "retired 2026-10-23" && gpt4["retired"] as? Bool == true)
        #expect(rows.first { $0["model"] as? String == "gpt-5.5" }?["retired"] as? Bool == false)
        let text = try await CLI.run(["models", "--provider", "openai"], environment: env.merging(["OPENAI_API_KEY": "sk-test-0123456789abcdef"]) { $1 })
        #expect(text.stdout.contains("retired 2026-10-23"))
    }
}
