import GenesisEngine

/// Draws one model's pane: a border titled with the model and its state, the answer laid out
/// as Markdown and anchored to the bottom, and the figures of the last answer on the bottom edge.
enum PaneWidget {
    /// - Parameter expandsThinking: each answer's reasoning shown whole above it, rather than as
    ///   a one-line summary.
    /// - Parameter wins: what the pane won in the last round (``RoundSummary/marks(for:)``), marked in its footer.
    /// - Parameter scrollFraction: scrolling synchronised (``ScrollSync``): how far up, as a
    ///   share of the pane's lines, in place of its own ``PaneState/scroll``.
    static func draw(_ pane: PaneState, focused: Bool, expandsThinking: Bool = false, wins: [String] = [], scrollFraction: Double? = nil,
                     in rect: Rect, into buffer: inout Buffer) {
        guard rect.width >= 4, rect.height >= 3 else { return }
        let border = Style(focused ? .borderFocused : .border, bold: focused)
        Frame.draw(rect, style: border, into: &buffer)

        let blind = pane.blindLabel != nil
        var title = blind ? " Answer \(pane.blindLabel!) " : " \(pane.label)"
        if pane.isSimulated, !blind { title += " · simulated" }
        if let retirement = pane.retirement, !blind { title += " · \(retirement)" }
        if !blind { title += " " }
        var (stateText, stateStyle) = phase(pane.phase)
        if pane.isThinking { (stateText, stateStyle) = ("thinking…", Style(.warning)) }
        let available = rect.width - 4
        let titleWidth = buffer.put(title, x: rect.x + 1, y: rect.y, style: Style(.title, bold: true), limit: available)
        if titleWidth + DisplayWidth.of(stateText) + 3 > available { stateText = compactPhase(pane.phase) }
        if titleWidth + DisplayWidth.of(stateText) + 3 <= available {
            buffer.put(" \(stateText) ", x: rect.maxX - 3 - DisplayWidth.of(stateText), y: rect.y, style: stateStyle)
        }
        if pane.isSimulated, !blind, titleWidth >= DisplayWidth.of(" \(pane.label) · simulated ") {
            buffer.put("simulated", x: rect.x + 1 + DisplayWidth.of(" \(pane.label) · "), y: rect.y, style: Style(.simulated))
        }
        if let retirement = pane.retirement, !blind {
            let start = DisplayWidth.of(" \(pane.label)\(pane.isSimulated ? " · simulated" : "") · ")
            if titleWidth >= start + DisplayWidth.of(retirement) { buffer.put(retirement, x: rect.x + 1 + start, y: rect.y, style: Style(.warning)) }
        }

        // Blind: cost and speed would give the model away.
        let footer = blind ? "" : figures(pane, wins: wins, fitting: rect.width - 6)
        if !footer.isEmpty { buffer.put(" \(footer) ", x: rect.x + 2, y: rect.maxY - 1, style: Style(.dim), limit: rect.width - 4) }

        let body = rect.inset(1)
        // Only the lines that can be seen (and a few for the trailing blank lines trimmed below).
        var wanted = body.height + pane.scroll + 8
        if let fraction = scrollFraction { // as far up as the share of what is laid out, and the lines it needs
            let all = pane.layout.window(for: pane.text, width: body.width, last: 0, marks: pane.thinkingAnchors).first
            wanted = body.height + ScrollSync.offset(fraction: fraction, lines: all, height: body.height) + 8
        }
        let window = pane.layout.window(for: pane.text, width: body.width, last: wanted, marks: pane.thinkingAnchors)
        var lines = window.lines
        // Blind, reasoning could give the model away by its style.
        if !blind { placeThinking(pane, expanded: expandsThinking, marks: window.marks, first: window.first, width: body.width, wanted: wanted, into: &lines) }
        if let served = pane.servedBy, !blind { lines.insert([Span("↪ answered by \(served)", Style(.warning))], at: max(0, lines.count - 1)) }
        if pane.isThinking, !blind, let section = pane.currentThinking { lines += thinking(section, width: body.width, last: wanted) }
        if case .failed(let category, let message) = pane.phase {
            lines += MarkdownLayout.wrap([Span("✗ \(category.rawValue): \(message)", Style(.error))], width: body.width, indent: 2)
            lines += MarkdownLayout.wrap([Span("  " + category.nextStep, Style(.dim))], width: body.width, indent: 2)
        }
        while lines.last?.isEmpty == true || lines.last == [Span("")] { lines.removeLast() }
        let scroll = scrollFraction.map { // the window holds at least what the offset needs but for reasoning lines placed above it
            min(ScrollSync.offset(fraction: $0, lines: window.first + lines.count, height: body.height), max(0, lines.count - body.height))
        } ?? pane.scroll
        let end = max(0, lines.count - scroll)
        let start = max(0, end - body.height)
        for (row, line) in lines[start..<end].enumerated() {
            var x = body.x
            for span in line { x += buffer.put(span.text, x: x, y: body.y + row, style: span.style, limit: body.maxX - x) }
        }
        if scroll > 0 { buffer.put(" ↓\(scroll) ", x: rect.maxX - 8, y: rect.maxY - 1, style: Style(.warning)) }
    }

