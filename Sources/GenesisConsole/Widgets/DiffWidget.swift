/// `/diff`: the answers side by side in place of the panes, a column each under its pane's
/// name, the words only that answer has in its pane's colour (reversed, so a monochrome theme
/// shows them too); the view's title says how similar they are.
enum DiffWidget {
    /// The colour a pane's own words take in a diff: one role per pane, in turn.
    static func highlight(pane: Int) -> Style {
        let roles: [Style.Role] = [.ok, .warning, .heading, .simulated, .code, .title]
        return Style(roles[pane % roles.count], bold: true, reverse: true)
    }

    static func draw(_ view: DiffView, in area: Rect, into buffer: inout Buffer) {
        guard area.height >= 5, !view.columns.isEmpty else { return }
        buffer.fill(area)
        buffer.put(" diff: \(view.title) ", x: area.x, y: area.y, style: Style(.title, bold: true), limit: area.width - 2)
        let hint = " Esc closes · PgUp/PgDn scroll "
        let count = view.columns.count
        let frames = (0..<count).map { i in
            Rect(x: area.x + area.width * i / count, y: area.y + 1, width: area.width * (i + 1) / count - area.width * i / count, height: area.height - 1)
        }
        let bodyWidth = max(1, (frames.map(\.width).min() ?? 3) - 2)
        let columns = view.layout.lines(view, width: bodyWidth) { highlight(pane: view.columns[$0].pane) }
        let bodyHeight = area.height - 3
        let scroll = min(view.scroll, max(0, (columns.map(\.count).max() ?? 0) - bodyHeight))
        for (index, (column, frame)) in zip(view.columns, frames).enumerated() {
            Frame.draw(frame, style: Style(.border), into: &buffer)
            let title = " \(column.label)\(column.agreement.map { " · \(DiffView.percent($0)) agreed" } ?? "") "
            buffer.put(title, x: frame.x + 1, y: frame.y, style: highlight(pane: column.pane), limit: frame.width - 2)
            for (row, line) in columns[index].dropFirst(scroll).prefix(bodyHeight).enumerated() {
                var x = frame.x + 1
                for span in line { x += buffer.put(span.text, x: x, y: frame.y + 1 + row, style: span.style, limit: frame.maxX - 1 - x) }
            }
        }
        if area.width > DisplayWidth.of(hint) + 2 {
            buffer.put(hint, x: area.maxX - DisplayWidth.of(hint) - 1, y: area.maxY - 1, style: Style(.dim))
        }
    }
}
