import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Testing

/// promptfoo's `scenarios` (tests run once per config entry) and `$ref`s to assertion templates,
/// from its documentation's own examples.
@Suite("Scenarios and assertion templates")
struct ScenarioTests {
    @Test("each scenario test runs once per config entry, after the suite's own tests; entries from files are flattened in")
    func expansion() throws {
        let suite = try SuiteFixtures.load("scenarios/translations.yaml")
        #expect(suite.tests.map(\.description) == ["plain test", "Translated Hello World", "Translated Hello World", "Translated Hello World",
                                                   "Dutch good night"])
        #expect(suite.tests.map { $0.vars["language"] } == ["Italian", "Spanish", "French", "German", "Dutch"])
        #expect(suite.tests[1].vars == ["language": "Spanish", "expectedHelloWorld": "Hola mundo", "input": "Hello world"])
        #expect(suite.tests[4].vars == ["language": "Dutch", "input": "Good night"], "a scenario without tests: one test per entry")
    }

    @Test("an entry's assertions come before its test's, and defaultTest's before both")
    func assertionOrder() throws {
        let suite = try SuiteFixtures.load("scenarios/translations.yaml")
        #expect(suite.tests[1].assertions.map(\.name) == ["not-icontains", "similar"])
        #expect(suite.tests[2].assertions.map(\.name) == ["not-icontains", "icontains", "similar"])
        #expect(suite.tests[2].assertions[1].value == "bonjour")
    }

    @Test("$ref names an assertion template; keys beside it are laid over the template")
    func references() throws {
        let suite = try SuiteFixtures.load("scenarios/translations.yaml")
        let plain = suite.tests[0].assertions
        #expect(plain.map(\.name) == ["not-icontains", "regex"])
        #expect(plain[0].value == "as an AI" && plain[0].weight == 1)
        #expect(plain[1].value == "^[A-Z]" && plain[1].weight == 2)
    }

    @Test("a reference is a JSON Pointer: ~1 is a slash, ~0 a tilde, and list items are numbered")
    func pointers() throws {
        let root: JSONValue = ["a/b": ["x~y": ["first", "second"]]]
        #expect(try SuiteReferences.lookUp("#/a~1b/x~0y/1", in: root, field: "$ref", file: "s.yaml") == "second")
        #expect(try SuiteReferences.lookUp("#", in: root, field: "$ref", file: "s.yaml") == root)
        #expect(SuiteReferences.place(["tests", "0", "assert", "1", "$ref"]) == "tests[0].assert[1].$ref")
    }

    @Test("a pointer may lead through another reference, going on from the value that one names")
    func pointersThroughReferences() throws {
        let suite = try SuiteLoader.parse("""
            assertionTemplates:
              base: {type: icontains, value: bonjour}
              loud: {$ref: '#/assertionTemplates/base', weight: 3}
            prompts: [hi]
            tests:
              - assert:
                  - {type: contains, value: {$ref: '#/assertionTemplates/loud/value'}}
                  - {type: equals, value: {$ref: '#/assertionTemplates/loud/weight'}}
            """)
        #expect(suite.tests[0].assertions.map(\.value) == ["bonjour", 3])
        let loop = SuiteFixtures.refusal("""
            assertionTemplates: {a: {$ref: '#/assertionTemplates/a'}}
            prompts: [hi]
            tests: [{assert: [{type: contains, value: {$ref: '#/assertionTemplates/a/value'}}]}]
            """)
        #expect(loop?.description.contains("back to it") == true || loop?.description.contains("back to themselves") == true, "\(String(describing: loop))")
    }

    @Test("the scenarios' tests are answered and checked like any other")
    func run() async throws {
        let suite = try SuiteFixtures.load("scenarios/translations.yaml")
        let verdicts = try await SuiteFixtures.verdicts(suite, answer: "Bonjour le monde")
        #expect(verdicts["plain test"] == true)
        #expect(verdicts["Dutch good night"] == true)
        #expect(verdicts["Translated Hello World"] == false, "one per language; Spanish and German are not similar enough")
    }

    @Test("each config entry is a conversation of its own unless a test names one, and a tests file may use the suite's templates")
    func conversationsAndTemplatesInFiles() throws {
        let suite = try SuiteFixtures.load("scenarios/translations.yaml")
        #expect(suite.tests.map { $0.metadata["conversationId"] } == [nil, "scenario 1.1", "scenario 1.2", "scenario 1.3", "scenario 2.1"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("refs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "- assert: [{$ref: '#/assertionTemplates/polite'}]\n".write(to: directory.appendingPathComponent("tests.yaml"), atomically: true, encoding: .utf8)
        let withFile = try SuiteLoader.parse("prompts: [hi]\nassertionTemplates: {polite: {type: icontains, value: please}}\ntests: file://tests.yaml\n",
                                             file: directory.appendingPathComponent("suite.yaml").path, directory: directory.path)
        #expect(withFile.tests[0].assertions.map(\.name) == ["icontains"])
    }
}
