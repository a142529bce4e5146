import Foundation
import Synchronization
import GenesisEngine
@testable import GenesisEvaluation
import Testing

/// promptfoo's model-graded assertions, with its verdict formats and scoring, graded offline by
/// the simulated provider or by scripted graders.
@Suite("Model-graded assertions")
struct GradingTests {
    static func results(_ suite: EvaluationSuite, answer: String) async throws -> [String: AssertionResult] {
        let registry = try await SuiteFixtures.registry(answering: answer)
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        let assertions = report.models[0].cases.flatMap(\.runs).flatMap(\.assertions)
        return Dictionary(assertions.map { ($0.assertion.type.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("every model-graded type passes a right answer and fails a wrong one, graded offline by the simulated provider")
    func simulatedGrading() async throws {
        let suite = try SuiteFixtures.load("grading/model-graded.yaml")
        let right = try await Self.results(suite, answer: "The capital of France is Paris.")
        for (type, result) in right.sorted(by: { $0.key < $1.key }) {
            #expect(result.passed && !result.isError, "\(type): \(result.reason)")
        }
        #expect(right.count == 8)
        #expect(right["factuality"]?.reason.hasPrefix("category C") == true, "\(right["factuality"]?.reason ?? "")")
        #expect(right["context-relevance"]?.reason.contains("2 of the context's 3 lines") == true, "\(right["context-relevance"]?.reason ?? "")")
        #expect(right["model-graded-closedqa"]?.reason.contains("simulated grader") == true)
        let wrong = try await Self.results(suite, answer: "Berlin is a lovely city on the Spree.")
        for type in ["model-graded-closedqa", "factuality", "g-eval", "context-faithfulness", "llm-rubric"] {
            #expect(wrong[type]?.passed == false && wrong[type]?.isError == false, "\(type): \(wrong[type]?.reason ?? "missing")")
        }
        #expect(wrong["factuality"]?.reason.hasPrefix("category D") == true)
    }

    @Test("a grader's config sets its grading requests (promptfoo's {id, config}); without one they are sent at temperature 0")
    func graderConfig() async throws {
        let suite = try SuiteLoader.parse("""
            prompts: [hi]
            defaultTest:
              options:
                provider: {id: judge:strict, config: {temperature: 0.3, max_tokens: 99, seed: 7}}
            tests:
              - assert:
                  - {type: llm-rubric, value: is polite}
                  - {type: model-graded-closedqa, value: is polite, provider: {id: other:plain, config: {top_p: 0.5}}}
                  - {type: model-graded-closedqa, value: is short, provider: other:bare}
            """, file: "graders.yaml")
        #expect(suite.grader == SuiteProvider(id: "judge:strict", model: "judge:strict", parameters: GenerationParameters(maxTokens: 99, temperature: 0.3, seed: 7)))
        let registry = try await SuiteFixtures.registry(answering: "Good day.")
        let sent = Mutex<[String: GenerationParameters]>([:])
        try await registry.addProvider(name: "judge", provider: ScriptProvider(name: "judge") { request, _ in
            sent.withLock { $0[request.model] = request.parameters }
            return #"{"reason": "polite", "pass": true, "score": 1}"#
        })
        try await registry.addProvider(name: "other", provider: ScriptProvider(name: "other") { request, _ in
            sent.withLock { $0[request.model] = request.parameters }
            return "It is.\nY"
        })
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        let verdicts = report.models[0].cases.flatMap(\.runs).flatMap(\.assertions)
        #expect(verdicts.count == 3 && verdicts.allSatisfy { $0.passed }, "\(verdicts.map(\.reason))")
        let parameters = sent.withLock { $0 }
        #expect(parameters["strict"]?.temperature == 0.3 && parameters["strict"]?.maxTokens == 99 && parameters["strict"]?.seed == 7)
        #expect(parameters["strict"]?.responseFormat == .json) // Genesis' own rubric asks for JSON under the grader's settings
        #expect(parameters["plain"]?.topP == 0.5 && parameters["plain"]?.temperature == 0)
        #expect(parameters["bare"]?.temperature == 0 && parameters["bare"]?.topP == nil)
        // A grader's config is checked like a provider's.
        let refused = SuiteFixtures.refusal("""
            prompts: [hi]
            tests: [{assert: [{type: llm-rubric, value: x, provider: {id: judge:strict, config: {temprature: 0}}}]}]
            """)
        #expect(refused?.description.contains("temprature") == true, "\(String(describing: refused))")
    }

    @Test("verdicts are read in promptfoo's formats", arguments: [
        ("Reasoning...\nY\nY", true), ("It fails.\nN\nN  ", false),
    ])
    func closedQAVerdict(reply: String, passes: Bool) async throws {
        let registry = try await SuiteFixtures.registry(answering: reply)
        let checker = AssertionEvaluator(registry: registry, grader: SuiteProvider("fixed:answer"))
        let result = await checker.evaluate(Assertion(type: .closedQA, value: "is kind"), on: AnswerOutput(text: "hi", latency: .zero, cost: nil))
        #expect(result.passed == passes && !result.isError, "\(result.reason)")
    }

    @Test("factuality reads a JSON category or the older (A) form; D fails, the others pass", arguments: [
        (#"{"category": "b", "reason": "adds detail"}"#, "B", "adds detail"), ("(D) They disagree on the year.", "D", "They disagree on the year."),
        (" (e) differs in wording", "E", "differs in wording"),
    ])
    func factualityVerdict(reply: String, category: String, reason: String) {
        let parsed = AssertionEvaluator.factualityCategory(reply)
        #expect(parsed?.0 == category && parsed?.1 == reason)
    }

    @Test("options.factuality scores the categories: a category scored 0 fails, others pass with their score")
    func factualityScores() async throws {
        let suite = try SuiteLoader.parse("""
            prompts: [hi]
            tests:
              - options: {provider: fixed:answer, factuality: {differButFactual: 0, superset: 0.5}}
                assert: [{type: factuality, value: expert}]
            """)
        for (reply, passes, score) in [(#"{"category": "E", "reason": "r"}"#, false, 0.0), (#"{"category": "B", "reason": "r"}"#, true, 0.5)] {
            let registry = try await SuiteFixtures.registry(answering: reply)
            let result = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"]).models[0].cases[0].runs[0].assertions[0]
            #expect(result.passed == passes && result.score == score, "\(result.reason)")
        }
        let refused = #expect(throws: SuiteError.self) {
            _ = try SuiteLoader.parse("prompts: [hi]\ntests: [{options: {factuality: {wrongish: 1}}, assert: [{type: factuality, value: x}]}]")
        }
        #expect(refused?.description.contains("options.factuality.wrongish") == true)
        let unknown = #expect(throws: SuiteError.self) { _ = try SuiteLoader.parse("prompts: [hi]\ntests: [{options: {disableVarExpansion: true}}]") }
        #expect(unknown?.description.contains("options.disableVarExpansion: not supported") == true, "\(String(describing: unknown))")
    }

    @Test("a grader that answers outside the format is an error, naming what it wrote", arguments: [
        (AssertionType.closedQA, "maybe"), (.factuality, "no idea"), (.gEval, "ten out of ten"),
    ])
    func malformed(type: AssertionType, reply: String) async throws {
        let registry = try await SuiteFixtures.registry(answering: reply)
        let result = await AssertionEvaluator(registry: registry, grader: SuiteProvider("fixed:answer"))
            .evaluate(Assertion(type: type, negated: true, value: "is kind"), on: AnswerOutput(text: "hi", latency: .zero, cost: nil))
        #expect(result.isError && !result.passed && result.reason.contains(reply), "\(result.reason)")
    }

    @Test("faithfulness counts the statements not judged Yes", arguments: [
        ("1. a\nVerdict: Yes.\nFinal verdict for each statement in order: Yes. No. Yes.", 1), ("Verdict: No. Verdict: no. Verdict: Yes.", 2),
    ])
    func faithfulnessVerdicts(reply: String, unsupported: Int) {
        #expect(AssertionEvaluator.unsupportedStatements(reply) == unsupported)
    }

    @Test("RAG checks without their variables say which one is missing")
    func missingContext() async throws {
        let registry = try await SuiteFixtures.registry(answering: "x")
        let checker = AssertionEvaluator(registry: registry, grader: SuiteProvider("fixed:answer"))
        let result = await checker.evaluate(Assertion(type: .contextRelevance), on: AnswerOutput(text: "hi", latency: .zero, cost: nil),
                                            context: AssertionContext(test: TestCase(index: 1, vars: ["query": "q"])))
        #expect(result.isError && result.reason.contains("vars.context"), "\(result.reason)")
    }

    @Test("select-best passes the output the grader picks among every model's, and fails the others")
    func selectBest() async throws {
        let suite = try SuiteFixtures.load("grading/select-best.yaml")
        let registry = try await SuiteFixtures.registry(answering: "Berlin, I think.")
        try await registry.addProvider(name: "other", provider: ScriptProvider(name: "other") { _, _ in "Paris is the capital of France." })
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer", "other:m"])
        let verdicts = report.models.map { $0.cases[0].runs[0].assertions[0] }
        #expect(verdicts.map(\.passed) == [false, true], "\(verdicts.map(\.reason))")
        #expect(report.models.map(\.passed) == [0, 1])
        let alone = await ModelEvaluator(registry: registry).run(suite, models: ["other:m"])
        #expect(alone.models[0].cases[0].runs[0].assertions[0].reason.contains("at least two outputs"))
    }

    @Test("rubricPrompt replaces the grading prompt: rendered with output, rubric and the test's variables, sent as the messages written")
    func rubricPrompt() async throws {
        let suite = try SuiteFixtures.load("grading/rubric-prompt.yaml")
        let grader = ScriptProvider(name: "grader") { request, _ in
            request.messages.count == 2 ? #"{"pass": true, "score": 0.9, "reason": "on topic"}"# : "Looks right.\nY"
        }
        let registry = try await SuiteFixtures.registry(answering: "Bees make honey.")
        try await registry.addProvider(name: "grader", provider: grader)
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        let results = report.models[0].cases[0].runs[0].assertions
        #expect(results.map(\.passed) == [true, true], "\(results.map(\.reason))")
        #expect(grader.seen.contains("Output: Bees make honey.\nRubric: is about bees\nTopic: BEES"), "\(grader.seen)")
        #expect(grader.seen.contains("Task: Tell me about bees\nAnswer: Bees make honey.\nCriterion: mentions bees\nEnd with Y or N."), "\(grader.seen)")
    }

    @Test("grading prompts that cannot be used are refused when the suite loads", arguments: [
        ("assert: [{type: contains, value: x, rubricPrompt: grade}]", "only model-graded assertions"),
        ("assert: [{type: g-eval, value: x, rubricPrompt: grade}]", "{steps: ..., evaluate: ...}"),
        ("assert: [{type: llm-rubric, value: x, rubricPrompt: file://grade.js}]", "made by code"),
        ("assert: [{type: context-recall, value: x, contextTransform: output.context}]", "contextTransform is not supported"),
        ("assert: [{type: factuality}]", "factuality needs a value"),
    ])
    func refusals(test: String, message: String) {
        let error = #expect(throws: SuiteError.self) { _ = try SuiteLoader.parse("prompts: [hi]\ntests: [{\(test)}]", file: "s.yaml", directory: "/tmp") }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("the simulated provider answers the comparison judge in its format, saying it is simulated")
    func simulatedJudge() async throws {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let registry = ModelRegistry(configuration: configuration)
        let judge = Judge(model: "sim:fast", registry: registry)
        let judgement = try await judge.judge(prompt: "What is the capital of France?",
                                              answers: [("a:x", "Berlin."), ("b:y", "The capital of France is Paris.")])
        let pair = try #require(judgement.pairs.first)
        #expect(pair.verdicts.allSatisfy { $0.winner == .b && $0.reason.hasPrefix("simulated grader") }, "\(pair.verdicts)")
    }
}
