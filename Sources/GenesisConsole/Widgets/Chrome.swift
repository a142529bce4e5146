/// The prompt entry, the status bar and the help overlay.
enum PromptWidget {
    static let maxLines = 5

    /// Rows the prompt needs for its text (at least one).
    static func height(_ editor: LineEditor, width: Int) -> Int {
        min(maxLines, max(1, lines(editor, width: width).count)) + 1
    }

    static func lines(_ editor: LineEditor, width: Int) -> [(text: String, cursor: Int?)] {
        var result: [(String, Int?)] = []
        var offset = 0
        for (number, line) in editor.string.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let prefix = number == 0 ? "› " : "  "
            let cursorInLine = (offset...(offset + line.count)).contains(editor.cursor) ? editor.cursor - offset : nil
            result.append((prefix + line, cursorInLine.map { $0 + 2 }))
            offset += line.count + 1
        }
        _ = width
        return result
    }

    static func draw(_ state: ConsoleState, in rect: Rect, into buffer: inout Buffer) {
        // In a blind round the focused pane is named by its letter only, until the reveal.
        let label = state.focus.map { index in
            if let round = state.arena, !round.revealed { return " prompt → \(round.labels[index] ?? "?") " }
            return " prompt → \(state.panes[index].label) "
        } ?? " prompt → all panes "
        buffer.put(String(repeating: "─", count: rect.width), x: rect.x, y: rect.y, style: Style(.border))
        buffer.put(label, x: rect.x + 2, y: rect.y, style: Style(.dim))
        var settings: [String] = []
        if let t = state.temperature { settings.append("temp \(t)") }
        if let m = state.maxTokens { settings.append("max \(m)") }
        if state.system != nil { settings.append("system") }
        if state.scrollSync != nil { settings.append("⇅ scroll synced") }
        if !state.attachments.isEmpty { settings.append("image: " + state.attachments.map(\.name).joined(separator: ", ")) }
        if !settings.isEmpty {
            let text = " " + settings.joined(separator: " · ") + " "
            buffer.put(text, x: rect.maxX - DisplayWidth.of(text) - 1, y: rect.y, style: Style(.dim))
        }
        let all = lines(state.input, width: rect.width)
        let cursorLine = all.firstIndex { $0.cursor != nil } ?? 0
        let first = max(0, min(cursorLine - (rect.height - 2), all.count - (rect.height - 1)))
        for (row, line) in all.dropFirst(first).prefix(rect.height - 1).enumerated() {
            let y = rect.y + 1 + row
            let characters = Array(line.text)
            // Keep the cursor in view on a long line. (A combining mark at the start of a line
            // merges with the prefix's space, so the cursor is clamped to the characters there are.)
            let cursor = min(line.cursor ?? 0, characters.count)
            let start = max(0, cursor - (rect.width - 2))
            let visible = String(characters[start...])
            buffer.put(visible, x: rect.x, y: y, style: Style(.prompt), limit: rect.width)
            if let c = line.cursor.map({ min($0, characters.count) }) {
                let column = DisplayWidth.of(String(characters[start..<c]))
                if column < rect.width {
                    let under = c < characters.count ? characters[c] : " "
                    buffer.put(String(under == "\n" ? " " : under), x: rect.x + column, y: y, style: Style(.prompt, reverse: true))
                }
            }
        }
    }
}

enum StatusBar {
    static func draw(_ state: ConsoleState, in rect: Rect, into buffer: inout Buffer) {
        buffer.fill(rect, style: Style(.statusBar))
        var x = rect.x
        if let notice = state.notice {
            x += buffer.put(" \(notice) ", x: x, y: rect.y, style: Style(.statusBar, bold: true), limit: rect.width)
        }
        let reasoned = state.panes.contains { !$0.thinking.isEmpty }
        let hints = Bindings.keys.filter { $0.shownWhen == .always || reasoned }.compactMap(\.hint)
        var line = ""
        for hint in hints {
            let candidate = line.isEmpty ? " " + hint : line + " · " + hint
            if DisplayWidth.of(candidate) > rect.maxX - x - 1 { break }
            line = candidate
        }
        buffer.put(line, x: rect.maxX - DisplayWidth.of(line) - 1, y: rect.y, style: Style(.statusBar))
    }
}

/// Every row of ``Bindings``, keys then commands: the keys in a column as wide as the longest
/// (at most a third of the screen), the descriptions beside them as wide as the screen allows,
/// wrapped rather than cut.
enum HelpOverlay {
    /// The table's rows, keys then commands with a blank row between, each wrapped into its
    /// column of an overlay `width` columns wide.
    static func rows(width: Int) -> (keyWidth: Int, rows: [(keys: [String], help: [String])]) {
        let rows: [Binding?] = Bindings.keys + [nil] + Bindings.commands
        let keyWidth = min(rows.map { DisplayWidth.of($0?.keys ?? "") }.max() ?? 0, max(10, (width - 5) / 3))
        let helpWidth = max(1, width - keyWidth - 5)
        return (keyWidth, rows.map { row in row.map { (wrapped($0.keys, width: keyWidth), wrapped($0.help, width: helpWidth)) } ?? ([], []) })
    }

