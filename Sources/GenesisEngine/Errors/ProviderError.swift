/// A provider answered with a failure, or could not be reached.
public struct ProviderError: GenesisError, Hashable {
    public var category: ErrorCategory
    public var provider: String?
    public var model: String?
    public var status: Int?
    /// The provider's own words, with any key removed.
    public var message: String
    public var isRetryable: Bool?

    public init(_ category: ErrorCategory, provider: String, model: String, status: Int? = nil, message: String,
                isRetryable: Bool? = nil) {
        self.category = category
        self.provider = provider
        self.model = model
        self.status = status
        self.message = message
        self.isRetryable = isRetryable
    }

    public var description: String {
        "\(origin)\(status.map { "HTTP \($0) " } ?? "")\(category.rawValue): \(message.sentence) Next: \(category.nextStep)."
    }
}

/// A provider's or Genesis's own rate limit refused the request.
public struct RateLimitError: GenesisError, Hashable {
    /// Which limit was hit.
    public enum Limit: String, Sendable, Hashable, Codable {
        case requests, tokens, quota, unknown
    }

    public var provider: String?
    public var model: String?
    public var status: Int?
    public var limit: Limit
    /// How long to wait before trying again, as the provider (or the limiter) said.
    public var retryAfter: Duration?
    /// True when Genesis's own limiter refused before anything was sent.
    public var isLocal: Bool
    public var message: String
    /// What the provider's headers (limits left, reset times) said, when it sent them.
    public var snapshot: RateLimitSnapshot?

    public init(provider: String, model: String, status: Int? = 429, limit: Limit, retryAfter: Duration?,
                isLocal: Bool = false, message: String, snapshot: RateLimitSnapshot? = nil) {
        self.provider = provider
        self.model = model
        self.status = status
        self.limit = limit
        self.retryAfter = retryAfter
        self.isLocal = isLocal
        self.message = message
        self.snapshot = snapshot
    }

    /// A quota or spending limit is not fixed by waiting; a local refusal is a decision.
    public var isRetryable: Bool? { limit == .quota || isLocal ? false : nil }

    public var category: ErrorCategory { .rateLimit }

    public var description: String {
        let wait = retryAfter.map { String(format: " (retry after %.1f s)", $0.seconds) } ?? ""
        let scope = isLocal ? "Genesis's \(limit.rawValue)-per-minute limit" : limit == .quota ? "quota (waiting will not help)" : "\(limit.rawValue) limit"
        return "\(origin)\(status.map { "HTTP \($0) " } ?? "")rate limited by \(scope): \(message.trimmingCharacters(in: CharacterSet(charactersIn: ". ")))\(wait). Next: \(category.nextStep)."
    }
}

/// The provider does not know the model.
public struct ModelNotFoundError: GenesisError, Hashable {
    public var provider: String?
    public var model: String?
    public var status: Int?
    /// Some models the provider does know, to suggest instead.
    public var available: [String]

    public init(provider: String, model: String, status: Int? = nil, available: [String] = []) {
        self.provider = provider
        self.model = model
        self.status = status
        self.available = available
    }

    public var category: ErrorCategory { .modelNotFound }

    public var description: String {
        let known = available.isEmpty ? "" : "; known models: \(available.prefix(12).joined(separator: ", "))"
        return "\(origin)\(status.map { "HTTP \($0) " } ?? "")model not found\(known). Next: \(category.nextStep)."
    }
}

/// The request itself is wrong (bad parameters, an unreadable image, an empty prompt).
public struct InvalidRequestError: GenesisError, Hashable {
    public var provider: String?
    public var model: String?
    public var status: Int?
    public var message: String
    public var hint: String

    public init(provider: String? = nil, model: String? = nil, status: Int? = nil, message: String, hint: String) {
        self.provider = provider
        self.model = model
        self.status = status
        self.message = message
        self.hint = hint
    }

