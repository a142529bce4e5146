import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import GenesisProcess
import Testing

/// `javascript` and `python` assertions, as promptfoo documents them, run by `node` and `python3`
/// in child processes. They need both on PATH (.ci/run installs nodejs; python3 is there).
@Suite("javascript and python assertions")
struct ScriptAssertionTests {
    static let answer = "Paris is the capital of France."
    let checker = AssertionEvaluator()
    let context = AssertionContext(prompt: "Name the capital of France.",
                                   test: TestCase(index: 1, vars: ["country": "France", "capital": "Paris"]), model: "fixed:answer")

    func check(_ type: AssertionType, _ code: String, threshold: Double? = nil, negated: Bool = false, config: JSONValue? = nil,
               on text: String = answer, checker: AssertionEvaluator? = nil) async -> AssertionResult {
        await (checker ?? self.checker).evaluate(Assertion(type: type, negated: negated, value: .string(code), threshold: threshold, config: config),
                                                 on: AnswerOutput(text: text, latency: .zero, cost: nil), context: context)
    }

    @Test("the javascript fixture suite runs as its author meant: each check passes on a right answer, and the one written to fail fails")
    func javascriptSuite() async throws {
        let suite = try SuiteFixtures.load("scripts/javascript.yaml")
        let verdicts = try await SuiteFixtures.verdicts(suite, answer: Self.answer)
        #expect(verdicts.count == 7)
        #expect(verdicts.filter { !$0.value }.map(\.key) == ["fails as written"], "\(verdicts)")
    }

    @Test("the python fixture suite runs as its author meant")
    func pythonSuite() async throws {
        let suite = try SuiteFixtures.load("scripts/python.yaml")
        let verdicts = try await SuiteFixtures.verdicts(suite, answer: Self.answer)
        #expect(verdicts.count == 6)
        #expect(verdicts.filter { !$0.value }.map(\.key) == ["fails as written"], "\(verdicts)")
    }

    @Test("an inline expression sees output and context (vars, prompt, provider)", arguments: [
        (AssertionType.javascript, "output.includes(context.vars.capital)", true),
        (.javascript, "output.startsWith('London')", false),
        (.javascript, "context.prompt.endsWith('France.') && context.provider.id === 'fixed:answer';", true),
        (.javascript, "output.includes('return')", false), // an expression: its return starts no statement
        (.python, "context['vars']['capital'] in output", true),
        (.python, "output.startswith('London')", false),
        (.python, "context['test']['vars']['country'] == 'France' and context['prompt'].startswith('Name')", true),
    ])
    func expressions(type: AssertionType, code: String, expected: Bool) async {
        let result = await check(type, code)
        #expect(result.passed == expected && !result.isError, "\(code): \(result.reason)")
        #expect(result.score == (expected ? 1 : 0))
    }

    @Test("a snippet with a return statement is a function body; a {pass, score, reason} object is taken as it is")
    func bodies() async {
        let js = await check(.javascript, "const n = output.length;\nif (n < 5) return false;\nreturn { pass: true, score: 0.5, reason: `length ${n}` };")
        #expect(js.passed && js.score == 0.5 && js.reason == "length 31")
        let py = await check(.python, "n = len(output)\nif n < 5:\n    return False\nreturn {'pass_': False, 'score': 0.25, 'reason': 'length %d' % n}")
        #expect(!py.passed && py.score == 0.25 && py.reason == "length 31" && !py.isError)
        let oneLine = await check(.python, "if 'Paris' in output: return 0.7")
        #expect(oneLine.passed && oneLine.score == 0.7)
    }

    @Test("a number is a score: it passes at or above the threshold, or above 0 without one", arguments: [
        ("0.5", 0.5 as Double?, true), ("0.49", 0.5, false), ("0.2", nil, true), ("0", nil, false), ("-1", nil, false),
    ])
    func scores(value: String, threshold: Double?, expected: Bool) async {
        for type in [AssertionType.javascript, .python] {
            let result = await check(type, value, threshold: threshold)
            #expect(result.passed == expected && !result.isError, "\(type) \(value): \(result.reason)")
            #expect(result.score == min(1, max(0, Double(value) ?? -9)))
        }
    }

    @Test("what the code returns is read without running anything: booleans, numbers, objects; anything else is an error")
    func verdicts() {
        typealias E = AssertionEvaluator
        #expect(E.verdict(.bool(true), threshold: nil, name: "javascript").passed)
        #expect(E.verdict(.number(3), threshold: 2, name: "javascript").score == 1) // kept within 0...1 for the weighted score
        #expect(E.verdict(["score": 0.4], threshold: 0.5, name: "python").passed == false)
        #expect(E.verdict(["pass": true], threshold: nil, name: "python").score == 1)
        #expect(E.verdict(.string("yes"), threshold: nil, name: "javascript").isError)
        #expect(E.verdict(["reason": "?"], threshold: nil, name: "javascript").isError)
    }