    static func draw(in area: Rect, into buffer: inout Buffer) {
        let all = Bindings.keys + Bindings.commands
        let keys = all.map { DisplayWidth.of($0.keys) }.max() ?? 0, help = all.map { DisplayWidth.of($0.help) }.max() ?? 0
        let width = min(area.width - 2, keys + help + 5) // as wide as the widest row, when the screen allows
        let (keyWidth, rows) = rows(width: width)
        let lines = rows.flatMap { row in
            (0..<max(1, row.keys.count, row.help.count)).map { (keys: $0 < row.keys.count ? row.keys[$0] : "", help: $0 < row.help.count ? row.help[$0] : "") }
        }
        let height = min(area.height - 2, lines.count + 4)
        let rect = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(rect)
        Frame.draw(rect, style: Style(.borderFocused, bold: true), into: &buffer)
        buffer.put(" Genesis keys and commands ", x: rect.x + 2, y: rect.y, style: Style(.title, bold: true))
        for (row, line) in lines.prefix(height - 4).enumerated() {
            let y = rect.y + 2 + row
            buffer.put(line.keys, x: rect.x + 2, y: y, style: Style(.heading, bold: true), limit: keyWidth)
            buffer.put(line.help, x: rect.x + 3 + keyWidth, y: y, style: .plain, limit: width - keyWidth - 5)
        }
        if lines.count > height - 4 {
            buffer.put(" \(lines.count - (height - 4)) more lines ", x: rect.x + 2, y: rect.maxY - 1, style: Style(.dim))
        }
        buffer.put(" any key closes ", x: rect.maxX - 18, y: rect.maxY - 1, style: Style(.dim))
    }

    private static func wrapped(_ text: String, width: Int) -> [String] {
        var wrapper = LineWrapper(width: width)
        wrapper.append(text, style: .plain)
        return wrapper.finish().map { $0.map(\.text).joined() }
    }
}

/// `/history`: recent conversations with the ids `/open` takes.
enum HistoryOverlay {
    static func draw(_ entries: [HistoryEntry], in area: Rect, into buffer: inout Buffer) {
        let width = min(area.width - 2, 100), height = min(area.height - 2, entries.count + 4)
        guard width > 20, height > 4 else { return }
        let rect = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(rect)
        Frame.draw(rect, style: Style(.borderFocused, bold: true), into: &buffer)
        buffer.put(" Recent conversations: /open ID continues one ", x: rect.x + 2, y: rect.y, style: Style(.title, bold: true))
        for (row, entry) in entries.prefix(height - 4).enumerated() {
            let y = rect.y + 2 + row
            var x = rect.x + 2
            x += buffer.put(String(entry.id.prefix(8)), x: x, y: y, style: Style(.heading, bold: true))
            x += buffer.put("  \(entry.date)  ", x: x, y: y, style: Style(.dim))
            x += buffer.put(entry.title, x: x, y: y, style: .plain, limit: max(0, rect.maxX - 2 - x))
            let models = "  " + entry.models.joined(separator: ", ")
            buffer.put(models, x: x, y: y, style: Style(.dim), limit: max(0, rect.maxX - 2 - x))
        }
        buffer.put(" any key closes ", x: rect.maxX - 18, y: rect.maxY - 1, style: Style(.dim))
    }
}

/// A page of text (an evaluation matrix, the leaderboard) over the panes.
enum TextOverlayWidget {
    static func draw(_ overlay: TextOverlay, in area: Rect, into buffer: inout Buffer) {
        let longest = overlay.lines.map { DisplayWidth.of($0) }.max() ?? 0
        let width = min(area.width - 2, max(longest + 4, DisplayWidth.of(overlay.title) + 6))
        let lines = overlay.wraps ? wrapped(overlay.lines, width: width - 4) : overlay.lines
        let height = min(area.height - 2, lines.count + 4)
        guard width > 10, height > 4 else { return }
        let rect = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(rect)
        Frame.draw(rect, style: Style(.borderFocused, bold: true), into: &buffer)
        buffer.put(" \(overlay.title) ", x: rect.x + 2, y: rect.y, style: Style(.title, bold: true), limit: width - 4)
        for (row, line) in lines.prefix(height - 4).enumerated() {
            buffer.put(line, x: rect.x + 2, y: rect.y + 2 + row, style: line.contains("FAIL") || line.contains("ERROR") ? Style(.error) : .plain,
                       limit: width - 4)
        }
        if lines.count > height - 4 {
            buffer.put(" \(lines.count - (height - 4)) more lines ", x: rect.x + 2, y: rect.maxY - 1, style: Style(.dim))
        }
        buffer.put(" any key closes ", x: rect.maxX - 18, y: rect.maxY - 1, style: Style(.dim))
    }

    /// Each line wrapped at `width`, its continuation lines indented as the line is, and two more.
    static func wrapped(_ lines: [String], width: Int) -> [String] {
        lines.flatMap { line -> [String] in
            let indent = line.prefix { $0 == " " }.count
            var wrapper = LineWrapper(width: max(1, width), indent: min(indent + 2, width / 2))
            wrapper.append(String(repeating: " ", count: indent), style: .plain)
            wrapper.append(line.dropFirst(indent), style: .plain)
            return wrapper.finish().map { $0.map(\.text).joined() }
        }
    }
}
