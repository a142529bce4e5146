import Foundation
import GenesisTestSupport
import Testing

/// `genesis report ID`: a recorded conversation as one self-contained HTML page, or as Markdown.
@Suite("report: a recorded conversation as HTML or Markdown")
struct ReportCLITests {
    /// A deterministic recorded compare of two simulated models; returns its id and answers.
    static func recordedCompare(_ env: [String: String], prompt: String = "Explain token buckets") async throws -> (id: String, answers: [String]) {
        let compare = try await CLI.run(["compare", "-m", "sim:fast", "-m", "sim:balanced", "--temperature", "0", prompt], environment: env)
        #expect(compare.status == 0, "\(compare.stderr)")
        return try await latest(env)
    }

    /// The newest conversation's id and its answers' text, from `export --format json`.
    static func latest(_ env: [String: String]) async throws -> (id: String, answers: [String]) {
        let history = try #require(try await CLI.run(["history", "--json"], environment: env).json)
        let id = try #require((history["conversations"] as? [[String: Any]])?.first?["id"] as? String)
        let exported = try #require(try await CLI.run(["export", id, "--format", "json"], environment: env).json)
        let answers = (exported["messages"] as? [[String: Any]] ?? []).filter { $0["role"] as? String == "assistant" }
            .compactMap { $0["content"] as? String }
        return (id, answers)
    }

    /// A recording environment whose OpenAI provider is `server`.
    static func environment(openAI server: FakeServer) throws -> [String: String] {
        var env = try StorageCLITests.environment()
        env["OPENAI_API_KEY"] = "sk-test-0123456789abcdef"
        env["OPENAI_BASE_URL"] = server.baseURL + "/v1"
        env["GENESIS_DISCOVER_LOCAL"] = "0"
        return env
    }

