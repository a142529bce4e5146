import Foundation

/// A spending or token limit over a day or a month, for one provider or for everything.
///
/// A hard budget refuses a request (``BudgetExceededError``, exit code 9) unless what it could
/// cost fits in what is left; a soft one only alerts. What is left is the limit less what was
/// spent and what requests not yet finished have reserved (see ``refusal(of:after:provider:model:)``).
/// Alerts fire once per period at each threshold (e.g. 50%, 80%, 100%).
public struct Budget: Sendable, Hashable {
    public enum Period: String, Sendable, Hashable, CaseIterable {
        case day, month
    }

    /// nil: every provider together.
    public var provider: String?
    public var period: Period
    public var dollars: Double?
    public var tokens: Int?
    public var hard: Bool
    /// Fractions of the limit at which to alert, ascending.
    public var alerts: [Double]
    /// Whether a hard dollar limit lets through a request to a model with no price (counted as
    /// nothing, so the limit no longer holds); off unless `allow_unpriced = true`.
    public var allowsUnpriced = false

    public init(provider: String? = nil, period: Period, dollars: Double? = nil, tokens: Int? = nil, hard: Bool = true,
                alerts: [Double] = [0.5, 0.8, 1.0]) {
        self.provider = provider
        self.period = period
        self.dollars = dollars
        self.tokens = tokens
        self.hard = hard
        self.alerts = alerts.sorted()
    }

    /// `openai daily $5.00`, `overall monthly 2000000 tokens`, `sim daily $1.00 / 10000 tokens (soft)`.
    public var name: String {
        var limits: [String] = []
        // Cents, unless that would show a limit under a cent as $0.00.
        if let dollars { limits.append(dollars == 0 || dollars >= 0.01 ? String(format: "$%.2f", dollars) : Cost.format(dollars)) }
        if let tokens { limits.append("\(tokens) tokens") }
        return "\(provider ?? "overall") \(period == .day ? "daily" : "monthly") \(limits.joined(separator: " / "))\(hard ? "" : " (soft)")"
    }

    func applies(to provider: String) -> Bool { self.provider == nil || self.provider == provider }

    /// The larger of the used fractions of the dollar and token limits, reservations included.
    func usedFraction(_ spent: Spending) -> Double {
        var fraction = 0.0
        if let dollars, dollars > 0 { fraction = max(fraction, Double(spent.usedNanoDollars) / 1e9 / dollars) }
        if let dollars, dollars == 0 { fraction = max(fraction, 1) }
        if let tokens { fraction = max(fraction, tokens > 0 ? Double(spent.usedTokens) / Double(tokens) : 1) }
        return fraction
    }

    /// Why this budget cannot take a request that could cost `request` (its estimate, as
    /// spending) on top of `used` (the period's spending and reservations), or nil when it can.
    ///
    /// A hard budget takes a request while something is left and the estimate fits in it, so
    /// requests booked together never add up past the limit. A request to a model with no price
    /// (`isPriced` false) could cost anything: a hard dollar limit refuses it unless it
    /// ``allowsUnpriced``, and then it fits while the budget is not used up.
    public func refusal(of request: Spending, after used: Spending, provider: String, model: String,
                        isPriced: Bool = true) -> BudgetExceededError? {
        guard hard, applies(to: provider) else { return nil }
        if let dollars {
            if !isPriced && !allowsUnpriced {
                return BudgetExceededError(provider: provider, model: model, budget: name, spent: used.dollars, limit: dollars,
                                           reserved: used.reservedDollars, isUnpriced: true)
            }
            let limit = Spending.nanos(dollars)
            if used.usedNanoDollars >= limit || used.usedNanoDollars &+ request.nanoDollars > limit {
                return BudgetExceededError(provider: provider, model: model, budget: name, spent: used.dollars, limit: dollars,
                                           reserved: used.reservedDollars, requested: request.dollars)
            }
        }
        if let tokens, used.usedTokens >= tokens || used.usedTokens &+ request.tokens > tokens {
            return BudgetExceededError(provider: provider, model: model, budget: name, spent: Double(used.tokens), limit: Double(tokens),
                                       isTokens: true, reserved: Double(used.reservedTokens), requested: Double(request.tokens))
        }
        return nil
    }

    /// The start of the period holding `date`, in `calendar`'s time zone.
    public func periodStart(containing date: Date, calendar: Calendar) -> Date {
        switch period {
        case .day: return calendar.startOfDay(for: date)
        case .month: return calendar.date(from: calendar.dateComponents([.year, .month], from: date)) ?? calendar.startOfDay(for: date)
        }
    }

    public func periodEnd(after start: Date, calendar: Calendar) -> Date {
        calendar.date(byAdding: period == .day ? .day : .month, value: 1, to: start) ?? start.addingTimeInterval(86_400)
    }
}

/// A threshold a budget crossed.
public struct BudgetAlert: Sendable, Hashable {
    public var budget: Budget
    /// The threshold crossed, e.g. 0.8.
    public var threshold: Double
    public var spent: Spending

    /// The metadata key of the warning logged when an alert is raised, so that a log handler can
    /// show alerts where it shows nothing else (the CLI's standard error).
    public static let logMetadataKey = "genesis.budget_alert"

    public var message: String {
        var amounts: [String] = []
        if let dollars = budget.dollars {
            amounts.append("\(Cost.format(spent.dollars))\(spent.reservedNanoDollars > 0 ? " + \(Cost.format(spent.reservedDollars)) reserved" : "") of \(Cost.format(dollars))")
        }
        if let tokens = budget.tokens {
            amounts.append("\(spent.tokens)\(spent.reservedTokens > 0 ? " + \(spent.reservedTokens) reserved" : "") of \(tokens) tokens")
        }
        let verdict = threshold >= 1 ? (budget.hard ? "; new requests are refused until the period ends" : "; over budget") : ""
        return "budget \(budget.name): \(Int((threshold * 100).rounded()))% used (\(amounts.joined(separator: ", ")))\(verdict)"
    }
}

/// A budget's state now.
public struct BudgetStatus: Sendable, Hashable {
    public var budget: Budget
    /// Spent, and apart from it what requests not yet finished reserved.
    public var spent: Spending
    public var periodStart: Date
    public var periodEnd: Date
    public var usedFraction: Double
}