    public var category: ErrorCategory { .invalidRequest }
    public var description: String { "\(origin)\(status.map { "HTTP \($0) " } ?? "")invalid request: \(message.sentence) Next: \(hint)." }
}

/// A spending or token budget refused the request before anything was sent.
public struct BudgetExceededError: GenesisError, Hashable {
    public var provider: String?
    public var model: String?
    /// Which budget, e.g. `openai daily $5.00`.
    public var budget: String
    /// What was spent and the limit, in dollars or in tokens (`isTokens`).
    public var spent: Double
    public var limit: Double
    public var isTokens: Bool
    /// What requests not yet finished had reserved (their estimates), in the same unit.
    public var reserved: Double
    /// The most this request was estimated to cost or use.
    public var requested: Double
    /// Refused because the model has no price, so what it costs cannot be counted.
    public var isUnpriced: Bool

    public init(provider: String? = nil, model: String? = nil, budget: String, spent: Double, limit: Double, isTokens: Bool = false,
                reserved: Double = 0, requested: Double = 0, isUnpriced: Bool = false) {
        self.isUnpriced = isUnpriced
        self.provider = provider
        self.model = model
        self.budget = budget
        self.spent = spent
        self.limit = limit
        self.isTokens = isTokens
        self.reserved = reserved
        self.requested = requested
    }

    public var category: ErrorCategory { .budgetExceeded }
    public var description: String {
        func amount(_ value: Double) -> String { isTokens ? "\(Int(value))" : Cost.format(value) }
        let unit = isTokens ? " tokens" : ""
        let used = "spent \(amount(spent)), reserved \(amount(reserved)) by requests not yet finished"
        if isUnpriced {
            let id = [provider, model].compactMap { $0 }.joined(separator: ":")
            return "\(origin)budget \(budget) cannot count \(id.isEmpty ? "this model" : id): it has no price (\(used)); the request was not sent. Next: give it a price with [[prices]] in the configuration or `genesis prices import FILE`, or set allow_unpriced = true in the budget to let unpriced models through."
        }
        let left = limit - spent - reserved
        guard left >= (isTokens ? 1 : 1e-9) else { // a nano-dollar: the ledger's unit
            return "\(origin)budget exceeded: \(budget) (\(used): nothing left of \(amount(limit))\(unit)); the request was not sent. Next: \(category.nextStep)."
        }
        let next = requested > limit
            ? "this request alone could use more than the whole budget: lower its max tokens (they bound what it books), or raise the budget in the configuration"
            : "lower the request's max tokens (they bound what it books), wait for requests in flight to finish or for the next period, or raise the budget in the configuration"
        return "\(origin)budget exceeded: \(budget) (\(used); this request could use up to \(amount(requested)), more than the \(amount(left)) left of \(amount(limit))\(unit)); the request was not sent. Next: \(next)."
    }
}

/// The configuration is wrong: which file, which line, which key, and how to fix it.
public struct ConfigurationError: GenesisError, Hashable {
    public var file: String?
    public var line: Int?
    public var key: String?
    public var message: String

    public init(file: String? = nil, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var category: ErrorCategory { .configuration }

    public var description: String {
        var place = file ?? ""
        if let line { place += place.isEmpty ? "line \(line)" : ":\(line)" }
        if let key { place += place.isEmpty ? key : " \(key)" }
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

/// The caller cancelled the request (Ctrl-C, a closed pane, a cancelled task).
public struct CancellationFailure: GenesisError, Hashable {
    public var provider: String?
    public var model: String?
    public init(provider: String? = nil, model: String? = nil) {
        self.provider = provider
        self.model = model
    }
    public var category: ErrorCategory { .cancelled }
    public var description: String { "\(origin)cancelled" }
}

extension String {
    /// The text ending in one full stop (or the `?`/`!` it already ends with).
    var sentence: String {
        let trimmed = trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last else { return "" }
        return ".?!".contains(last) ? trimmed : trimmed + "."
    }
}

import Foundation