    /// Every tag the page holds (model text cannot add one: its `<` is escaped).
    static func tags(_ html: String) -> [Substring] {
        var tags: [Substring] = [], rest = html[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            tags.append(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return tags
    }

    /// The elements the page is made of: no script, image, link, frame, form or anything else that runs or loads.
    static let allowedTags: Set<String> = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "section",
        "article", "details", "summary", "pre", "code", "strong", "em", "del", "ins", "table", "thead", "tbody", "tr", "th", "td",
        "ul", "ol", "li", "blockquote", "hr", "br", "s",
    ]

    /// Answers are Markdown; what a reader sees of them is their words.
    static func words(_ text: String) -> [String] {
        text.split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    @Test("the HTML report of a compare holds every model's answer, the figures, the diff and the totals, and loads nothing")
    func htmlReportOfACompare() async throws {
        let env = try StorageCLITests.environment()
        let (id, answers) = try await Self.recordedCompare(env)
        #expect(answers.count == 2)
        let result = try await CLI.run(["report", id], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let html = result.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for model in ["sim:fast", "sim:balanced"] { #expect(html.contains("<h3>\(model)</h3>")) }
        for answer in answers {
            let words = Self.words(answer)
            #expect(!words.isEmpty && words.allSatisfy(html.contains))
        }
        for heading in ["Round 1", "TTFT", "Tokens/s", "Finish", "Totals", "Total cost"] { #expect(html.contains(heading)) }
        #expect(html.contains("Diff: sim:fast → sim:balanced"))
        #expect(html.contains("Content-Security-Policy"))
        for tag in Self.tags(html) {
            let name = tag.dropFirst().prefix { !$0.isWhitespace && $0 != ">" }.lowercased()
            #expect(Self.allowedTags.contains(name.hasPrefix("/") ? String(name.dropFirst()) : name), "\(tag)")
            #expect(!tag.contains("://") && !tag.contains("src=") && !tag.contains("href="), "\(tag)")
        }
    }

    @Test("the Markdown report keeps each answer as written, and -o writes it to a file")
    func markdownReportToAFile() async throws {
        let env = try StorageCLITests.environment()
        let (id, answers) = try await Self.recordedCompare(env)
        let md = try await CLI.run(["report", id, "--format", "md"], environment: env)
        #expect(md.status == 0, "\(md.stderr)")
        #expect(md.stdout.hasPrefix("# Genesis report: "))
        for answer in answers { #expect(md.stdout.contains(answer)) }
        for section in ["## Round 1", "### sim:fast", "### sim:balanced", "| Model | TTFT |", "**Diff** sim:fast → sim:balanced", "## Totals"] {
            #expect(md.stdout.contains(section), "\(section)")
        }

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-report-\(UUID()).html").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let written = try await CLI.run(["report", id, "-o", file], environment: env)
        #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
        let page = try String(contentsOfFile: file, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("sim:balanced"))
    }

    @Test("an unknown id is an error that says how to find one")
    func unknownID() async throws {
        let env = try StorageCLITests.environment()
        _ = try await Self.recordedCompare(env)
        let result = try await CLI.run(["report", "no-such-conversation"], environment: env)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no conversation \"no-such-conversation\"") && result.stderr.contains("genesis history"))
    }

    static let hostileAnswer = """
        Here is <script>alert(1)</script> and <img src=x onerror=alert(2)> inline.

        <iframe src="http://evil.example/frame"></iframe>

        A [link](javascript:alert(3)) and ![pixel](http://evil.example/pixel.png).

        ```x" onmouseover="alert(4)
        let tag = "<b>bold</b>" && true
        ```

        | col | <u>x</u> |
        | --- | --- |
        | 1 | 2 |
        """

    @Test("HTML a model wrote is shown as text: no script, image, frame or link comes alive, and the Markdown around it still renders")
    func modelHTMLIsEscaped() async throws {
        let server = try await HostileOutputCLITests.upstream([Self.hostileAnswer])
        defer { Task { await server.shutdown() } }
        let env = try Self.environment(openAI: server)
        let compare = try await CLI.run(["compare", "-m", "openai:gpt-4o-mini", "-m", "sim:fast", "--temperature", "0", "Say hi"], environment: env)
        #expect(compare.status == 0, "\(compare.stderr)")
        let (id, _) = try await Self.latest(env)
        let html = try await CLI.run(["report", id], environment: env).stdout
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;img src=x onerror=alert(2)&gt;"))
        #expect(html.contains("&lt;iframe"))
        #expect(html.contains("[link](javascript:alert(3))") && html.contains("![pixel](http://evil.example/pixel.png)"))
        #expect(html.contains("let tag = &quot;&lt;b&gt;bold&lt;/b&gt;&quot; &amp;&amp; true"))
        #expect(html.contains("<table>")) // Markdown still renders
        for tag in Self.tags(html) {
            let name = tag.dropFirst().prefix { !$0.isWhitespace && $0 != ">" }.lowercased()
            #expect(Self.allowedTags.contains(name.hasPrefix("/") ? String(name.dropFirst()) : name), "\(tag)")
            #expect(!tag.contains("://") && !tag.contains("javascript") && !tag.lowercased().contains(" on"), "\(tag)")
        }
    }

    @Test("long answers are diffed too: 6,000 words against a short answer")
    func longAnswersAreDiffed() async throws {
        let long = (0..<6_000).map { "word\($0 % 97)" + ($0 % 12 == 11 ? "\n" : " ") }
        let server = try await HostileOutputCLITests.upstream(long)
        defer { Task { await server.shutdown() } }
        let env = try Self.environment(openAI: server)
        let compare = try await CLI.run(["compare", "-m", "openai:gpt-4o-mini", "-m", "sim:fast", "--temperature", "0", "Count"], environment: env)
        #expect(compare.status == 0, "\(compare.stderr)")
        let (id, answers) = try await Self.latest(env)
        #expect(answers.contains { $0.split(whereSeparator: \.isWhitespace).count == 6_000 })
        let html = try await CLI.run(["report", id], environment: env)
        #expect(html.status == 0 && html.stdout.contains("class=\"diff\"") && !html.stdout.contains("left out"), "\(html.stderr)")
        let markdown = try await CLI.run(["report", id, "--format", "md"], environment: env)
        #expect(markdown.status == 0 && markdown.stdout.contains("**Diff**") && markdown.stdout.contains("word96") && !markdown.stdout.contains("left out"))
    }

    @Test("the judge's verdicts and their reasons are in the report")
    func judgeVerdicts() async throws {
        let server = try await JudgeCLITests.judge { a, b in a.count >= b.count ? "A" : "B" }
        defer { Task { await server.shutdown() } }
        let env = try JudgeCLITests.environment(server)
        #expect(try await CLI.run(JudgeCLITests.arguments, environment: env).status == 0)
        let (id, _) = try await Self.latest(env)
        let html = try await CLI.run(["report", id], environment: env).stdout
        #expect(html.contains("verdicts</h2>") && html.contains("judged by openai:gpt-4o-mini"))
        #expect(html.contains("it reads better") && html.contains("shown first"))
        let md = try await CLI.run(["report", id, "--format", "md"], environment: env).stdout
        #expect(md.contains("## Judge's verdicts") && md.contains("it reads better"))
    }

    @Test("an arena round's vote is in the report")
    func arenaVotes() async throws {
        let env = try StorageCLITests.environment()
        #expect(try await CLI.run(["arena", "-m", "sim:fast", "-m", "sim:deep", "Explain caching"], stdin: "b\n", environment: env).status == 0)
        let (id, answers) = try await Self.latest(env)
        #expect(answers.count == 2)
        let md = try await CLI.run(["report", id, "--format", "md"], environment: env).stdout
        #expect(md.contains("## Arena votes"))
        #expect(md.contains("| sim:fast | sim:deep | sim:deep wins |") || md.contains("| sim:deep | sim:fast | sim:fast wins |"), "\(md)")
        #expect(try await CLI.run(["report", id], environment: env).stdout.contains("Arena votes"))
    }

    static let chromium = ["chromium", "chromium-browser"].first { name in
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    @Test("in headless Chromium the page renders to a screenshot and its DOM holds every model's answer",
          .enabled(if: chromium != nil, "chromium is not on PATH"))
    func rendersInChromium() async throws {
        let browser = try #require(Self.chromium)
        let env = try StorageCLITests.environment()
        let (id, answers) = try await Self.recordedCompare(env)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-report-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html"), png = directory.appendingPathComponent("report.png")
        #expect(try await CLI.run(["report", id, "-o", page.path], environment: env).status == 0)

        let common = ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--user-data-dir=\(directory.path)/profile"]
        let dom = try await Self.run(browser, common + ["--dump-dom", page.absoluteString])
        #expect(dom.contains("<h3>sim:fast</h3>") && dom.contains("<h3>sim:balanced</h3>"))
        for answer in answers { #expect(Self.words(answer).allSatisfy(dom.contains)) }

        _ = try await Self.run(browser, common + ["--screenshot=\(png.path)", "--window-size=1400,1000", page.absoluteString])
        let image = try Data(contentsOf: png)
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47])) // PNG
        #expect(image.count > 10_000, "a blank 1400×1000 page compresses to a few kilobytes")
    }

    /// Runs a program to its end on a thread of its own; returns its standard output.
    static func run(_ program: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = [program] + arguments
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return String(decoding: data, as: UTF8.self)
                })
            }
        }
    }
}
