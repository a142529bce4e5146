import GenesisEngine

/// The side panel: each provider's health, latency, rate-limit gauges (`rpm`, `tpm`) and spend,
/// then the session's cost and a tokens/s sparkline.
enum ProvidersWidget {
    static func draw(_ state: ConsoleState, in rect: Rect, into buffer: inout Buffer) {
        guard rect.width >= 12, rect.height >= 3 else { return }
        Frame.draw(rect, style: Style(.border), into: &buffer)
        buffer.put(" providers ", x: rect.x + 2, y: rect.y, style: Style(.title, bold: true))
        let inner = rect.inset(1)
        var y = inner.y
        func line(_ text: String, _ style: Style = .plain, indent: Int = 0) {
            guard y < inner.maxY else { return }
            buffer.put(text, x: inner.x + indent, y: y, style: style, limit: inner.width - indent)
            y += 1
        }
        for provider in state.providers {
            guard y < inner.maxY - 1 else { break }
            let (mark, style) = health(provider.health)
            let x = inner.x
            buffer.put(mark, x: x, y: y, style: style)
            var used = buffer.put(" \(provider.name)", x: x + 1, y: y, style: Style(.text, bold: true), limit: inner.width - 1)
            if provider.isSimulated { used += buffer.put(" simulated", x: x + 1 + used, y: y, style: Style(.simulated), limit: inner.width - 1 - used) }
            let healthText = provider.health.rawValue
            if inner.width > used + 12 { buffer.put(healthText, x: inner.maxX - DisplayWidth.of(healthText), y: y, style: style) }
            y += 1
            var figures: [String] = []
            if let p50 = provider.latencyP50 { figures.append("p50 \(Format.duration(p50))") }
            if let p95 = provider.latencyP95 { figures.append("p95 \(Format.duration(p95))") }
            if let ttft = provider.ttftP50 { figures.append("ttft \(Format.duration(ttft))") }
            if let rate = provider.errorRate { figures.append("err " + DecimalText.fixed(rate * 100, places: 0) + "%") }
            // Whole figures a line, as many lines as they take: a figure is never cut at the edge.
            var row = ""
            for figure in figures {
                if row.isEmpty || DisplayWidth.of(row) + 1 + DisplayWidth.of(figure) <= inner.width - 2 {
                    row += row.isEmpty ? figure : " " + figure
                } else {
                    line(row, Style(.dim), indent: 2)
                    row = figure
                }
            }
            if !row.isEmpty { line(row, Style(.dim), indent: 2) }
            gauge("rpm", used: provider.requestsInLastMinute, limit: provider.requestsPerMinute, waiting: provider.waiting, y: &y, inner: inner, buffer: &buffer)
            gauge("tpm", used: provider.tokensInLastMinute, limit: provider.tokensPerMinute, waiting: 0, y: &y, inner: inner, buffer: &buffer)
            line(Cost.format(provider.costDollars) + " this session", Style(.dim), indent: 2)
            if let error = provider.lastError, provider.health != .ok { line("last: " + error, Style(.error), indent: 2) }
            y += 1
        }
        if let alert = state.budgetAlert, inner.maxY - 3 >= y {
            buffer.put(alert, x: inner.x, y: inner.maxY - 3, style: Style(.warning, bold: true), limit: inner.width)
        }
        if let today = state.todayCost, inner.maxY - 2 >= y {
            buffer.put("today \(Cost.format(today)) (all runs)", x: inner.x, y: inner.maxY - 2, style: Style(.dim), limit: inner.width)
        }
        if y < inner.maxY {
            buffer.put("session \(Cost.format(state.sessionCost))", x: inner.x, y: inner.maxY - 1, style: Style(.title, bold: true))
            let spark = Format.sparkline(state.throughputHistory, width: max(0, inner.width - 20))
            if !spark.isEmpty { buffer.put(spark, x: inner.maxX - DisplayWidth.of(spark), y: inner.maxY - 1, style: Style(.ok)) }
        }
    }

    static func health(_ state: HealthState) -> (String, Style) {
        switch state {
        case .ok: ("●", Style(.ok))
        case .degraded: ("●", Style(.warning))
        case .down: ("●", Style(.error))
        case .unknown: ("○", Style(.dim))
        }
    }

    /// `rpm ▕██████░░░░▏ 12/60`, turning colour near the limit; `no limit` when there is none.
    static func gauge(_ label: String, used: Int, limit: Int?, waiting: Int, y: inout Int, inner: Rect, buffer: inout Buffer) {
        guard y < inner.maxY else { return }
        let x = inner.x + 2
        buffer.put(label, x: x, y: y, style: Style(.dim))
        guard let limit, limit > 0 else {
            buffer.put("\(Format.count(used))/min, no limit", x: x + 4, y: y, style: Style(.dim), limit: inner.maxX - x - 4)
            y += 1
            return
        }
        let numbers = "\(Format.count(used))/\(Format.count(limit))" + (waiting > 0 ? " +\(waiting) wait" : "")
        let barWidth = max(3, inner.maxX - x - 5 - DisplayWidth.of(numbers) - 1)
        let fraction = min(1, Double(used) / Double(limit))
        let filled = Int((fraction * Double(barWidth)).rounded())
        let style = fraction >= 0.9 ? Style(.gaugeAtLimit) : fraction >= 0.7 ? Style(.gaugeNearLimit) : Style(.gaugeFill)
        buffer.put(String(repeating: "█", count: filled), x: x + 4, y: y, style: style)
        buffer.put(String(repeating: "░", count: barWidth - filled), x: x + 4 + filled, y: y, style: Style(.dim))
        buffer.put(numbers, x: x + 5 + barWidth, y: y, style: style, limit: inner.maxX - x - 5 - barWidth)
        y += 1
    }
}
