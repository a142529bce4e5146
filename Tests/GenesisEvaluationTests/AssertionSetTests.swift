import GenesisEngine
@testable import GenesisEvaluation
import Testing

/// promptfoo's `assert-set`, from its documentation's examples ("Assert-Set", "Grouping
/// assertions via Assertion Sets").
@Suite("assert-set")
struct AssertionSetTests {
    func results(_ yaml: String, answer: String, ms: Int = 100) async throws -> [AssertionResult] {
        let suite = try SuiteLoader.parse("prompts: [hi]\ntests:\n  - assert:\n" + yaml)
        let output = AnswerOutput(text: answer, latency: .milliseconds(ms), cost: Cost(dollars: 0.0005))
        var out: [AssertionResult] = []
        for assertion in suite.tests[0].assertions { out.append(await AssertionEvaluator().evaluate(assertion, on: output)) }
        return out
    }

    static let cheapAndFast = """
              - type: assert-set
                assert:
                  - {type: cost, threshold: 0.001}
                  - {type: latency, threshold: 200}
        """

    @Test("without a threshold every assertion in the set must pass (cheap and fast)")
    func all() async throws {
        #expect(try await results(Self.cheapAndFast, answer: "hi", ms: 100)[0].passed)
        let slow = try await results(Self.cheapAndFast, answer: "hi", ms: 900)[0]
        #expect(!slow.passed && slow.score == 0.5)
        #expect(slow.reason.contains("1 of 2 passed") && slow.reason.contains("latency"))
    }

    @Test("with a threshold the weighted score decides (cheap or fast)")
    func threshold() async throws {
        let yaml = Self.cheapAndFast.replacingOccurrences(of: "- type: assert-set\n", with: "- type: assert-set\n        threshold: 0.5\n")
        let slow = try await results(yaml, answer: "hi", ms: 900)[0]
        #expect(slow.passed && slow.score == 0.5)
    }

    @Test("a set weighs in its test as one assertion, its metric and those inside it are counted")
    func weightAndMetrics() async throws {
        let yaml = """
                      - type: assert-set
                        threshold: 0.25
                        weight: 2
                        metric: quality_checks
                        assert:
                          - {type: contains, value: key phrase, metric: phrase}
                          - {type: similar, value: expected output}
                      - {type: contains, value: missing}
            """
        let suite = try SuiteLoader.parse("prompts: [hi]\ntests:\n  - assert:\n" + yaml)
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "fixed", provider: ScriptProvider(name: "fixed") { _, _ in "the key phrase" })
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        let run = try #require(report.models[0].cases[0].runs.first)
        #expect(run.assertions.map(\.passed) == [true, false])
        #expect(abs(run.score - 2 * run.assertions[0].score / 3) < 1e-9, "the set's weight is 2, the other assertion's 1 and failing")
        #expect(report.models[0].metrics.map(\.name) == ["phrase", "quality_checks"])
        #expect(run.assertions[0].children.count == 2)
    }

    @Test("an assert-set's config is each assertion's, under the assertion's own")
    func config() throws {
        let suite = try SuiteLoader.parse("""
            prompts: [hi]
            tests:
              - assert:
                  - type: assert-set
                    config: {strict: true, language: en}
                    assert:
                      - {type: contains, value: hi, config: {language: fr}}
            """)
        #expect(suite.tests[0].assertions[0].children[0].config == ["strict": true, "language": "fr"])
    }

    @Test("what an assert-set cannot be is named", arguments: [
        ("      - type: not-assert-set\n        assert: [{type: contains, value: a}]\n", "assert[0].type", "cannot be negated"),
        ("      - type: assert-set\n", "assert[0].assert", "needs a list of assertions"),
        ("      - type: assert-set\n        value: x\n        assert: [{type: contains, value: a}]\n", "assert[0].value", "unknown field"),
        ("      - type: assert-set\n        assert: [{type: containz, value: a}]\n", "assert[0].assert[0].type", "did you mean \"contains\""),
    ])
    func refusals(yaml: String, field: String, message: String) {
        let error = SuiteFixtures.refusal("prompts: [hi]\ntests:\n  - assert:\n" + yaml)
        #expect(error?.field == field && error?.message.contains(message) == true, "\(String(describing: error))")
    }
}
