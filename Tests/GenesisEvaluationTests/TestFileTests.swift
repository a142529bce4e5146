import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Testing

/// Tests as promptfoo's documentation gives them: CSV with its special columns, globs of test
/// files, and `file://` values.
@Suite("Test files")
struct TestFileTests {
    @Test("each CSV row is a test: columns are vars, and the special columns set assertions, description, threshold, metadata, prefix and suffix")
    func csvRows() throws {
        let suite = try SuiteFixtures.load("tests/csv.yaml")
        let tests = suite.tests
        #expect(tests.map(\.description) == ["French capital", "Japanese capital", "exact answer", nil])
        #expect(tests.map { $0.vars["country"] } == ["France", "Japan", "Peru", "Chile"])
        #expect(tests.allSatisfy { $0.vars.keys.sorted() == ["country"] })
        #expect(tests[0].assertions.map(\.name) == ["contains", "icontains-any"])
        #expect(tests[0].assertions.map(\.value) == [.string("Paris"), .array(["paris", "lyon"])])
        #expect(tests[0].metadata == ["region": "Europe", "tags": ["geo", "easy"]])
        #expect(tests[1].assertions.map(\.name) == ["javascript", "not-contains"] && tests[1].threshold == 0.5)
        #expect(tests[1].metadata["tags"] == ["geo", "hard,really"])
        #expect(tests[1].assertions.allSatisfy { $0.metric == "accuracy" } && tests[0].assertions.allSatisfy { $0.metric == nil })
        #expect(try EvaluationCase(prompt: suite.prompts[0], test: tests[1]).template.render(tests[1].vars)
                == "Answer briefly. What is the capital of Japan?(one word)")
        #expect(tests[2].assertions.map(\.name) == ["equals"] && tests[2].assertions[0].value == "Lima")
        #expect(tests[3].assertions.map(\.name) == ["similar", "levenshtein"])
        #expect(tests[3].assertions.map(\.threshold) == [0.6, 5]) // __config:__expected2:threshold
    }

    @Test("the CSV suite passes on right answers and fails on wrong ones")
    func csvRuns() async throws {
        let suite = try SuiteFixtures.load("tests/csv.yaml")
        let answers = ["France": "Paris", "Japan": "Tokyo", "Peru": "Lima", "Chile": "Santiago"]
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "right", provider: ScriptProvider(name: "right") { request, _ in
            let prompt = request.messages.last?.text ?? ""
            return answers.first { prompt.contains($0.key) }?.value ?? "?"
        })
        try await registry.addProvider(name: "wrong", provider: ScriptProvider(name: "wrong") { _, _ in "Osaka" })
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["right:m", "wrong:m"])
        #expect(report.models[0].cases.prefix(3).map(\.passed) == [true, true, true])
        #expect(report.models[1].cases.map(\.passed) == [false, false, false, false])
    }

    @Test("promptfoo's __expected shorthand", arguments: [
        ("contains: Hello", #"{"type":"contains","value":"Hello"}"#),
        ("equals: 30", #"{"type":"equals","value":"30"}"#),
        ("Bonjour le monde", #"{"type":"equals","value":"Bonjour le monde"}"#),
        ("Paris: the capital", #"{"type":"equals","value":"Paris: the capital"}"#),
        ("fn:output.includes('Au revoir');", #"{"type":"javascript","value":"output.includes('Au revoir');"}"#),
        ("javascript: output.length < 10", #"{"type":"javascript","value":"output.length < 10"}"#),
        ("python: file://check.py", #"{"type":"python","value":"file://check.py"}"#),
        ("file://checks/len.js", #"{"type":"javascript","value":"file://checks/len.js"}"#),
        ("grade:doesn't mention fruit", #"{"type":"llm-rubric","value":"doesn't mention fruit"}"#),
        ("llm-rubric: Provides weather information", #"{"type":"llm-rubric","value":"Provides weather information"}"#),
        ("contains-any: <b>,</span>", #"{"type":"contains-any","value":["<b>","</span>"]}"#),
        ("not-icontains: error", #"{"type":"not-icontains","value":"error"}"#),
        ("is-json", #"{"type":"is-json"}"#),
        ("similar(0.7):hello world", #"{"threshold":0.7,"type":"similar","value":"hello world"}"#),
        ("similar:hello world", #"{"threshold":0.8,"type":"similar","value":"hello world"}"#),
        ("rouge-n(0.5):some text", #"{"threshold":0.5,"type":"rouge-n","value":"some text"}"#),
    ])
    func shorthand(text: String, json: String) {
        #expect(JSONValue.object(SuiteLoader.expectedAssertion(text)) == JSONValue.parse(json))
    }

    @Test("globs of YAML and JSON test files, JSONL and inline tests make one list, in order")
    func globs() throws {
        let suite = try SuiteFixtures.load("tests/globs.yaml")
        #expect(suite.tests.map { $0.vars["word"] } == ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "inline"])
        #expect(suite.tests[2].description == "a single test in a file" && suite.tests[5].description == "from JSONL")
        #expect(suite.tests[3].assertions.map(\.name) == ["contains"])
    }

    @Test("file:// vars: a text file is its content, JSON and YAML are parsed for code, a glob is one test per file, vars may be a file")
    func fileVars() async throws {
        let suite = try SuiteFixtures.load("tests/vars.yaml")
        #expect(suite.tests.count == 3)
        let first = suite.tests[0]
        #expect(first.vars["reader"] == "a child")
        #expect(first.vars["article"] == "Bees dance to tell each other where flowers are.\n")
        #expect(first.typedVars["profile"] == ["name": "Ada", "languages": ["en", "fr"]])
        #expect(JSONValue.parse(first.vars["profile"] ?? "") == first.typedVars["profile"]) // a prompt gets it as JSON text
        #expect(first.assertions[1].value == "Bees")
        #expect(suite.tests[1...].map { $0.vars["article"] } == ["First input.\n", "Second input.\n"])
        let verdicts = try await SuiteFixtures.verdicts(suite, answer: "Bees dance.")
        #expect(verdicts["text and parsed files"] == true, "\(verdicts)")
    }

    @Test("what Genesis cannot read as tests is refused by name", arguments: [
        ("tests: file://generate_tests.py:create_tests", "test generators (file://generate_tests.py:create_tests) are not supported"),
        ("tests: [{path: file://gen.js, config: {n: 3}}]", "test generators ({path: file://..., config}) are not supported"),
        ("tests: huggingface://datasets/cais/mmlu", "Hugging Face datasets"),
        ("tests: https://docs.google.com/spreadsheets/d/abc/edit", "Google Sheets"),
        ("tests: file://files/none/*.csv", "matches no file"),
        ("tests: file://files/more", "is a directory"),
        ("tests: [{vars: {context: file://fetch.py}}]", "values made by code (file://"),
        ("tests: [{vars: {paper: file://paper.pdf}}]", "text from PDF files"),
        ("tests: [{vars: {x: file://vars/inputs/*.md}}]", "matches no file"),
        ("tests: [{options: {postprocess: output.trim()}}]", "old name for options.transform"),
        ("tests: [{options: {storeOutputAs: answer}}]", "options.storeOutputAs"),
        ("tests: [{assert: [{type: contains, value: file://vars/missing.txt}]}]", "cannot read"),
        ("derivedMetrics: [{name: ratio, value: a / b}]\ntests: [{}]", "it uses a, which is not a metric"),
        ("extensions: [file://hooks.js:beforeAll]\ntests: [{}]", "extension hooks"),
        ("tests: [{providers: [fast-model]}]", "a test's providers filter"),
        ("tests: [{assert: [{type: is-valid-openai-tools-call}]}]", "promptfoo's is-valid-openai-tools-call assertion is not supported: answers here are text"),
        ("tests: [{assert: [{type: not-rouge-n, value: x}]}]", "promptfoo's rouge-n assertion is not supported"),
        ("scenarios: [{config: [{vars: {a: 1}}], cases: [{}]}]\ntests: [{}]", "scenarios[0].cases: unknown field; a scenario has config, tests and description"),
        ("scenarios: [{tests: [{}]}]", "scenarios[0].config: must be a list of partial tests"),
        ("tests: [{assert: [{$ref: '#/assertionTemplates/missing'}]}]\nassertionTemplates: {polite: {type: contains, value: please}}",
         "tests[0].assert[0].$ref: \"#/assertionTemplates/missing\" names nothing in the suite: there is no \"missing\""),
        ("tests: [{assert: [{$ref: 'shared.yaml#/polite'}]}]", "only references within the suite (#/...) are resolved"),
        ("a: {$ref: '#/b'}\nb: {$ref: '#/a'}\ntests: [{}]", "refers back to itself (#/b → #/a → #/b)"),
    ])
    func refusals(suite: String, message: String) {
        let error = #expect(throws: SuiteError.self) {
            _ = try SuiteLoader.parse((suite.contains("prompts:") ? "" : "prompts: [hi]\n") + suite, file: "s.yaml", directory: SuiteFixtures.path("tests"))
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("a CSV cell that cannot be read names the CSV file, its line and the column", arguments: [
        ("q,__threshold\nx,high\n", "line 2", "__threshold", "is not a number"),
        ("q,__providerOutput\nx,canned\n", "line 2", "__providerOutput", "is not supported"),
        ("q,__metadata\nx,y\n", "line 2", "__metadata", "needs a key"),
        ("q,a\nx\n", "line 2", "tests", "has 1 fields"),
    ])
    func csvProblems(csv: String, line: String, column: String, message: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try csv.write(to: directory.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let error = #expect(throws: SuiteError.self) {
            _ = try SuiteLoader.parse("prompts: [\"{{q}}\"]\ntests: file://t.csv", file: "s.yaml", directory: directory.path)
        }
        let description = error?.description ?? ""
        #expect(description.contains("t.csv:\(line.dropFirst(5))") && description.contains(column) && description.contains(message), "\(description)")
    }

    @Test("scenarios cross each config entry with each test; assertion templates are filled in where $ref names them")
    func scenarios() throws {
        let suite = try SuiteFixtures.load("tests/scenarios.yaml")
        #expect(suite.tests.map { $0.vars["language"] ?? "" } == ["Spanish", "French", "French", "German", "German"])
        #expect(suite.tests.map { $0.vars["input"] ?? "" } == ["Thanks", "Hello", "Good morning", "Hello", "Good morning"])
        #expect(suite.tests.map { $0.assertions.map(\.type) } == [[.regex, .icontains], [.regex, .icontains], [.regex], [.regex, .icontains], [.regex]])
        #expect(suite.tests[1].description == "greeting" && suite.tests[1].assertions[1].metric == "translation")
        #expect(suite.tests[1].assertions[1].value == "{{ expected }}")
        #expect(suite.tests.map { $0.metadata["conversationId"]?.string } == [nil, "scenario 1.1", "scenario 1.1", "scenario 1.2", "scenario 1.2"])
    }

    @Test("assert-set scores its assertions together: its weighted score against its threshold, or all of them without one")
    func assertSets() async throws {
        let suite = try SuiteFixtures.load("tests/assert-set.yaml")
        let verdicts = try await SuiteFixtures.verdicts(suite, answer: "Paris is lovely in spring.")
        #expect(verdicts == ["half the set is enough at threshold 0.5": true, "without a threshold every assertion of the set must pass": true,
                             "a set that fails": false])
        let refused = #expect(throws: SuiteError.self) { _ = try SuiteLoader.parse("prompts: [hi]\ntests: [{assert: [{type: assert-set}]}]") }
        #expect(refused?.description.contains("assert-set needs a list of assertions") == true)
    }
}
