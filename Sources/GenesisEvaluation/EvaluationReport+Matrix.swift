import Foundation
import GenesisEngine

extension EvaluationReport {
    static func cell(_ item: CaseResult, repeats: Int) -> String {
        let verdict = repeats > 1 ? String(format: "%3.0f%%", item.passRate * 100) + (item.isUnstable ? " unstable" : "")
                                  : (item.runs.first?.error != nil ? "ERROR" : item.passed ? "PASS" : "FAIL")
        return String(format: "%@ %.2f %@", verdict, item.score, Self.milliseconds(item.latency.milliseconds))
            + (item.cost.map { " " + Cost.format($0) } ?? " cost ?")
    }

    /// The cases x models matrix, totals, and why each failing case failed, as plain text.
    public func matrix() -> String {
        let report = self
        guard let first = report.models.first else { return "no models\n" }
        let nameWidth = min(48, max(17, first.cases.map(\.name.count).max() ?? 17))
        let names = first.cases.map { Self.rowName($0, width: nameWidth) }
        let columns = report.models.map { model in [model.label ?? model.model.description] + model.cases.map { Self.cell($0, repeats: report.repeats) } }
        let widths = columns.map { $0.map(\.count).max() ?? 10 }
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? String(s.prefix(w)) : s + String(repeating: " ", count: w - s.count) }
        var out = pad("case", nameWidth) + "  " + zip(columns, widths).map { pad($0[0], $1) }.joined(separator: "  ") + "\n"
        for (row, name) in names.enumerated() {
            out += pad(name, nameWidth) + "  " + zip(columns, widths).map { pad($0[row + 1], $1) }.joined(separator: "  ") + "\n"
        }
        out += String(repeating: "─", count: nameWidth + widths.reduce(0) { $0 + $1 + 2 }) + "\n"
        let totals: [(String, (ModelReport) -> String)] = [
            ("score", { String(format: "%.2f", $0.score) }),
            ("passed / failed", { "\($0.passed) / \($0.failed)" + ($0.unstable > 0 ? " (\($0.unstable) unstable)" : "") }),
            ("cost", { Cost.format($0.costDollars) + ($0.unpricedCases > 0 ? " + \($0.unpricedCases) unpriced" : "") }),
            ("latency p50 / p95", { "\(Self.milliseconds($0.latency(percentile: 50))) / \(Self.milliseconds($0.latency(percentile: 95)))" }),
        ]
        for (label, value) in totals {
            out += pad(label, nameWidth) + "  " + zip(report.models, widths).map { pad(value($0), $1) }.joined(separator: "  ") + "\n"
        }
        // Named metrics: each one's mean score and its assertions passed, per model.
        let metricNames = Array(Set(report.models.flatMap { $0.metrics.map(\.name) })).sorted()
        for name in metricNames {
            let cells = report.models.map { model in
                model.metrics.first { $0.name == name }.map { String(format: "%.2f %d/%d", $0.score, $0.passed, $0.total) } ?? "-"
            }
            out += pad("metric " + name, nameWidth) + "  " + zip(cells, widths).map { pad($0, $1) }.joined(separator: "  ") + "\n"
        }
        // Derived metrics: each one's value over the named metrics' sums, per model.
        let derived = report.models.map { $0.derived(report.derivedMetrics) }
        for (i, metric) in report.derivedMetrics.enumerated() {
            let cells = derived.map { values in values[i].value.map { TemplateValue.format(($0 * 10000).rounded() / 10000) } ?? "n/a" }
            out += pad("derived " + metric.name, nameWidth) + "  " + zip(cells, widths).map { pad($0, $1) }.joined(separator: "  ") + "\n"
        }
        for model in report.models {
            for item in model.cases where !item.passed {
                let reasons = item.runs.first.map { run in run.error ?? run.assertions.filter { !$0.passed }.map { "\($0.assertion.name): \($0.reason)" }.joined(separator: "; ") } ?? ""
                out += "\(model.model) \(item.name): \(reasons)\n"
            }
        }
        return out
    }


    /// A row's name cut to `width`, the prompt's part kept: rows of several prompts differ there.
    static func rowName(_ item: CaseResult, width: Int) -> String {
        guard item.name.count > width, let prompt = item.promptName else { return item.name }
        // The test's part gives way first, down to a few characters; then the prompt's, to half.
        let whole = prompt.count + 3 + min(item.test.name.count, 8) <= width
        let shownPrompt = whole || prompt.count <= width / 2 ? prompt : String(prompt.prefix(width / 2 - 1)) + "…"
        let tail = " [\(shownPrompt)]"
        let room = max(1, width - tail.count)
        return (item.test.name.count > room ? String(item.test.name.prefix(room - 1)) + "…" : item.test.name) + tail
    }

    /// `320 ms`, `1.2 s`.
    public static func milliseconds(_ ms: Int) -> String { ms < 1000 ? "\(ms) ms" : String(format: "%.1f s", Double(ms) / 1000) }
}
