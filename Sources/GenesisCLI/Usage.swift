import ArgumentParser
import Foundation
import GenesisEngine
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

    @Flag(name: .long, help: "Print {\"since\", \"by\", \"groups\": [{\"key\", \"requests\", \"errors\", \"cached\", \"refused\", \"pending\", \"input_tokens\", \"output_tokens\", \"cost_usd\", \"reserved_usd\", \"unpriced_requests\"}], \"total\", \"budgets\"}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let start = try since.map { try Self.parseSince($0, now: Date(), calendar: .current) }
        let storage = try global.requireStorage()
        let groups = try await storage.usageTotals(since: start, by: by)
        let total = UsageTotal.sum(groups)
        let configuration = try global.loadConfiguration()
        let budgets = await BudgetTracker(budgets: configuration.budgets, ledger: storage).status()
        if json {
            try Terminal.out(AnswerJSON.render([
                "since": start.map { ConversationFormat.iso($0) as Any } ?? NSNull(), "by": by.rawValue,
                "groups": groups.map(Self.object), "total": Self.object(total), "budgets": budgets.map(Self.object),
            ] as [String: Any]) + "\n")
            return
        }
        let header = [by.rawValue, "requests", "errors", "in tokens", "out tokens", "cost"]
        var rows = groups.map(Self.row)
        rows.append(Self.row(total))
        let table = TextTable(header: header, rows: rows), widths = table.widths
        try Terminal.out(table.line(header) + "\n")
        for (index, row) in rows.enumerated() {
            if index == rows.count - 1 { try Terminal.out(String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n") }
            try Terminal.out(table.line(row) + "\n")
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

    static func row(_ t: UsageTotal) -> [String] {
        [t.key, "\(t.requests)", "\(t.errors)", "\(t.inputTokens)", "\(t.outputTokens)", Cost.format(t.costDollars) + (t.unpriced > 0 ? "+?" : "")]
    }

    static func object(_ t: UsageTotal) -> [String: Any] {
        ["key": t.key, "requests": t.requests, "errors": t.errors, "cached": t.cached, "refused": t.refused, "pending": t.pending,
         "input_tokens": t.inputTokens, "output_tokens": t.outputTokens, "cost_usd": t.costDollars, "cost_nanos": t.costNanos,
         "reserved_usd": t.reservedDollars, "unpriced_requests": t.unpriced]
    }

    static func object(_ s: BudgetStatus) -> [String: Any] {
        ["name": s.budget.name, "provider": s.budget.provider.map { $0 as Any } ?? NSNull(), "period": s.budget.period.rawValue,
         "limit_usd": s.budget.dollars.map { $0 as Any } ?? NSNull(), "limit_tokens": s.budget.tokens.map { $0 as Any } ?? NSNull(),
         "spent_usd": s.spent.dollars, "spent_tokens": s.spent.tokens, "reserved_usd": s.spent.reservedDollars,
         "reserved_tokens": s.spent.reservedTokens, "used": s.usedFraction, "hard": s.budget.hard,
         "period_start": ConversationFormat.iso(s.periodStart), "period_end": ConversationFormat.iso(s.periodEnd)]
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
