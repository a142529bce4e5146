/// What a provider's response headers said about its limits (`x-ratelimit-*`,
/// `anthropic-ratelimit-*`, `retry-after`). Every field is optional: providers send different sets.
public struct RateLimitSnapshot: Sendable, Hashable {
    public var requestLimit: Int?
    public var requestsRemaining: Int?
    /// Time until the request allowance is fully restored.
    public var requestsReset: Duration?
    public var tokenLimit: Int?
    public var tokensRemaining: Int?
    public var tokensReset: Duration?
    public var retryAfter: Duration?

    public init(requestLimit: Int? = nil, requestsRemaining: Int? = nil, requestsReset: Duration? = nil,
                tokenLimit: Int? = nil, tokensRemaining: Int? = nil, tokensReset: Duration? = nil,
                retryAfter: Duration? = nil) {
        self.requestLimit = requestLimit
        self.requestsRemaining = requestsRemaining
        self.requestsReset = requestsReset
        self.tokenLimit = tokenLimit
        self.tokensRemaining = tokensRemaining
        self.tokensReset = tokensReset
        self.retryAfter = retryAfter
    }

    /// How long until whichever announced limit is used up resets; nil when none is.
    public var resetOfExhaustedLimit: Duration? {
        if requestsRemaining == 0, let requestsReset { return requestsReset }
        if tokensRemaining == 0, let tokensReset { return tokensReset }
        return nil
    }

    /// Parses a reset value as providers write it: OpenAI's `6m0s`, `1.5s`, `120ms`, `1h2m3s`,
    /// or plain seconds (`20`, `0.5`). Returns nil for anything else.
    public static func parseDuration(_ text: String) -> Duration? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(s), seconds.isFinite, seconds >= 0 { return clamped(seconds) }
        var total = 0.0, number = "", index = s.startIndex, sawUnit = false
        while index < s.endIndex {
            let c = s[index]
            if c.isNumber || c == "." { number.append(c); index = s.index(after: index); continue }
            var unit = String(c)
            let next = s.index(after: index)
            if "mun".contains(c) || c == "µ", next < s.endIndex, s[next] == "s" { unit = String(c) + "s" }
            guard let value = Double(number) else { return nil }
            switch unit {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "ms": total += value / 1000
            case "us", "µs": total += value / 1_000_000
            case "ns": total += value / 1_000_000_000
            default: return nil
            }
            sawUnit = true
            number = ""
            index = s.index(index, offsetBy: unit.count)
        }
        guard sawUnit, number.isEmpty, total.isFinite else { return nil }
        return clamped(total)
    }

    /// Seconds as a duration, at most a day: absurd values from a server never overflow.
    public static func clamped(_ seconds: Double) -> Duration {
        .milliseconds(Int64((min(max(seconds, 0), 86_400) * 1000).rounded()))
    }
}

import Foundation
