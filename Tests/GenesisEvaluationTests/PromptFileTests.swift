import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Synchronization
import Testing

/// Records every request's messages and answers "ok".
final class RecordingProvider: Provider {
    let name = "record"
    private let requests = Mutex<[[ChatMessage]]>([])
    var seen: [[ChatMessage]] { requests.withLock { $0 } }

    func listModels() async throws -> [ModelInfo] { [] }
    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        requests.withLock { $0.append(request.messages) }
        return ProviderStream { c in
            c.yield(.text("ok"))
            c.yield(.finish(.stop))
            c.finish()
        }
    }
}

/// Prompts as promptfoo's documentation gives them: files of several prompts, chat files,
/// CSV, globs, labelled objects, and the older forms.
@Suite("Prompt files")
struct PromptFileTests {
    @Test("each kind of prompt file becomes the prompts its author meant, labelled by file, label or row")
    func kinds() throws {
        let suite = try SuiteFixtures.load("prompts/files.yaml")
        #expect(suite.prompts.map(\.label) == ["translate.txt[1]", "translate.txt[2]", "translate.txt[3]", "tutor.json", "pirate.yaml",
                                               "formal", "punctuated", "quoted", "backwards", "inline chat", "prompt 11"])
        let vars = ["text": "Good morning", "language": "French"]
        #expect(try suite.prompts[0].render(vars) == "Translate to French: Good morning")
        #expect(try suite.prompts[2].render(vars) == "How would a native French speaker say \"Good morning\"?") // trimmed
        #expect(suite.prompts[3].messages.map(\.role) == [.system, .user, .assistant, .user])
        #expect(try suite.prompts[3].renderMessages(vars).map(\.text) == [
            "You are a patient French tutor.", "How do I greet someone?", "You could say hello.", "And how do I say \"Good morning\"?"])
        #expect(try suite.prompts[4].renderMessages(vars) == [.system("You speak like a pirate."), .user("Translate \"Good morning\" to French, pirate style.")])
        #expect(try suite.prompts[5].render(vars) == "# A formal request\n\nKindly render \"Good morning\" into French.\n")
        #expect(try suite.prompts[7].render(vars) == "In French, with a comma: \"Good morning\", please")
        #expect(try suite.prompts[9].renderMessages(vars) == [.system("Answer in French only."), .user("Good morning")])
        #expect(!suite.prompts[10].isChat && suite.cases.count == 11)
    }

    @Test("a chat prompt is sent as real system, user and assistant messages; a text prompt as one user message")
    func chatMessagesAreSent() async throws {
        let suite = try SuiteFixtures.load("prompts/files.yaml")
        let (registry, recorder) = try await SuiteFixtures.recording()
        let report = await ModelEvaluator(registry: registry, concurrency: 1).run(suite, models: ["record:m"])
        #expect(report.models[0].passed == 11)
        let sent = recorder.seen
        #expect(sent.count == 11)
        #expect(sent.contains([.system("You are a patient French tutor."), .user("How do I greet someone?"), .assistant("You could say hello."),
                               .user("And how do I say \"Good morning\"?")]))
        #expect(sent.contains([.user("Translate to French: Good morning")]))
    }

    @Test("a glob takes every file it matches, ** through directories, each labelled by its path")
    func globs() throws {
        let suite = try SuiteFixtures.load("prompts/glob.yaml")
        #expect(suite.prompts.map(\.label) == ["files/glob/a.txt", "files/glob/b.txt", "files/glob/nested/c.txt"])
        #expect(try suite.prompts.map { try $0.render(["name": "Ada"]) } == ["Hello Ada", "Goodbye Ada", "Welcome back Ada"])
    }

    @Test("the older forms still read: a mapping of files to labels, and a bare path")
    func legacyForms() throws {
        let legacy = try SuiteFixtures.load("prompts/legacy.yaml")
        #expect(legacy.prompts.map(\.label) == ["farewell", "greeting"] || legacy.prompts.map(\.label) == ["greeting", "farewell"])
        #expect(Set(try legacy.prompts.map { try $0.render(["name": "Ada"]) }) == ["Hello Ada", "Goodbye Ada"])
        let bare = try SuiteFixtures.load("prompts/bare.yaml")
        #expect(bare.prompts.count == 3 && bare.prompts[0].label == "translate.txt[1]")
    }

    @Test("inline text that is a JSON list of messages is a chat, as promptfoo sends it")
    func inlineChatJSON() throws {
        let suite = try SuiteLoader.parse(#"prompts: ['[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "{{q}}"}]']"# + "\ntests: [{vars: {q: hi}}]")
        #expect(try suite.prompts[0].renderMessages(["q": "hi"]) == [.system("Be brief."), .user("hi")])
    }

    @Test("what Genesis cannot do with a prompt is refused by name", arguments: [
        ("prompts: [file://make_prompt.js]", "prompt functions (file://make_prompt.js) are not supported"),
        ("prompts: [file://prompts.py:create_prompt]", "prompt functions (file://prompts.py:create_prompt) are not supported"),
        ("prompts: ['langfuse://greeting:3:text']", "prompts from Langfuse (langfuse://) are not supported"),
        ("prompts: [{raw: hi, config: {temperature: 0}}]", "a prompt's own config"),
        ("prompts: [{label: only}]", "a prompt object needs raw"),
        ("prompts: [file://files/missing.txt]", "there is no such file"),
        ("prompts: [file://files/*.nothing]", "matches no file"),
        ("prompts: [file://files/glob]", "is a directory"),
        ("prompts: [{messages: [{role: tool, content: x}]}]", "has role tool"),
        ("prompts: [{messages: [{role: user, content: [{type: text, text: x}]}]}]", "content that is not text"),
        ("prompts: [{messages: [{role: user, content: x, name: bob}]}]", "has name, which is not supported"),
        ("prompts: ['{% macro greet(n) %}hi{% endmacro %}']", "Nunjucks macros ({% macro %}) is not supported"),
        ("prompts: ['{{ x | shout }}']", "unknown filter \"shout\""),
        ("system: Be kind.\nprompts: [{messages: [{role: system, content: x}, {role: user, content: y}]}]", "has its own system message"),
    ])
    func refusals(suite: String, message: String) {
        let error = #expect(throws: SuiteError.self) {
            _ = try SuiteLoader.parse(suite + (suite.contains("tests:") ? "" : "\ntests: [{vars: {x: 1}}]"), file: "s.yaml",
                                      directory: SuiteFixtures.path("prompts"))
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("a JSON prompt file holding something other than messages is refused, naming the file")
    func badChatFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prompts-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "{\"role\": \"user\", \"content\": \"hi\"}".write(to: directory.appendingPathComponent("object.json"), atomically: true, encoding: .utf8)
        try "[{\"role\": \"user\"".write(to: directory.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        for (name, message) in [("object.json", "must be a list of {role, content} messages"), ("broken.json", "it is not valid JSON")] {
            let error = #expect(throws: SuiteError.self) {
                _ = try SuiteLoader.parse("prompts: [file://\(name)]\ntests: [{}]", file: "s.yaml", directory: directory.path)
            }
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        }
    }

    @Test("CSV reads quoted fields with delimiters, doubled quotes and line breaks; a ragged row names its line")
    func csv() throws {
        let table = try CSVTable("\u{FEFF}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",{\"k\":\"\"}\n")
        #expect(table.records.map(\.fields) == [["a", "b"], ["x, y", "say \"hi\""], ["two\nlines", "{\"k\":\"\"}"]])
        #expect(table.records.map(\.line) == [1, 2, 4])
        #expect(throws: CSVTable.Problem.self) { _ = try CSVTable("a,b\n1,2,3\n").rows() }
        #expect(throws: CSVTable.Problem.self) { _ = try CSVTable("a\n\"open\n") }
    }
}