    /// Puts each answer's finished reasoning above the answer (at its mark, the line the answer
    /// starts on; at the end while that is not laid out yet): a summary line, or expanded, the
    /// summary and the whole reasoning. Only what can show in the last `wanted` lines is laid out.
    static func placeThinking(_ pane: PaneState, expanded: Bool, marks: [Int?], first: Int, width: Int, wanted: Int,
                              into lines: inout [StyledLine]) {
        for (section, mark) in zip(pane.thinking, marks).reversed() where section.isClosed {
            if mark == nil { // after the last prompt, with no answer (cancelled): just below the prompt
                while lines.last?.isEmpty == true || lines.last == [Span("")] { lines.removeLast() }
                if !lines.isEmpty { lines.append([]) }
            }
            let at = mark.map { $0 - first } ?? lines.count
            let room = wanted - (lines.count - at)
            guard at >= 0, room > 0 else { break } // above what can show, and so are the ones before it
            lines.insert(contentsOf: thinkingLines(section, expanded: expanded, width: width, last: room), at: at)
        }
    }

    /// A finished answer's reasoning: `▸ thinking · 1.2k tokens · 8.4 s`, or expanded, `▾` and
    /// the reasoning wrapped like answer text, dimmed, then a blank line. At most the last `count` lines.
    static func thinkingLines(_ section: ThinkingSection, expanded: Bool, width: Int, last count: Int) -> [StyledLine] {
        guard expanded else { return [[Span("▸ " + section.summary, Style(.dim, bold: true))]] }
        return Array(([[Span("▾ " + section.summary, Style(.dim, bold: true))]] + reasoning(section, width: width, last: count) + [[]]).suffix(count))
    }

    /// The last `count` lines of the reasoning, laid out like answer text (only what is new since
    /// the last frame) and dimmed.
    static func reasoning(_ section: ThinkingSection, width: Int, last count: Int) -> [StyledLine] {
        var lines = section.layout.lines(for: section.text, width: width, last: count + 2)
        while lines.last?.isEmpty == true || lines.last == [Span("")] { lines.removeLast() }
        return lines.suffix(count).map { line in line.map { Span($0.text, Style(.dim, bold: $0.style.bold)) } }
    }

    /// The reasoning streaming before the answer, dimmed under a "thinking…" line: its last
    /// lines, laid out as it grows (a frame lays out only what arrived since the last one).
    static func thinking(_ section: ThinkingSection, width: Int, last count: Int) -> [StyledLine] {
        [[Span("thinking…", Style(.dim, bold: true))]] + reasoning(section, width: width, last: count)
    }

