import Clocks
import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Synchronization
import Testing

@Suite("promptfoo suites")
struct SuiteTests {
    static let suite = """
        description: Capitals
        prompts:
          - "What is the capital of {{country}}? Answer in one word."
          - raw: "Name the capital city of {{country}}."
            label: formal
        defaultTest:
          vars:
            country: France
          assert:
            - type: not-icontains
              value: "as an AI"
        tests:
          - description: France
            assert:
              - type: icontains
                value: paris
                weight: 2
              - type: latency
                threshold: 60000
          - vars:
              country: [Japan, Peru]
            threshold: 0.5
            assert:
              - type: contains-any
                value: [Tokyo, Lima]
        """

    @Test("prompts, defaultTest and array variables become cases, in order")
    func parsing() throws {
        let suite = try SuiteLoader.parse(Self.suite)
        #expect(suite.description == "Capitals")
        #expect(suite.prompts.map(\.label) == ["prompt 1", "formal"])
        #expect(suite.tests.count == 3)
        #expect(suite.tests.map { $0.vars["country"] } == ["France", "Japan", "Peru"])
        #expect(suite.tests[0].assertions.map(\.name) == ["not-icontains", "icontains", "latency"])
        #expect(suite.tests[0].assertions[1].weight == 2)
        #expect(suite.tests[2].threshold == 0.5 && suite.tests[2].name == "#3 country=Peru")
        #expect(suite.cases.count == 6)
        #expect(try suite.prompts[1].render(suite.tests[1].vars) == "Name the capital city of Japan.")
    }

    @Test("tests can live in their own file, and a JSON suite reads the same")
    func files() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("suite-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try #"[{"vars": {"q": "2+2"}, "assert": [{"type": "contains", "value": "4"}]}]"#.write(to: directory.appendingPathComponent("tests.json"), atomically: true, encoding: .utf8)
        try #"{"prompts": ["Compute {{q}}"], "tests": "file://tests.json"}"#.write(to: directory.appendingPathComponent("suite.json"), atomically: true, encoding: .utf8)
        let suite = try SuiteLoader.load(file: directory.appendingPathComponent("suite.json").path)
        #expect(suite.tests.count == 1 && suite.tests[0].assertions[0].type == .contains)

        // A mistake in the tests file names that file, not the suite that points at it.
        let broken = directory.appendingPathComponent("broken.yaml")
        try "- vars: {q: x}\n  assert: [{type: containz, value: y}]\n".write(to: broken, atomically: true, encoding: .utf8)
        let error = #expect(throws: SuiteError.self) { _ = try SuiteLoader.parse("prompts: [\"{{q}}\"]\ntests: file://broken.yaml", file: "suite.yaml",
                                                                                   directory: directory.path) }
        #expect(error?.description.hasPrefix(broken.path) == true && error?.description.contains("assert[0].type") == true, "\(String(describing: error))")
        let unset = directory.appendingPathComponent("unset.yaml")
        try "- vars: {other: x}\n".write(to: unset, atomically: true, encoding: .utf8)
        let unsetError = #expect(throws: SuiteError.self) { _ = try SuiteLoader.parse("prompts: [\"{{q}}\"]\ntests: [\"file://unset.yaml\"]",
                                                                                        file: "suite.yaml", directory: directory.path) }
        #expect(unsetError?.description.hasPrefix(unset.path) == true, "\(String(describing: unsetError))")
    }

    @Test("a number or boolean value is compared as text, as promptfoo does; equals keeps it as JSON")
    func scalarValues() throws {
        let suite = try SuiteLoader.parse("""
            prompts: ["{{q}}"]
            tests:
              - vars: {q: x}
                assert:
                  - {type: contains, value: 42}
                  - {type: starts-with, value: true}
                  - {type: contains-any, value: [1, two]}
                  - {type: equals, value: 4}
            """)
        #expect(suite.tests[0].assertions.map(\.value) == [.string("42"), .string("true"), .array([.string("1"), .string("two")]), .number(4)])
    }

    @Test("a test's options.provider grades its llm-rubric checks; a test's own provider answers it, and grades nothing")
    func testGraders() throws {
        let suite = try SuiteLoader.parse("""
            prompts: ["{{q}}"]
            defaultTest:
              assert: [{type: llm-rubric, value: is kind}]
              options: {provider: "openai:gpt-4o"}
            tests:
              - vars: {q: a}
                options: {provider: "anthropic:claude-sonnet-4-5"}
                assert: [{type: llm-rubric, value: is brief}, {type: llm-rubric, value: is exact, provider: "sim:deep"}]
              - vars: {q: b}
            """)
        #expect(suite.grader?.model == "openai:gpt-4o")
        #expect(suite.tests[0].assertions.map(\.provider?.model) == ["anthropic:claude-sonnet-4-5", "anthropic:claude-sonnet-4-5", "sim:deep"])
        #expect(suite.tests[1].assertions.map(\.provider) == [nil]) // the suite's grader applies when it runs
        let own = try SuiteLoader.parse("prompts: [\"{{q}}\"]\ntests:\n  - vars: {q: a}\n    provider: openai:gpt-4o\n", file: "s.yaml")
        #expect(own.tests[0].provider?.model == "openai:gpt-4o" && own.tests[0].assertions.isEmpty,
                "a test's own provider answers it (SuiteProviderTests); it grades nothing")
    }

    @Test("mistakes name the file, the test and the field", arguments: [
        ("prompts: [\"hi\"]\ntests:\n  - assert:\n      - type: containz\n        value: x", "test #1, assert[0].type", "did you mean \"contains\""),
        ("prompts: [\"hi {{name}}\"]\ntests:\n  - description: greets\n    vars: {other: 1}", "test #1 greets, vars.name", "does not set"),
        ("prompts: [\"hi\"]\ntests:\n  - assert:\n      - type: latency", "assert[0].threshold", "milliseconds"),
        ("prompts: [\"hi\"]\ntests:\n  - asert: []", "test #1, asert", "unknown field"),
        ("prompt: [\"hi\"]", "prompt", "unknown key"),
        ("tests: []", "prompts", "missing"),
        ("prompts: [\"hi\"]\ntests:\n  - assert:\n      - type: regex\n        value: \"(\"", "assert[0].value", "not a valid regular expression"),
        ("prompts: [\n", "file", "YAML syntax error"),
    ])
    func errors(text: String, place: String, message: String) {
        let error = #expect(throws: SuiteError.self) { _ = try SuiteLoader.parse(text, file: "evals/suite.yaml") }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("evals/suite.yaml"), "\(description)")
        #expect(description.contains(place) && description.contains(message), "\(description)")
    }
}

