import ArgumentParser
import Foundation
import GenesisEngine
import GenesisEvaluation
import GenesisStore

/// `genesis usage`: spending and tokens from the ledger.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show requests, tokens and cost from the usage ledger, grouped by provider, model or day.",
        discussion: "Totals are exact sums of the ledger's rows. Requests to models without a price are counted as unpriced, never as $0.")

    @Option(name: .long, help: ArgumentHelp("From this date on: YYYY-MM-DD, an ISO 8601 time, `today`, or a number of days like `7d`.", valueName: "date"))
    var since: String?

    @Option(name: .long, help: "Group by provider, model or day.")
    var by: UsageGrouping = .provider

    @Flag(name: .long, help: "Print {\"since\", \"by\", \"groups\": [{\"key\", \"requests\", \"errors\", \"cached\", \"refused\", \"pending\", \"input_tokens\", \"output_tokens\", \"cost_usd\", \"reserved_usd\", \"unpriced_requests\", \"latency_ms\": {\"p50\", \"p95\"}, \"ttft_ms\": {\"p50\"}, \"errors_by_type\"}], \"total\", \"budgets\"}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let start = try since.map { try Self.parseSince($0, now: Date(), calendar: .current) }
        let storage = try global.requireStorage()
        let groups = try await storage.usageTotals(since: start, by: by)
        let total = UsageTotal.sum(groups)
        let timings = try await storage.usageTimings(since: start, by: by)
        let allTimings = UsageTimings.merged(timings.values)
        let configuration = try global.loadConfiguration()
        let budgets = await BudgetTracker(budgets: configuration.budgets, ledger: storage).status()
        if json {
            try Terminal.out(AnswerJSON.render([
                "since": .nullable(start.map(ConversationFormat.iso)), "by": .string(by.rawValue),
                "groups": .array(groups.map { Self.object($0, timings[$0.key] ?? UsageTimings()) }), "total": Self.object(total, allTimings),
                "budgets": .array(budgets.map(Self.object)),
            ]) + "\n")
            return
        }
        let header = [by.rawValue, "requests", "errors", "in tokens", "out tokens", "cost", "latency p50", "p95", "ttft p50"]
        var rows = groups.map { Self.row($0, timings[$0.key] ?? UsageTimings()) }
        rows.append(Self.row(total, allTimings))
        let table = TextTable(header: header, rows: rows), widths = table.widths
        try Terminal.out(table.line(header) + "\n")
        for (index, row) in rows.enumerated() {
            if index == rows.count - 1 { try Terminal.out(String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n") }
            try Terminal.out(table.line(row) + "\n")
        }
        for group in groups {
            guard let kinds = timings[group.key]?.errorsByKind, !kinds.isEmpty else { continue }
            // The most frequent first.
            let counted = kinds.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }
            try Terminal.out("errors of \(group.key): " + counted.joined(separator: ", ") + "\n")
        }
        if total.unpriced > 0 { try Terminal.out("\(total.unpriced) request(s) used models with no price: their cost is not included.\n") }
        if total.pending > 0 {
            try Terminal.out("\(total.pending) request(s) unfinished (running now, or their process ended before they did): booked at up to \(Cost.format(total.reservedDollars)), which budgets count; not in the sums above.\n")
        }
        for status in budgets {
            let reserved = status.spent.reservedNanoDollars > 0 || status.spent.reservedTokens > 0
                ? " (reservations of unfinished requests included)" : ""
            try Terminal.out("budget \(status.budget.name): \(Int((status.usedFraction * 100).rounded()))% used this \(status.budget.period.rawValue)\(reserved)\n")
        }
    }

    static func row(_ t: UsageTotal, _ timings: UsageTimings) -> [String] {
        func ms(_ fraction: Double, _ values: [Int]) -> String { UsageTimings.percentile(fraction, of: values).map(EvaluationReport.milliseconds) ?? "-" }
        return [t.key, "\(t.requests)", "\(t.errors)", "\(t.inputTokens)", "\(t.outputTokens)", Cost.format(t.costDollars) + (t.unpriced > 0 ? "+?" : ""),
                ms(0.5, timings.latenciesMs), ms(0.95, timings.latenciesMs), ms(0.5, timings.timesToFirstTokenMs)]
    }

    static func object(_ t: UsageTotal, _ timings: UsageTimings) -> JSONValue {
        func ms(_ fraction: Double, _ values: [Int]) -> JSONValue { .nullable(UsageTimings.percentile(fraction, of: values)) }
        return ["key": .string(t.key), "requests": .integer(t.requests), "errors": .integer(t.errors), "cached": .integer(t.cached),
                "refused": .integer(t.refused), "pending": .integer(t.pending), "input_tokens": .integer(t.inputTokens),
                "output_tokens": .integer(t.outputTokens), "cost_usd": .number(t.costDollars), "cost_nanos": .number(Double(t.costNanos)),
                "reserved_usd": .number(t.reservedDollars), "unpriced_requests": .integer(t.unpriced),
                "latency_ms": ["p50": ms(0.5, timings.latenciesMs), "p95": ms(0.95, timings.latenciesMs)],
                "ttft_ms": ["p50": ms(0.5, timings.timesToFirstTokenMs)],
                "errors_by_type": .object(timings.errorsByKind.mapValues { .integer($0) })]
    }

    static func object(_ s: BudgetStatus) -> JSONValue {
        ["name": .string(s.budget.name), "provider": .nullable(s.budget.provider), "period": .string(s.budget.period.rawValue),
         "limit_usd": .nullable(s.budget.dollars), "limit_tokens": .nullable(s.budget.tokens),
         "spent_usd": .number(s.spent.dollars), "spent_tokens": .integer(s.spent.tokens), "reserved_usd": .number(s.spent.reservedDollars),
         "reserved_tokens": .integer(s.spent.reservedTokens), "used": .number(s.usedFraction), "hard": .bool(s.budget.hard),
         "period_start": .string(ConversationFormat.iso(s.periodStart)), "period_end": .string(ConversationFormat.iso(s.periodEnd))]
    }

    /// `2026-11-01`, `2026-11-01T09:00:00Z`, `today`, `7d` (the last seven days).
    static func parseSince(_ text: String, now: Date, calendar: Calendar) throws -> Date {
        let lower = text.lowercased()
        if lower == "today" { return calendar.startOfDay(for: now) }
        if lower.hasSuffix("d"), let days = Int(lower.dropLast()), (0...36_500).contains(days) {
            return now.addingTimeInterval(-Double(days) * 86_400)
        }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        if parts.count == 3, text.count == 10,
           let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
           calendar.component(.day, from: date) == parts[2] {
            return date
        }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        throw ValidationError("--since \"\(text)\" is not a date; write YYYY-MM-DD, an ISO 8601 time, today, or e.g. 7d")
    }
}

extension UsageGrouping: ExpressibleByArgument {}
