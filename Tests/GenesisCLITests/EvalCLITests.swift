import Foundation
import Testing

@Suite("genesis eval")
struct EvalCLITests {
    static func suite(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("suite-\(UUID()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let passing = """
        description: smoke
        prompts: ["Explain {{topic}}"]
        tests:
          - vars: {topic: caching}
            assert: [{type: icontains, value: caching}]
          - vars: {topic: retries}
            assert: [{type: icontains, value: retries}, {type: cost, threshold: 0.01}]
        """

    @Test("the matrix has a row per case and a column per model, then totals; every case passing exits 0")
    func matrix() async throws {
        let env = try StorageCLITests.environment()
        let result = try await CLI.run(["eval", try Self.suite(Self.passing), "-m", "sim:fast", "-m", "sim:deep"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("case") && lines[0].contains("sim:fast") && lines[0].contains("sim:deep"))
        #expect(lines[1].hasPrefix("#1 topic=caching") && lines[1].components(separatedBy: "PASS 1.00").count == 3)
        #expect(lines.contains { $0.hasPrefix("passed / failed") && $0.components(separatedBy: "2 / 0").count == 3 })
        #expect(lines.contains { $0.hasPrefix("latency p50 / p95") })
        #expect(result.stdout.contains("saved as run 1"))
    }

    @Test("--json follows the contract; a failing case exits 1; --compare names what regressed")
    func jsonAndCompare() async throws {
        let env = try StorageCLITests.environment()
        let first = try await CLI.run(["eval", try Self.suite(Self.passing), "-m", "sim:fast", "--json"], environment: env)
        #expect(first.status == 0)
        let json = try #require(first.json)
        #expect(json["run"] as? Int == 1)
        let model = try #require((json["models"] as? [[String: Any]])?.first)
        #expect(model["provider"] as? String == "sim" && model["model"] as? String == "fast")
        #expect(model["score"] as? Double == 1 && model["passed"] as? Int == 2 && model["failed"] as? Int == 0)
        #expect(model["cost_usd"] as? Double == 0)
        let latency = try #require(model["latency_ms"] as? [String: Any])
        #expect(latency["p50"] is Int && latency["p95"] is Int)
        let cases = try #require(model["cases"] as? [[String: Any]])
        #expect(cases.count == 2 && (cases[1]["assertions"] as? [[String: Any]])?.count == 2)

        let stricter = Self.passing.replacingOccurrences(of: "{type: icontains, value: retries}", with: "{type: equals, value: retries}")
        let second = try await CLI.run(["eval", try Self.suite(stricter), "-m", "sim:fast"], environment: env)
        #expect(second.status == 1 && second.stdout.contains("FAIL"))
        let compared = try await CLI.run(["eval", "--compare", "1", "2"], environment: env)
        #expect(compared.status == 1)
        #expect(compared.stdout.contains("sim:fast") && compared.stdout.contains("regressed  #2 topic=retries"))
        // Cases are matched by what they are: a test inserted first shifts every number, yet the
        // failing retries case stays the same case (not fixed, not regressed), and only the new one is new.
        let inserted = stricter.replacingOccurrences(of: "tests:\n", with: "tests:\n  - vars: {topic: queues}\n    assert: [{type: icontains, value: queues}]\n")
        #expect(try await CLI.run(["eval", try Self.suite(inserted), "-m", "sim:fast"], environment: env).status == 1)
        let shifted = try #require(try await CLI.run(["eval", "--compare", "2", "3", "--json"], environment: env).json)
        let change = try #require((shifted["models"] as? [[String: Any]])?.first)
        #expect(change["regressed"] as? [String] == [] && change["fixed"] as? [String] == [] && change["removed"] as? [String] == [])
        #expect(change["added"] as? [String] == ["#1 topic=queues"])
        let missing = try await CLI.run(["eval", "--compare", "1", "9"], environment: env)
        #expect(missing.status == 8 && missing.stderr.contains("no evaluation run 9"))
    }

    @Test("--repeat reports pass rates; a broken suite names the file, test and field and exits 2")
    func repeatAndErrors() async throws {
        let env = try StorageCLITests.environment()
        let repeated = try await CLI.run(["eval", try Self.suite(Self.passing), "-m", "sim:fast", "--repeat", "3", "--json"], environment: env)
        let cases = ((repeated.json?["models"] as? [[String: Any]])?.first?["cases"] as? [[String: Any]]) ?? []
        #expect(cases.first?["pass_rate"] as? Double == 1 && cases.first?["unstable"] as? Bool == false)
        let path = try Self.suite("prompts: [\"hi\"]\ntests:\n  - description: typo\n    assert:\n      - type: is-jsn\n")
        let broken = try await CLI.run(["eval", path, "-m", "sim:fast"], environment: env)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains(path) && broken.stderr.contains("test #1 \"typo\"") && broken.stderr.contains("assert[0].type")
                && broken.stderr.contains("did you mean \"is-json\""))
    }

    @Test("javascript and python assertions run in the CLI; without node on PATH the suite is refused, naming the assertion, before anything is asked")
    func scriptAssertions() async throws {
        let env = try StorageCLITests.environment()
        let path = try Self.suite("""
            prompts: ["Explain {{topic}}"]
            tests:
              - description: scripted
                vars: {topic: caching}
                assert:
                  - {type: javascript, value: "output.toLowerCase().includes(context.vars.topic)"}
                  - {type: python, value: "return {'pass': len(output) > 0, 'score': 0.5, 'reason': 'said something'}"}
            """)
        let result = try await CLI.run(["eval", path, "-m", "sim:fast", "--json"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let assertions = ((result.json?["models"] as? [[String: Any]])?.first?["cases"] as? [[String: Any]])?.first?["assertions"] as? [[String: Any]]
        #expect(assertions?.map { $0["type"] as? String } == ["javascript", "python"])
        #expect(assertions?.last?["reason"] as? String == "said something" && assertions?.last?["score"] as? Double == 0.5)

        var bare = env
        bare["PATH"] = "/nonexistent"
        let refused = try await CLI.run(["eval", path, "-m", "sim:fast"], environment: bare)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("test #1 \"scripted\", assert[0].value") && refused.stderr.contains("node (Node.js), which is not on PATH"),
                "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
    }

    @Test("rows of several unlabelled prompts are told apart by their first words, in the matrix and in --compare; named metrics show in both outputs")
    func promptNamesAndMetrics() async throws {
        let env = try StorageCLITests.environment()
        let suite = """
            prompts: ["Explain {{topic}} simply", "Describe {{topic}} for experts"]
            tests:
              - vars: {topic: caching}
                assert: [{type: icontains, value: caching, metric: relevance}]
            """
        let first = try await CLI.run(["eval", try Self.suite(suite), "-m", "sim:fast"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("#1 topic=caching [Explain {{topic}} simply]") && first.stdout.contains("#1 topic=cachi… [Describe {{topic}} for experts]")) // cut to the column, the prompt kept
        #expect(first.stdout.contains("metric relevance") && first.stdout.contains("1.00 2/2"))
        let json = try await CLI.run(["eval", try Self.suite(suite), "-m", "sim:fast", "--json"], environment: env).json
        let model = try #require((json?["models"] as? [[String: Any]])?.first)
        let metrics = try #require(model["metrics"] as? [[String: Any]])
        #expect(metrics.first?["name"] as? String == "relevance" && metrics.first?["total"] as? Int == 2)
        let cases = try #require(model["cases"] as? [[String: Any]])
        #expect(cases.map { $0["prompt_name"] as? String } == ["Explain {{topic}} simply", "Describe {{topic}} for experts"])
        #expect((cases.first?["assertions"] as? [[String: Any]])?.first?["metric"] as? String == "relevance")
        let stricter = suite.replacingOccurrences(of: "{type: icontains, value: caching, metric: relevance}", with: "{type: equals, value: caching}")
        _ = try await CLI.run(["eval", try Self.suite(stricter), "-m", "sim:fast"], environment: env)
        let compared = try await CLI.run(["eval", "--compare", "1", "3"], environment: env)
        #expect(compared.stdout.contains("regressed  #1 topic=caching [Explain {{topic}} simply]")
                && compared.stdout.contains("regressed  #1 topic=caching [Describe {{topic}} for experts]"), "\(compared.stdout)")
    }

    @Test("without --model the suite's own providers: run, labelled; --model overrides them; a provider Genesis lacks is named")
    func suiteProviders() async throws {
        let env = try StorageCLITests.environment()
        let suite = try Self.suite("""
            prompts: ['Summarize this: {{text}}']
            providers:
              - echo
              - id: sim:fast
                label: quick
                config: {temperature: 0, max_tokens: 400}
            tests:
              - vars: {text: the quick brown fox}
                assert: [{type: equals, value: 'Summarize this: the quick brown fox'}]
            """)
        let result = try await CLI.run(["eval", suite, "--json"], environment: env)
        let json = try #require(result.json)
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == ["echo", "fast"])
        #expect(models.map { $0["label"] as? String } == [nil, "quick"])
        #expect(models.map { $0["passed"] as? Int } == [1, 0], "echo gives the prompt back; the simulated model answers it")
        #expect(result.status == 1)

        let matrix = try await CLI.run(["eval", suite], environment: env)
        #expect(matrix.stdout.split(separator: "\n")[0].contains("sim:echo") && matrix.stdout.split(separator: "\n")[0].contains("quick"))

        let overridden = try await CLI.run(["eval", suite, "-m", "sim:echo", "--json"], environment: env)
        #expect(overridden.status == 0 && (overridden.json?["models"] as? [[String: Any]])?.count == 1)

        let missing = try await CLI.run(["eval", try Self.suite("prompts: [hi]\nproviders: [deepseek:deepseek-chat]\n")], environment: env)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("provider \"deepseek:deepseek-chat\" needs a Genesis provider named \"deepseek\""), "\(missing.stderr)")
        let none = try await CLI.run(["eval", try Self.suite("prompts: [hi]\n")], environment: env)
        #expect(none.stderr.contains("or list them under providers: in the suite"), "\(none.stderr)")
    }
}
