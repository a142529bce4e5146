import Foundation
@testable import GenesisConsole
import GenesisEngine
import GenesisStore
import Testing

@Suite("/report: the conversation as a standalone report")
struct ConsoleReportTests {
    @Test func theRecordedConversationIsWrittenAsHTMLOrForAMarkdownFileAsMarkdown() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("console-report-\(UUID())")
        let storage = try Storage(path: directory.appendingPathComponent("g.sqlite").path)
        let (runner, reports) = CommandRunnerTests.runner(storage: storage)
        var state = ConsoleState(models: ["sim:fast", "sim:deep"])
        state.input.set("/report \(directory.path)/early.html")
        _ = state.update(.key(.enter))
        #expect(state.notice == "nothing recorded yet: send a prompt first (the report is of the recorded conversation)")

        state.input.set("Name a river")
        for command in state.update(.key(.enter)) { runner.run(command, in: state) }
        var iterator = reports.makeAsyncIterator()
        while state.isStreaming, let report = await iterator.next() { _ = state.update(report.message) }
        await runner.sendsEnded()
        let id = try #require(state.conversation?.id)

        for name in ["river.html", "river.md"] {
            state.input.set("/report \(directory.path)/\(name)")
            let commands = state.update(.key(.enter))
            #expect(commands == [.report(conversationID: id, path: "\(directory.path)/\(name)")])
            for command in commands { runner.run(command, in: state) }
            var notice: String?
            while notice == nil, let report = await iterator.next() { if case .notice(let text) = report.message { notice = text } }
            #expect(notice == "report written to \(directory.path)/\(name) (\(name.hasSuffix(".md") ? "Markdown" : "HTML"))")
        }
        let html = try String(contentsOfFile: directory.appendingPathComponent("river.html").path, encoding: .utf8)
        let markdown = try String(contentsOfFile: directory.appendingPathComponent("river.md").path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("Name a river") && html.contains("sim:deep"))
        #expect(!markdown.contains("<html") && markdown.contains("Name a river") && markdown.contains("sim:fast"))
    }
}
