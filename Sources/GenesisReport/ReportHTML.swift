import Foundation
import GenesisEngine
import GenesisEvaluation
import GenesisStore
import Plot

/// The report as one self-contained HTML page: inline CSS, no script, nothing fetched (its
/// Content-Security-Policy forbids both, should anything slip through), readable with
/// JavaScript off and printable. Everything a model or a person wrote is escaped; answers are
/// rendered from Markdown by ``SafeMarkdown``.
extension ConversationReport {
    public var html: String {
        let title = "Genesis report: \(conversation.title)"
        return HTML(
            .lang(.english),
            .head(
                .encoding(.utf8),
                .meta(.attribute(named: "http-equiv", value: "Content-Security-Policy"),
                      .attribute(named: "content", value: "default-src 'none'; style-src 'unsafe-inline'; img-src data:")),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", nodes: [Node<HTML.HeadContext>.escaped(title)]),
                .element(named: "style", nodes: [.raw(Self.css)])
            ),
            .body(
                .h1(.escaped(title)),
                .p(.class("meta"), .escaped("Conversation \(conversation.id) · \(conversation.source) · "
                        + conversation.createdAt.formatted(.iso8601) + " · " + conversation.models.joined(separator: ", "))),
                .if(conversation.system != nil, .p(.strong("System: "), .escaped(conversation.system ?? ""))),
                .forEach(rounds.enumerated()) { index, round in roundSection(index + 1, round) },
                .if(!judgements.isEmpty, judgementSection()),
                .if(!votes.isEmpty, votesSection()),
                totalsSection()
            )
        ).render(indentedBy: .spaces(1))
    }

    private func roundSection(_ number: Int, _ round: Round) -> Node<HTML.BodyContext> {
        .section(
            .class("round"),
            .h2(.text("Round \(number)")),
            .div(.class("prompt"), .strong("Prompt: "), .escaped(round.prompt)),
            .div(
                .class("answers"),
                .attribute(named: "style", value: "grid-template-columns: repeat(\(max(round.answers.count, 1)), minmax(0, 1fr))"),
                .forEach(round.answers) { answer in answerColumn(answer) }
            ),
            figuresTable(round.answers),
            diffSection(round.answers)
        )
    }

    private func answerColumn(_ answer: StoredMessage) -> Node<HTML.BodyContext> {
        let figures = AnswerFigures(answer)
        return .article(
            .class("answer"),
            .h3(.escaped(figures.model)),
            .if(!answer.reasoning.isEmpty,
                .details(.summary(.text("Reasoning" + (answer.reasoningMs.map { String(format: " · %.1f s", Double($0) / 1000) } ?? ""))),
                         .pre(.class("reasoning"), .escaped(answer.reasoning)))),
            .div(.class("markdown"), .raw(SafeMarkdown.html(answer.content))),
            .if(answer.error != nil, .p(.class("error"), .escaped("error: " + (answer.error ?? ""))))
        )
    }

    private func figuresTable(_ answers: [StoredMessage]) -> Node<HTML.BodyContext> {
        table(AnswerFigures.headings, answers.map { AnswerFigures($0).cells }, class: "figures")
    }

    /// With two answers, the second against the first; with more, each against the majority.
    private func diffSection(_ answers: [StoredMessage]) -> Node<HTML.BodyContext> {
        guard answers.count >= 2 else { return .empty }
        let names = answers.map { AnswerFigures($0).model }
        if answers.count == 2 {
            let diff = WordDiff(answers[0].content, answers[1].content)
            return .details(
                .class("diff"),
                .summary(.escaped("Diff: \(names[0]) → \(names[1]) · \(Int((diff.similarity * 100).rounded()))% similar")),
                .pre(.forEach(diff.segments) { segment($0) })
            )
        }
        let majority = MajorityDiff(answers.map(\.content))
        return .details(
            .class("diff"),
            .summary(.text("Diffs: each answer against the majority")),
            .forEach(zip(names, majority.answers).map { $0 }) { name, answer in
                .group(.h4(.escaped("\(name) · \(Int((answer.agreement * 100).rounded()))% agreed")),
                       .pre(.forEach(answer.segments) { segment($0) }))
            }
        )
    }

    private func segment(_ segment: WordDiff.Segment) -> Node<HTML.BodyContext> {
        switch segment.operation {
        case .equal: .escaped(segment.text)
        case .delete: .del(.escaped(segment.text))
        case .insert: .ins(.escaped(segment.text))
        }
    }

    private func judgementSection() -> Node<HTML.BodyContext> {
        .section(
            .class("judgements"),
            .h2("Judge's verdicts"),
            .forEach(judgements.indices) { index in
                let (judge, pair) = judgements[index]
                return .div(
                    .h3(.escaped("\(pair.a) vs \(pair.b): \(pair.resultText)")),
                    .p(.class("meta"), .escaped("judged by \(judge)")),
                    .ul(.forEach(pair.verdicts) { verdict in
                        .li(.strong(.escaped(verdict.text(pair))), .text(" "), .escaped(verdict.reason))
                    })
                )
            }
        )
    }

    private func votesSection() -> Node<HTML.BodyContext> {
        .section(
            .class("votes"),
            .h2("Arena votes"),
            table(["Model A", "Model B", "Vote"], votes.map { ["\($0.modelA)", "\($0.modelB)", $0.outcome.text($0)] }, class: "figures")
        )
    }

    private func totalsSection() -> Node<HTML.BodyContext> {
        let totals = totals
        let costs = totals.map(\.cost)
        let overall = costs.contains(nil) ? "unknown" : Cost.format(costs.compactMap { $0 }.reduce(0, +))
        return .section(
            .class("totals"),
            .h2("Totals"),
            table(ConversationReport.Total.headings, totals.map(\.cells), class: "figures"),
            .p(.strong("Total cost: "), .escaped(overall))
        )
    }

    private func table(_ headings: [String], _ rows: [[String]], class name: String) -> Node<HTML.BodyContext> {
        .table(
            .class(name),
            .thead(.tr(.forEach(headings) { .th(.escaped($0)) })),
            .tbody(.forEach(rows) { row in .tr(.forEach(row) { .td(.escaped($0)) }) })
        )
    }

    static let css = """
    body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem; color: #1d1d1f; background: #fff; }
    h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
    h3 { font-size: 1rem; margin: 0 0 .5rem; } .meta { color: #666; }
    .prompt { background: #f4f4f6; border-left: 4px solid #888; padding: .5rem .75rem; margin-bottom: 1rem; white-space: pre-wrap; }
    .answers { display: grid; gap: 1rem; }
    .answer { border: 1px solid #ddd; border-radius: 6px; padding: .75rem; overflow-wrap: anywhere; min-width: 0; }
    .markdown pre, pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
    code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
    table { border-collapse: collapse; margin: .75rem 0; } th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; }
    table.figures td:not(:first-child) { font-variant-numeric: tabular-nums; }
    del { background: #ffe3e3; color: #8a1f1f; } ins { background: #dcf5dc; color: #1f6a1f; text-decoration: none; }
    details { margin: .5rem 0; } summary { cursor: pointer; color: #444; }
    .error { color: #a00; }
    @media print {
      body { margin: 0; font-size: 11pt; } .answers { gap: .5rem; } section { break-inside: avoid-page; }
      .answer, pre { break-inside: avoid; } a { color: inherit; }
    }
    """
}

extension Node {
    /// Text exactly as written: Plot's own escaping keeps anything that looks like an entity, so
    /// a model's `&lt;` would show as `<`.
    static func escaped(_ text: String) -> Node { .raw(SafeMarkdown.escape(text)) }
}
