import Foundation
import GenesisEngine
import GenesisEvaluation
import GenesisStore

/// The report as Markdown: the same sections as the HTML page, one after another (Markdown has no
/// columns). Answers are kept as the models wrote them; reasoning goes in a collapsed `<details>`
/// with its text escaped, and diffs are written as `git diff --word-diff` writes them.
extension ConversationReport {
    public var markdown: String {
        var out = "# Genesis report: \(conversation.title)\n\n"
        out += "_Conversation \(conversation.id) · \(conversation.source) · \(conversation.createdAt.formatted(.iso8601)) · "
            + conversation.models.joined(separator: ", ") + "_\n\n"
        if let system = conversation.system { out += "**System:** \(system)\n\n" }
        for (index, round) in rounds.enumerated() {
            out += "## Round \(index + 1)\n\n**Prompt:** \(round.prompt)\n\n"
            for answer in round.answers {
                out += "### \(AnswerFigures(answer).model)\n\n"
                if !answer.reasoning.isEmpty {
                    let time = answer.reasoningMs.map { String(format: " · %.1f s", Double($0) / 1000) } ?? ""
                    out += "<details>\n<summary>Reasoning\(time)</summary>\n\n\(SafeMarkdown.escape(answer.reasoning))\n\n</details>\n\n"
                }
                out += answer.content + (answer.content.hasSuffix("\n") ? "\n" : "\n\n")
                if let error = answer.error { out += "> error: \(error)\n\n" }
            }
            out += Self.table(AnswerFigures.headings, round.answers.map { AnswerFigures($0).cells })
            out += diff(round.answers)
        }
        if !judgements.isEmpty {
            out += "## Judge's verdicts\n\n"
            for (judge, pair) in judgements {
                out += "- **\(pair.a) vs \(pair.b): \(pair.resultText)** (judged by \(judge))\n"
                for verdict in pair.verdicts { out += "  - \(verdict.text(pair)): \(verdict.reason)\n" }
            }
            out += "\n"
        }
        if !votes.isEmpty {
            out += "## Arena votes\n\n" + Self.table(["Model A", "Model B", "Vote"],
                                                     votes.map { ["\($0.modelA)", "\($0.modelB)", $0.outcome.text($0)] })
        }
        let totals = totals
        let costs = totals.map(\.cost)
        out += "## Totals\n\n" + Self.table(Total.headings, totals.map(\.cells))
        out += "**Total cost:** " + (costs.contains(nil) ? "unknown" : Cost.format(costs.compactMap { $0 }.reduce(0, +))) + "\n"
        return out
    }

    private func diff(_ answers: [StoredMessage]) -> String {
        guard answers.count >= 2 else { return "" }
        let names = answers.map { AnswerFigures($0).model }
        if answers.count == 2 {
            let diff = WordDiff(answers[0].content, answers[1].content)
            return "**Diff** \(names[0]) → \(names[1]) (\(Int((diff.similarity * 100).rounded()))% similar):\n\n"
                + Self.fenced(diff.markedUp)
        }
        return zip(names, MajorityDiff(answers.map(\.content)).answers).map { name, answer in
            let marked = answer.segments.map { $0.operation == .equal ? $0.text : "{+" + $0.text + "+}" }.joined()
            return "**\(name) against the majority** (\(Int((answer.agreement * 100).rounded()))% agreed):\n\n" + Self.fenced(marked)
        }.joined()
    }

    /// A fence longer than any run of backticks inside, so the text cannot close it.
    static func fenced(_ text: String) -> String {
        var longest = 0, run = 0
        for character in text { run = character == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\n\(text)\(text.hasSuffix("\n") ? "" : "\n")\(fence)\n\n"
    }

    /// A pipe table; a `|` or a line break in a cell would end it, so they are escaped.
    static func table(_ headings: [String], _ rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
                .joined(separator: " | ") + " |\n"
        }
        return line(headings) + "|" + String(repeating: " --- |", count: headings.count) + "\n" + rows.map(line).joined() + "\n"
    }
}
