import GenesisEngine
@testable import GenesisEvaluation
import Testing

@Suite("Assertions, with promptfoo's names and meanings")
struct AssertionTests {
    let checker = AssertionEvaluator()
    func output(_ text: String, ms: Int64 = 100, dollars: Double? = 0.001) -> AnswerOutput {
        AnswerOutput(text: text, latency: .milliseconds(ms), cost: dollars.map { Cost(dollars: $0) })
    }
    func check(_ type: AssertionType, _ value: JSONValue? = nil, threshold: Double? = nil, negated: Bool = false, on text: String,
               ms: Int64 = 100, dollars: Double? = 0.001) async -> AssertionResult {
        await checker.evaluate(Assertion(type: type, negated: negated, value: value, threshold: threshold), on: output(text, ms: ms, dollars: dollars))
    }

    struct Example: Sendable, CustomStringConvertible {
        var type: AssertionType
        var value: JSONValue
        var text: String
        var expected: Bool
        init(_ type: AssertionType, _ value: JSONValue, _ text: String, _ expected: Bool) {
            self.type = type
            self.value = value
            self.text = text
            self.expected = expected
        }
        var description: String { "\(type.rawValue) on \(text)" }
    }

    static let examples: [Example] = [
        Example(.equals, "Paris", "Paris", true), Example(.equals, "Paris", "Paris.", false),
        Example(.equals, ["a": 1], #" {"a": 1} "#, true), Example(.equals, ["a": 1], #"{"a": 2}"#, false),
        Example(.contains, "Eiffel", "The Eiffel tower", true), Example(.contains, "eiffel", "The Eiffel tower", false),
        Example(.icontains, "eiffel", "The Eiffel tower", true),
        Example(.containsAny, ["cat", "dog"], "a dog barks", true), Example(.containsAny, ["cat", "dog"], "a bird", false),
        Example(.containsAll, ["cat", "dog"], "cat and dog", true), Example(.containsAll, ["cat", "dog"], "cat only", false),
        Example(.icontainsAny, ["CAT"], "a cat", true), Example(.icontainsAll, ["CAT", "Dog"], "cat dog", true),
        // A string value is a comma-separated list, as in promptfoo.
        Example(.containsAny, "cat, dog", "a dog barks", true), Example(.containsAll, "cat, dog", "cat only", false),
        Example(.containsAll, "cat,dog", "dog and cat", true), Example(.icontainsAny, "CAT , Bird", "no dogs", false),
        Example(.regex, #"\d{4}-\d{2}"#, "in 2024-05", true), Example(.regex, #"^\d+$"#, "12a", false),
        Example(.startsWith, "Yes", "Yes, indeed", true), Example(.startsWith, "Yes", " Yes", false),
    ]

    @Test("text assertions pass and fail as promptfoo's do", arguments: examples)
    func textAssertions(example: Example) async {
        let result = await check(example.type, example.value, on: example.text)
        #expect(result.passed == example.expected, "\(example): \(result.reason)")
        #expect(result.score == (example.expected ? 1 : 0))
    }

    @Test("not- inverts the verdict and the score")
    func negation() async {
        let result = await check(.contains, "sorry", negated: true, on: "Here is the answer")
        #expect(result.passed && result.score == 1 && result.assertion.name == "not-contains")
        #expect(await check(.icontains, "SORRY", negated: true, on: "sorry, no").passed == false)
    }

    @Test("not- inverts every text assertion", arguments: examples)
    func negationOfEveryTextType(example: Example) async {
        let result = await check(example.type, example.value, negated: true, on: example.text)
        #expect(result.passed == !example.expected, "not-\(example): \(result.reason)")
        #expect(result.score == (example.expected ? 0 : 1))
        #expect(!result.isError)
    }

    @Test("not- inverts figures, JSON and similarity too")
    func negationOfOtherTypes() async {
        #expect(await check(.latency, threshold: 500, negated: true, on: "x", ms: 501).passed)
        #expect(await check(.cost, threshold: 0.001, negated: true, on: "x", dollars: 0.0015).passed)
        #expect(await check(.isJSON, negated: true, on: "plain words").passed)
        #expect(await check(.containsJSON, negated: true, on: #"see {"a": 1}"#).passed == false)
        #expect(await check(.levenshtein, "kitten", threshold: 2, negated: true, on: "sitting").passed)
        let similar = await check(.similar, "Bananas are yellow", threshold: 0.6, negated: true, on: "The capital of France is Paris")
        #expect(similar.passed && similar.score == 1)
    }

    @Test("an assertion that cannot be checked fails, and not- does not turn it into a pass")
    func errorsAreNotNegated() async {
        let cases: [(AssertionType, JSONValue?, Double?, String, Double?)] = [
            (.cost, nil, 1, "x", nil),                                 // no price for the model
            (.isJSON, "file://schema.json", nil, #"{"a": 1}"#, 0.001),  // a schema that is not JSON
            (.containsJSON, "not a schema", nil, #"see {"a": 1}"#, 0.001),
            (.regex, "([a-z", nil, "abc", 0.001),                       // a pattern that does not compile
            (.llmRubric, "is polite", nil, "Thanks!", 0.001),           // no grader configured
        ]
        for (type, value, threshold, text, dollars) in cases {
            for negated in [false, true] {
                let result = await check(type, value, threshold: threshold, negated: negated, on: text, dollars: dollars)
                #expect(!result.passed && result.score == 0 && result.isError, "\(negated ? "not-" : "")\(type.rawValue): \(result.reason)")
                #expect(!result.reason.hasPrefix("as required"))
            }
        }
    }

    @Test("is-json and contains-json, with and without a schema")
    func json() async {
        let schema: JSONValue = ["type": "object", "required": ["name", "age"],
                                 "properties": ["name": ["type": "string", "minLength": 1], "age": ["type": "integer", "minimum": 0]],
                                 "additionalProperties": false]
        #expect(await check(.isJSON, on: #"{"a": [1, 2]}"#).passed)
        #expect(await check(.isJSON, on: "Sure! {\"a\": 1}").passed == false)
        #expect(await check(.isJSON, schema, on: #"{"name": "Ada", "age": 36}"#).passed)
        let wrong = await check(.isJSON, schema, on: #"{"name": "Ada", "age": 36.5}"#)
        #expect(!wrong.passed && wrong.reason.contains("$.age: expected integer, got number"))
        let extra = await check(.isJSON, schema, on: #"{"name": "Ada", "age": 3, "x": 1}"#)
        #expect(!extra.passed && extra.reason.contains("unexpected property \"x\""))
        #expect(await check(.containsJSON, schema, on: "Here you go:\n```json\n{\"name\": \"Bo\", \"age\": 4}\n```\nThanks").passed)
        #expect(await check(.containsJSON, on: "no json {here").passed == false)
        #expect(await check(.containsJSON, ["type": "array", "minItems": 2], on: "first {\"a\":1} then [1, \"}\", 3]").passed)
        // A schema as JSON text works; text that is not JSON fails the check instead of accepting anything.
        #expect(await check(.isJSON, #"{"type": "array"}"#, on: #"{"a": 1}"#).passed == false)
        let unreadable = await check(.isJSON, "file://schema.json", on: #"{"a": 1}"#)
        #expect(!unreadable.passed && unreadable.reason.contains("not a JSON schema"))
    }

    @Test("latency and cost compare with the threshold; an unknown cost fails")
    func figures() async {
        #expect(await check(.latency, threshold: 500, on: "x", ms: 499).passed)
        #expect(await check(.latency, threshold: 500, on: "x", ms: 501).passed == false)
        #expect(await check(.cost, threshold: 0.002, on: "x", dollars: 0.0015).passed)
        #expect(await check(.cost, threshold: 0.001, on: "x", dollars: 0.0015).passed == false)
        let unknown = await check(.cost, threshold: 1, on: "x", dollars: nil)
        #expect(!unknown.passed && unknown.reason.contains("unknown"))
    }

    @Test("levenshtein counts edits against the threshold (default 5); similar scores by text similarity")
    func similarity() async {
        #expect(TextSimilarity.levenshtein("kitten", "sitting") == 3)
        #expect(await check(.levenshtein, "kitten", threshold: 3, on: "sitting").passed)
        #expect(await check(.levenshtein, "kitten", threshold: 2, on: "sitting").passed == false)
        #expect(await check(.levenshtein, "hello world", on: "hello wrld!").passed) // 2 edits <= 5
        #expect(TextSimilarity.cosine("The cat sat on the mat", "the cat sat on the mat") == 1)
        #expect(TextSimilarity.cosine("alpha beta", "gamma delta") == 0)
        let close = await check(.similar, "The capital of France is Paris", threshold: 0.6, on: "Paris is the capital of France")
        #expect(close.passed && close.score > 0.6 && close.score < 1)
        #expect(await check(.similar, "The capital of France is Paris", threshold: 0.6, on: "Bananas are yellow").passed == false)
    }

    @Test("a weighted score passes at the threshold; without one every assertion must pass")
    func weighting() {
        func result(_ passed: Bool, weight: Double, score: Double? = nil) -> AssertionResult {
            AssertionResult(assertion: Assertion(type: .contains, weight: weight), passed: passed, score: score ?? (passed ? 1 : 0), reason: "")
        }
        let mixed = [result(true, weight: 3), result(false, weight: 1)]
        #expect(ModelEvaluator.verdict(mixed, threshold: 0.75) == (true, 0.75))
        #expect(ModelEvaluator.verdict(mixed, threshold: 0.8) == (false, 0.75))
        #expect(ModelEvaluator.verdict(mixed, threshold: nil) == (false, 0.75))
        #expect(ModelEvaluator.verdict([result(true, weight: 1), result(true, weight: 0)], threshold: nil) == (true, 1))
        #expect(ModelEvaluator.verdict([result(true, weight: 1, score: 0.9), result(true, weight: 1, score: 0.5)], threshold: nil) == (true, 0.7))
    }

    @Test("an assertion of weight 0 is a metric only: it keeps its score and reason but never fails the case, as in promptfoo")
    func weightZeroPasses() async {
        var informational = Assertion(type: .contains, value: "absent")
        informational.weight = 0
        let result = await AssertionEvaluator().evaluate(informational, on: AnswerOutput(text: "present", latency: .zero, cost: nil))
        #expect(result.passed && result.score == 0)
        #expect(result.reason.hasPrefix("weight 0, so it passes"))
        var counted = informational
        counted.weight = 1
        #expect(await AssertionEvaluator().evaluate(counted, on: AnswerOutput(text: "present", latency: .zero, cost: nil)).passed == false)
    }

    @Test("the grader's verdict is parsed strictly")
    func verdictParsing() {
        #expect(AssertionEvaluator.parseVerdict(#"{"pass": true, "score": 0.9, "reason": "polite"}"#)! == (true, 0.9, "polite"))
        #expect(AssertionEvaluator.parseVerdict(#"{"pass": false}"#)! == (false, 0, "fail"))
        #expect(AssertionEvaluator.parseVerdict(#"Sure: {"pass": true}"#) == nil)
        #expect(AssertionEvaluator.parseVerdict(#"{"pass": "yes"}"#) == nil)
        #expect(AssertionEvaluator.parseVerdict(#"{"pass": true, "score": 7}"#) == nil)
    }

    @Test("a regex check that backtracks exponentially on the output is an error, not a hang", .timeLimit(.minutes(1)))
    func catastrophicRegex() async {
        let result = await check(.regex, "(A+)+B", on: String(repeating: "A", count: 40) + "C")
        #expect(!result.passed && result.isError && result.reason.contains("and gave up"), "\(result.reason)")
    }
}
