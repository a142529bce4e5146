import ArgumentParser
import Foundation
import GenesisEngine
import GenesisReport

/// `genesis report ID`: a recorded conversation as one self-contained HTML page or as Markdown.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The report of a recorded conversation: answers side by side, figures, diffs, verdicts, votes and totals.",
        discussion: "The HTML page is one file: inline CSS, no scripts, nothing fetched; it reads with JavaScript off and prints well.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, md }

    @Argument(help: "The conversation's id, or the start of it (see `genesis history`).")
    var id: String

    @Option(name: .long, help: "html or md.")
    var format: Format = .html

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let report = try await ConversationReport.load(id, from: try global.requireStorage())
        let text = format == .html ? report.html + "\n" : report.markdown
        guard let output else {
            var page = AnswerWriter(raw: false)
            try page.write(text)
            return
        }
        do { // escape sequences a model wrote are no use in a file meant for a browser or an editor
            try Sanitizer.clean(text, .escapesOnly).write(toFile: (output as NSString).expandingTildeInPath, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
    }
}