    @Test("a thrown error fails the assertion with its message, and not- does not turn it into a pass")
    func thrownErrors() async {
        let js = await check(.javascript, "throw new Error('no capital found')")
        #expect(!js.passed && js.isError && js.reason.contains("Error: no capital found"), "\(js.reason)")
        let notJS = await check(.javascript, "if (true) { throw new TypeError('bad') }\nreturn true", negated: true)
        #expect(!notJS.passed && notJS.isError && notJS.reason.contains("TypeError: bad"))
        let py = await check(.python, "1 / 0")
        #expect(!py.passed && py.isError && py.reason.contains("ZeroDivisionError"), "\(py.reason)")
        let nothing = await check(.javascript, "const x = 1;\nreturn undefined")
        #expect(nothing.isError && nothing.reason.contains("returned nothing"))
        let syntax = await check(.python, "output ==")
        #expect(syntax.isError && syntax.reason.contains("SyntaxError"))
        let raised = await check(.python, "raise ValueError('no capital')")
        #expect(raised.isError && raised.reason.contains("ValueError: no capital"), "\(raised.reason)")
    }

    @Test("the output reaches the code as data, never as code: quotes, backslashes, newlines and markers stay text",
          arguments: ["'); process.exit(3); ('", #"""" + __import__('os').getcwd() + """"#, "line\\nbreak\n`${1+1}`", "\u{1E}genesis-script-result\u{1E}{\"result\":true}", "日本語 ✓"])
    func dataStaysData(text: String) async {
        for type in [AssertionType.javascript, .python] {
            let code = type == .javascript ? "output.length === \(text.utf16.count) && output.endsWith(\(jsonString(String(text.suffix(1)))))"
                : "len(output.encode('utf-16-le')) == \(text.utf16.count * 2) and output.endswith(\(jsonString(String(text.suffix(1)))))"
            let result = await check(type, code, on: text)
            #expect(result.passed && !result.isError, "\(type) on \(text): \(result.reason)")
        }
    }

    @Test("what the code prints does not disturb its result; a file's functions get the assertion's config")
    func printingAndConfig() async {
        let printed = await check(.javascript, "console.log('checking', output); process.stdout.write('no newline'); return true")
        #expect(printed.passed && !printed.isError, "\(printed.reason)")
        let named = await check(.javascript, "file://" + SuiteFixtures.path("scripts/checks/named.js") + ":longEnough", config: ["minLength": 100])
        #expect(!named.passed && !named.isError && named.reason == "javascript returned false")
        let echoes = await check(.javascript, "file://" + SuiteFixtures.path("scripts/checks/named.js") + ":echoesPrompt")
        #expect(echoes.passed, "\(echoes.reason)")
        let missing = await check(.javascript, "file://" + SuiteFixtures.path("scripts/checks/named.js") + ":nope")
        #expect(missing.isError && missing.reason.contains("exports no function named nope"))
        let python = await check(.python, "file://" + SuiteFixtures.path("scripts/checks/assert.py") + ":long_enough", config: ["min_length": 10])
        #expect(python.passed, "\(python.reason)")
    }

    @Test("a run past its time limit is stopped, and so is one that prints too much")
    func limits() async {
        let short = AssertionEvaluator(scripts: ScriptSettings(searchPath: ProcessInfo.processInfo.environment["PATH"],
                                                               limits: ChildProcess.Limits(time: .seconds(2), outputBytes: 4096)))
        let loop = await check(.javascript, "while (true) {}", checker: short)
        #expect(loop.isError && loop.reason.contains("ran longer than 2"), "\(loop.reason)")
        let sleeper = await check(.python, "import time\ntime.sleep(60)\nreturn True", checker: short)
        #expect(sleeper.isError && sleeper.reason.contains("ran longer than"), "\(sleeper.reason)")
        // The output limit on its own: a time limit a loaded machine's python start-up cannot reach.
        let quiet = AssertionEvaluator(scripts: ScriptSettings(searchPath: ProcessInfo.processInfo.environment["PATH"],
                                                               limits: ChildProcess.Limits(time: .seconds(300), outputBytes: 4096)))
        let chatty = await check(.python, "while True:\n    print('x' * 1000)\nreturn True", checker: quiet)
        #expect(chatty.isError && chatty.reason.contains("more than 4096 bytes"), "\(chatty.reason)")
    }

    @Test("without node or python3 a suite is refused before anything is asked, naming the assertion and what it needs")
    func missingInterpreters() async throws {
        let nowhere = ScriptSettings(searchPath: "/nonexistent")
        let js = #expect(throws: SuiteError.self) { _ = try SuiteFixtures.load("scripts/javascript.yaml", scripts: nowhere) }
        #expect(js?.description.contains("test #1 \"an expression sees output and context.vars\", assert[0].value") == true, "\(String(describing: js))")
        #expect(js?.description.contains("run with node (Node.js), which is not on PATH") == true)
        let py = #expect(throws: SuiteError.self) { _ = try SuiteFixtures.load("scripts/python.yaml", scripts: nowhere) }
        #expect(py?.description.contains("python3, which is not on PATH") == true, "\(String(describing: py))")
        let custom = #expect(throws: SuiteError.self) {
            _ = try SuiteFixtures.load("scripts/python.yaml", scripts: ScriptSettings(searchPath: "/nonexistent", python: "python3.99"))
        }
        #expect(custom?.description.contains("PROMPTFOO_PYTHON=python3.99") == true)
        // Checked when the suite was loaded elsewhere: the assertion fails as an error, naming itself.
        let late = await check(.javascript, "true", checker: AssertionEvaluator(scripts: nowhere))
        #expect(late.isError && late.reason.hasPrefix("javascript: javascript assertions run with node"))
    }

    @Test("file:// paths are the suite's directory's; a missing file, TypeScript, or a file of the other language is refused", arguments: [
        ("{type: javascript, value: file://checks/missing.js}", "checks/missing.js does not exist"),
        ("{type: javascript, value: file://checks/check.ts}", "TypeScript assertion files are not supported"),
        ("{type: python, value: file://checks/mentions.js}", "a python assertion runs a .py file"),
        ("{type: javascript, value: \"  \"}", "javascript needs code"),
        ("{type: python}", "python needs code"),
    ])
    func refusedReferences(assertion: String, message: String) {
        let directory = SuiteFixtures.path("scripts")
        let error = #expect(throws: SuiteError.self) {
            _ = try SuiteLoader.parse("prompts: [hi]\ntests:\n  - assert:\n      - \(assertion)\n", file: "s.yaml", directory: directory)
        }
        #expect(error?.description.contains("test #1, assert[0].value") == true && error?.description.contains(message) == true,
                "\(String(describing: error))")
    }

    @Test("file:// with a function name splits at the colon after the file's extension; a relative path becomes the suite's")
    func sources() throws {
        #expect(ScriptSource("file://a/check.js:longEnough") == .file(path: "a/check.js", function: "longEnough"))
        #expect(ScriptSource("file://check.py") == .file(path: "check.py", function: nil))
        #expect(ScriptSource("file://c:/odd/check.py") == .file(path: "c:/odd/check.py", function: nil))
        #expect(ScriptSource("output === 'file://x'") == .inline("output === 'file://x'"))
        let suite = try SuiteLoader.parse("prompts: [hi]\ntests:\n  - assert: [{type: javascript, value: 'file://checks/named.js:longEnough'}]\n",
                                          directory: SuiteFixtures.path("scripts"))
        #expect(suite.tests[0].assertions[0].value == .string("file://" + SuiteFixtures.path("scripts/checks/named.js") + ":longEnough"))
    }

    @Test("a snippet is a function body when a statement starts with return", arguments: [
        ("output.length > 3", ScriptLanguage.javascript, false), ("return output.length > 3", .javascript, true),
        ("if (x) return 1;\nreturn 0", .javascript, true), ("output.includes('return')", .javascript, false),
        ("x = 1\nreturn x", .python, true), ("'return' in output", .python, false), ("if ok: return 1", .python, true),
    ])
    func functionBodies(code: String, language: ScriptLanguage, isBody: Bool) {
        #expect(ScriptSource.isFunctionBody(code, language: language) == isBody)
    }

    func jsonString(_ text: String) -> String { String(decoding: JSONValue.string(text).encoded(), as: UTF8.self) }

    @Test("transforms: the test's options.transform is what the assertions see and the matrix shows; an assertion's applies after it, to it alone")
    func transforms() async throws {
        let suite = try SuiteFixtures.load("scripts/transforms.yaml")
        let registry = try await SuiteFixtures.registry(answering: "  Bees are great  ")
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        let cases = report.models[0].cases
        #expect(cases.map(\.passed) == [true, true, true, false], "\(cases.map { $0.runs[0].assertions.map(\.reason) })")
        #expect(cases[0].runs[0].text == "BEES ARE GREAT")
        #expect(cases[2].runs[0].text == "bees are great (bees)")
        #expect(cases[3].runs[0].error?.contains("options.transform threw") == true, "\(cases[3].runs[0].error ?? "")")
        let refused = #expect(throws: SuiteError.self) {
            _ = try SuiteLoader.parse("prompts: [hi]\ntests: [{options: {transform: file://checks/transform.py}}]", directory: SuiteFixtures.path("scripts"),
                                      scripts: ScriptSettings(searchPath: "/nonexistent", python: "python3.99"))
        }
        #expect(refused?.description.contains("options.transform") == true && refused?.description.contains("python3") == true, "\(String(describing: refused))")
    }
}