/// Answers by script: the grader's verdicts, or a model whose answers alternate.
final class ScriptProvider: Provider {
    let name: String
    let answer: @Sendable (ProviderRequest, Int) -> String
    private let count = Mutex(0)
    private let prompts = Mutex<[String]>([])
    var seen: [String] { prompts.withLock { $0 } }

    init(name: String, answer: @escaping @Sendable (ProviderRequest, Int) -> String) {
        self.name = name
        self.answer = answer
    }

    func listModels() async throws -> [ModelInfo] { [] }
    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        let n = count.withLock { $0 += 1; return $0 }
        prompts.withLock { $0.append(request.messages.last?.text ?? "") }
        let text = answer(request, n)
        return ProviderStream { c in
            c.yield(.text(text))
            c.yield(.usage(Usage(inputTokens: 10, outputTokens: 10)))
            c.yield(.finish(.stop))
            c.finish()
        }
    }
}

@Suite("ModelEvaluator")
struct EvaluatorTests {
    func registry() -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        return ModelRegistry(configuration: configuration)
    }

    @Test("a suite runs on several simulated models: a matrix of cases x models with scores, latency and cost")
    func matrixOnSim() async throws {
        let suite = try SuiteLoader.parse("""
            prompts: ["Explain {{topic}} briefly"]
            tests:
              - vars: {topic: caching}
                assert:
                  - {type: icontains, value: caching}
                  - {type: not-contains, value: "I cannot"}
              - vars: {topic: sharding}
                assert:
                  - {type: equals, value: "sharding"}
              - vars: {topic: queues}
                assert:
                  - {type: cost, threshold: 0.01}
                  - {type: latency, threshold: 60000}
            """)
        let models: [ModelID] = ["sim:fast", "sim:deep"]
        let progress = Mutex<[Int]>([])
        let report = await ModelEvaluator(registry: registry()).run(suite, models: models) { done, total in
            progress.withLock { $0.append(done); _ = total }
        }
        #expect(report.models.map(\.model) == models)
        #expect(progress.withLock { $0 } == Array(1...6))
        for model in report.models {
            #expect(model.cases.map(\.passed) == [true, false, true])
            #expect(model.passed == 2 && model.failed == 1)
            #expect(abs(model.score - 2.0 / 3.0) < 1e-9)
            #expect(model.costDollars == 0 && model.unpricedCases == 0)
            #expect(model.versions == ["\(model.model.model)-sim-1"])
        }
        #expect(report.models[0].cases[1].runs[0].assertions[0].reason.hasPrefix("expected \"sharding\""))
    }

    @Test("evaluateModel scores one model on test cases, as the seed's evaluate_model does")
    func evaluateModel() async throws {
        let cases = [TestCase(index: 1, vars: ["prompt": "Tell me about tea"], assertions: [Assertion(type: .icontains, value: "tea")])]
        let report = await ModelEvaluator(registry: registry()).evaluateModel(provider: "sim", model: "balanced", testCases: cases)
        #expect(report.passed == 1 && report.score == 1)
    }

    @Test("llm-rubric asks the grader twice, rubric and output in both orders, and needs both to pass")
    func rubric() async throws {
        let grader = ScriptProvider(name: "grader") { request, n in
            let prompt = request.messages.last?.text ?? ""
            // Position bias: this grader passes whatever comes first when it is the output.
            return prompt.hasPrefix("<Output>") ? #"{"pass": true, "score": 1, "reason": "looks polite"}"# : #"{"pass": false, "score": 0.2, "reason": "rude"}"#
        }
        let registry = registry()
        try await registry.addProvider(name: "grader", provider: grader)
        let checker = AssertionEvaluator(registry: registry, grader: SuiteProvider("grader:judge"))
        let result = await checker.evaluate(Assertion(type: .llmRubric, value: "is polite"), on: AnswerOutput(text: "Go away", latency: .zero, cost: nil))
        #expect(!result.passed && abs(result.score - 0.6) < 1e-9)
        #expect(result.reason.contains("disagreed"))
        #expect(grader.seen.count == 2 && grader.seen[0].hasPrefix("<Output>") && grader.seen[1].hasPrefix("<Rubric>"))

        let unparsable = ScriptProvider(name: "chatty") { _, _ in "I think it passes." }
        try await registry.addProvider(name: "chatty", provider: unparsable)
        let bad = await AssertionEvaluator(registry: registry, grader: SuiteProvider("chatty:x"))
            .evaluate(Assertion(type: .llmRubric, value: "is polite"), on: AnswerOutput(text: "Hello", latency: .zero, cost: nil))
        #expect(!bad.passed && bad.reason.contains("did not answer with") && bad.isError)
        // A grader that cannot grade is an error, which not-llm-rubric does not turn into a pass.
        let notBad = await AssertionEvaluator(registry: registry, grader: SuiteProvider("chatty:x"))
            .evaluate(Assertion(type: .llmRubric, negated: true, value: "is polite"), on: AnswerOutput(text: "Hello", latency: .zero, cost: nil))
        #expect(!notBad.passed && notBad.isError)
        let notRude = await checker.evaluate(Assertion(type: .llmRubric, negated: true, value: "is polite"), on: AnswerOutput(text: "Go away", latency: .zero, cost: nil))
        #expect(notRude.passed && !notRude.isError)
        let none = await AssertionEvaluator().evaluate(Assertion(type: .llmRubric, value: "x"), on: AnswerOutput(text: "", latency: .zero, cost: nil))
        #expect(!none.passed && none.reason.contains("--grader"))
    }

    @Test("latency is the model's time: waiting for our own rate limiter does not count against it")
    func latencyLeavesOutTheQueue() async throws {
        let clock = TestClock<Duration>()
        let registry = ModelRegistry(clock: AnyClock(clock))
        try await registry.addProvider(name: "one", provider: ScriptProvider(name: "one") { _, _ in "ok" }, requestsPerMinute: 1)
        let suite = EvaluationSuite(prompts: [PromptTemplate(label: "p", template: "{{q}}")], tests: [
            TestCase(index: 1, vars: ["q": "first"], assertions: [Assertion(type: .latency, threshold: 1000)]),
            TestCase(index: 2, vars: ["q": "second"], assertions: [Assertion(type: .latency, threshold: 1000)]),
        ])
        let run = Task { await ModelEvaluator(registry: registry, concurrency: 2).run(suite, models: ["one:m"]) }
        // One request a minute: the second waits in the limiter until the clock moves a minute on.
        // The clock moves only once the first has finished, so that only the wait is in between.
        while true {
            let metrics = await registry.providerMetrics("one")
            if metrics.rateLimit.waiting == 1, metrics.requests >= 1 { break }
            await Task.yield()
        }
        await clock.advance(by: .seconds(61))
        let report = await run.value
        let cases = report.models[0].cases
        #expect(cases.allSatisfy { $0.passed }, "\(cases.map { $0.runs.first?.assertions.first?.reason ?? "" })")
        #expect(try #require(cases.map(\.latency).max()) < .seconds(1))
    }

    @Test("--repeat gives each case a pass rate and flags the unstable ones")
    func repeats() async throws {
        let flaky = ScriptProvider(name: "coin") { _, n in n % 2 == 0 ? "yes" : "no" }
        let registry = registry()
        try await registry.addProvider(name: "coin", provider: flaky)
        let suite = EvaluationSuite(prompts: [PromptTemplate(label: "p", template: "{{q}}")], tests: [
            TestCase(index: 1, vars: ["q": "flip"], assertions: [Assertion(type: .equals, value: "yes")]),
            TestCase(index: 2, vars: ["q": "steady"], assertions: [Assertion(type: .regex, value: "^(yes|no)$")]),
        ])
        let report = await ModelEvaluator(registry: registry, concurrency: 1).run(suite, models: ["coin:m"], repeats: 4)
        let cases = report.models[0].cases
        #expect(cases[0].runs.count == 4 && cases[0].passRate == 0.5 && cases[0].isUnstable && !cases[0].passed)
        #expect(cases[1].passRate == 1 && !cases[1].isUnstable && cases[1].passed)
        #expect(report.models[0].unstable == 1)
    }

    @Test("a failed request fails its case with the error")
    func failures() async throws {
        let suite = EvaluationSuite(prompts: [PromptTemplate(label: "p", template: "hi")], tests: [TestCase(index: 1)])
        let report = await ModelEvaluator(registry: registry()).run(suite, models: ["sim:nonexistent"])
        let run = report.models[0].cases[0].runs[0]
        #expect(!run.passed && run.error?.contains("model") == true)
    }
}
