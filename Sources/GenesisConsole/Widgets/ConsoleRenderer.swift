/// The whole screen from the state: pure, so every layout can be checked as text.
public enum ConsoleRenderer {
    public static let minimumWidth = 40
    public static let minimumHeight = 12

    public static func render(_ state: ConsoleState, width: Int, height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            let lines = width >= 30
                ? ["Terminal too small: \(width)x\(height).", "Genesis needs \(minimumWidth)x\(minimumHeight).", "Ctrl-Q quits."]
                : ["too small", "\(width)x\(height)", "need \(minimumWidth)x\(minimumHeight)"]
            for (i, line) in lines.enumerated() where i < height {
                buffer.put(line, x: max(0, (width - DisplayWidth.of(line)) / 2), y: max(0, height / 2 - 1) + i, style: Style(.warning, bold: true))
            }
            return buffer
        }
        let status = Rect(x: 0, y: height - 1, width: width, height: 1)
        let promptHeight = PromptWidget.height(state.input, width: width)
        let prompt = Rect(x: 0, y: status.y - promptHeight, width: width, height: promptHeight)
        var main = Rect(x: 0, y: 0, width: width, height: prompt.y)

        if width >= 100, !state.zoomed, !state.providers.isEmpty {
            let side = Rect(x: width - 34, y: 0, width: 34, height: main.height)
            ProvidersWidget.draw(state, in: side, into: &buffer)
            main.width -= 34
        }
        // Blind, who won on speed or cost would give the models away.
        let summary = state.panes.contains { $0.blindLabel != nil } ? nil : state.roundSummary
        if let summary, !summary.awards.isEmpty, main.height > 6 {
            main.height -= 1
            RoundSummaryWidget.draw(summary, panes: state.panes, in: Rect(x: main.x, y: main.maxY, width: main.width, height: 1), into: &buffer)
        }
        if let diff = state.diff {
            DiffWidget.draw(diff, in: main, into: &buffer)
        } else {
            for (index, rect) in paneRects(count: state.panes.count, in: main, zoomed: state.zoomed ? state.focus : nil) {
                PaneWidget.draw(state.panes[index], focused: state.focus == index, expandsThinking: state.expandsThinking(index),
                                wins: summary?.marks(for: index) ?? [], scrollFraction: state.scrollSync?.fraction, in: rect, into: &buffer)
            }
        }
        if state.panes.isEmpty {
            buffer.put("No models open. Add one: /model add sim:balanced", x: 2, y: main.height / 2, style: Style(.dim))
        }
        PromptWidget.draw(state, in: prompt, into: &buffer)
        StatusBar.draw(state, in: status, into: &buffer)
        if state.showHelp { HelpOverlay.draw(in: Rect(x: 0, y: 0, width: width, height: height - 1), into: &buffer) }
        if let overlay = state.overlay { TextOverlayWidget.draw(overlay, in: Rect(x: 0, y: 0, width: width, height: height - 1), into: &buffer) }
        if let entries = state.historyList { HistoryOverlay.draw(entries, in: Rect(x: 0, y: 0, width: width, height: height - 1), into: &buffer) }
        return buffer
    }

    /// Side by side while each pane gets at least 28 columns, then a grid; one pane when zoomed.
    static func paneRects(count: Int, in area: Rect, zoomed: Int?) -> [(Int, Rect)] {
        guard count > 0 else { return [] }
        if let zoomed, zoomed < count { return [(zoomed, area)] }
        let columns = max(1, min(count, area.width / 28))
        let rows = (count + columns - 1) / columns
        var result: [(Int, Rect)] = []
        for index in 0..<count {
            let row = index / columns, column = index % columns
            let inRow = row == rows - 1 ? count - row * columns : columns
            let x = area.x + area.width * column / inRow, nextX = area.x + area.width * (column + 1) / inRow
            let y = area.y + area.height * row / rows, nextY = area.y + area.height * (row + 1) / rows
            result.append((index, Rect(x: x, y: y, width: nextX - x, height: nextY - y)))
        }
        return result
    }
}