    /// `think 1.2k · 8.4 s`: the last answer's reasoning tokens (reported, or `~` estimated from
    /// its text) and how long the model thought, once its answer began; nil with no reasoning.
    static func thinkingFigures(_ pane: PaneState) -> String? {
        let section = pane.currentThinking
        let estimated = pane.reasoningTokens == nil
        guard let tokens = pane.reasoningTokens ?? section.map(\.tokens), tokens > 0 else { return nil }
        var text = "think \(Format.count(tokens))\(estimated ? "~" : "")"
        if let duration = section?.duration { text += " · \(Format.duration(duration))" }
        return text
    }

    static func phase(_ phase: PaneState.Phase) -> (String, Style) {
        switch phase {
        case .idle: ("ready", Style(.dim))
        case .waiting: ("waiting…", Style(.warning))
        case .streaming: ("streaming", Style(.ok, bold: true))
        case .retrying(let what): (what, Style(.warning, bold: true))
        case .done(let reason): ("done: \(reason.rawValue)", reason == .stop ? Style(.ok) : Style(.warning))
        case .failed(let category, _): ("error: \(category.rawValue.replacingOccurrences(of: "_error", with: ""))", Style(.error, bold: true))
        case .cancelled: ("cancelled", Style(.warning))
        }
    }

    /// A one-word state for narrow panes.
    static func compactPhase(_ phase: PaneState.Phase) -> String {
        switch phase {
        case .idle: "ready"
        case .waiting: "…"
        case .streaming: "▶"
        case .retrying: "retry"
        case .done: "done"
        case .failed: "error"
        case .cancelled: "cancelled"
        }
    }

    /// Time to first token, reasoning tokens and thinking time, tokens/s, tokens, cost, and what
    /// the pane won in the round (`★ 1st token, cheapest`), joined by ` · `; in a narrow pane
    /// the least important go first (the wins, which the strip under the panes names too, then
    /// TTFT, the reasoning's figures and tokens), the cost stays.
    static func figures(_ pane: PaneState, wins: [String] = [], fitting width: Int = .max) -> String {
        var parts: [(text: String, priority: Int)] = []
        if let ttft = pane.timeToFirstToken { parts.append(("TTFT \(Format.duration(ttft))", 1)) }
        if let thinking = thinkingFigures(pane) { parts.append((thinking, 2)) }
        if let rate = pane.tokensPerSecond { parts.append((DecimalText.fixed(rate, places: 0) + " tok/s", 4)) }
        if let tokens = pane.outputTokens { parts.append(("\(Format.count(tokens)) tok\(pane.usageEstimated ? "~" : "")", 3)) }
        if case .done = pane.phase {
            parts.append((pane.cost.map { Cost.format($0.dollars) + ($0.isEstimated ? "~" : "") } ?? "cost ?", 5))
        }
        if !wins.isEmpty { parts.append(("★ " + wins.joined(separator: ", "), 0)) } // the strip names them too: the first to go
        var text = parts.map(\.text).joined(separator: " · ")
        while DisplayWidth.of(text) > width, let lowest = parts.min(by: { $0.priority < $1.priority }), parts.count > 1 {
            parts.removeAll { $0.priority == lowest.priority }
            text = parts.map(\.text).joined(separator: " · ")
        }
        return text
    }
}

/// A box border with rounded corners.
enum Frame {
    static func draw(_ rect: Rect, style: Style, into buffer: inout Buffer) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        // Cell by cell: every frame draws every border, so this skips text measuring.
        func set(_ character: Character, _ x: Int, _ y: Int) {
            if x >= 0, x < buffer.width, y >= 0, y < buffer.height { buffer[x, y] = Cell(grapheme: character, style: style) }
        }
        set("╭", rect.x, rect.y)
        set("╮", rect.maxX - 1, rect.y)
        set("╰", rect.x, rect.maxY - 1)
        set("╯", rect.maxX - 1, rect.maxY - 1)
        for x in (rect.x + 1)..<(rect.maxX - 1) {
            set("─", x, rect.y)
            set("─", x, rect.maxY - 1)
        }
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            set("│", rect.x, y)
            set("│", rect.maxX - 1, y)
        }
    }
}
