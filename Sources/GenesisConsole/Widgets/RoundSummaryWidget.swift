/// The strip under the panes once a round has finished: each award's title, the winning pane's
/// model and its figure, joined by ` · `, cut to the width (what does not fit is left off whole).
enum RoundSummaryWidget {
    static func draw(_ summary: RoundSummary, panes: [PaneState], in rect: Rect, into buffer: inout Buffer) {
        var x = rect.x + 1
        for (number, award) in summary.awards.enumerated() where panes.indices.contains(award.pane) {
            let pieces = [(number == 0 ? "★ " : " · ", Style(.dim)), (award.title + " ", Style(.dim)),
                          (panes[award.pane].label, Style(.title, bold: true)), (" " + award.figure, Style(.text))]
            guard x + pieces.map({ DisplayWidth.of($0.0) }).reduce(0, +) <= rect.maxX else { break }
            for (text, style) in pieces { x += buffer.put(text, x: x, y: rect.y, style: style) }
        }
    }
}
