import Foundation

/// What one model costs and what it takes: US dollars per million tokens (input, output, cache
/// reads and writes, and the higher rates of long prompts), its context window and longest
/// answer, the API it is served on, and when it retires.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var provider: String
    /// A model id; ending in `*`, the family of ids that start with the rest (see ``PriceTable``).
    public var model: String
    public var inputPerMillion: Double
    public var outputPerMillion: Double
    /// Input read from the provider's prompt cache; nil: the input rate.
    public var cachedInputPerMillion: Double?
    /// Input written to the provider's prompt cache (Anthropic's 5-minute write); nil: the input rate.
    public var cacheWritePerMillion: Double?
    /// Input written to the cache for an hour (Anthropic); nil: the 5-minute write rate.
    public var cacheWrite1hPerMillion: Double?
    /// Higher rates for a prompt longer than a threshold (Gemini Pro above 200k tokens, gpt-5.4
    /// and later above 272k), lowest threshold first.
    public var tiers: [Tier]
    public var contextWindow: Int?
    public var maxOutputTokens: Int?
    /// `chat`, or `responses` for an OpenAI model served only by the Responses API.
    public var mode: String?
    public var supportsReasoning: Bool?
    /// False for a model that refuses `temperature`, `top_p` and `top_k` (Claude Opus 4.7+).
    public var supportsSampling: Bool?
    /// The day the provider retires the model (`YYYY-MM-DD`).
    public var deprecationDate: String?
    /// The catalog that last listed the model, when the newest one no longer does: retired.
    public var unlistedSince: String?

    /// The rates that apply to a whole request whose prompt is longer than `aboveTokens`.
    public struct Tier: Sendable, Hashable, Codable {
        public var aboveTokens: Int
        public var inputPerMillion: Double?
        public var outputPerMillion: Double?
        public var cachedInputPerMillion: Double?
        public var cacheWritePerMillion: Double?

        public init(aboveTokens: Int, inputPerMillion: Double? = nil, outputPerMillion: Double? = nil,
                    cachedInputPerMillion: Double? = nil, cacheWritePerMillion: Double? = nil) {
            self.aboveTokens = aboveTokens
            self.inputPerMillion = inputPerMillion
            self.outputPerMillion = outputPerMillion
            self.cachedInputPerMillion = cachedInputPerMillion
            self.cacheWritePerMillion = cacheWritePerMillion
        }
    }

    public init(provider: String, model: String, inputPerMillion: Double, outputPerMillion: Double, contextWindow: Int? = nil,
                cachedInputPerMillion: Double? = nil, cacheWritePerMillion: Double? = nil, tiers: [Tier] = [],
                maxOutputTokens: Int? = nil, mode: String? = nil, supportsReasoning: Bool? = nil, supportsSampling: Bool? = nil,
                deprecationDate: String? = nil, unlistedSince: String? = nil, cacheWrite1hPerMillion: Double? = nil) {
        self.cacheWrite1hPerMillion = cacheWrite1hPerMillion
        self.provider = provider
        self.model = model
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.contextWindow = contextWindow
        self.cachedInputPerMillion = cachedInputPerMillion
        self.cacheWritePerMillion = cacheWritePerMillion
        self.tiers = tiers.sorted { $0.aboveTokens < $1.aboveTokens }
        self.maxOutputTokens = maxOutputTokens
        self.mode = mode
        self.supportsReasoning = supportsReasoning
        self.supportsSampling = supportsSampling
        self.deprecationDate = deprecationDate
        self.unlistedSince = unlistedSince
    }

    /// The cost of `usage` (PROTOCOLS 9.4): uncached input at the input rate, cache reads and
    /// writes at theirs (an hour's writes at the 1-hour rate), output (reasoning included) at the
    /// output rate; a prompt longer than a tier's threshold prices the whole request at that
    /// tier's rates. Estimated when the usage is.
    public func cost(of usage: Usage) -> Cost {
        let tier = tiers.last { usage.inputTokens > $0.aboveTokens }
        let input = tier?.inputPerMillion ?? inputPerMillion
        let output = tier?.outputPerMillion ?? outputPerMillion
        let cachedRate = tier?.cachedInputPerMillion ?? cachedInputPerMillion ?? input
        let writeRate = tier?.cacheWritePerMillion ?? cacheWritePerMillion ?? input
        let cached = max(0, usage.cachedInputTokens ?? 0), written = max(0, usage.cacheWriteTokens ?? 0)
        let uncached = max(0, usage.inputTokens - cached - written)
        let forAnHour = min(written, max(0, usage.cacheWrite1hTokens ?? 0))
        let hourRate = cacheWrite1hPerMillion ?? writeRate
        let dollars = Double(uncached) * input + Double(cached) * cachedRate + Double(written - forAnHour) * writeRate
            + Double(forAnHour) * hourRate + Double(usage.outputTokens) * output
        return Cost(dollars: dollars / 1_000_000, isEstimated: usage.isEstimated)
    }

    /// Whether the model is retired on `day` (`YYYY-MM-DD`): its retirement date has come, or
    /// the newest catalog no longer lists it.
    public func isRetired(on day: String) -> Bool {
        unlistedSince != nil || deprecationDate.map { $0 <= day } == true
    }

    /// `retired`, `retires 2027-02-01`, or nil for a model with no retirement in view.
    public func retirement(on day: String) -> String? {
        if isRetired(on: day) { return deprecationDate.map { "retired \($0)" } ?? "retired" }
        return deprecationDate.map { "retires \($0)" }
    }

    /// Today as `YYYY-MM-DD` in UTC, the form retirement dates are compared in.
    public static func today(_ now: Date = Date()) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now)
        func two(_ n: Int?) -> String { (n ?? 0) < 10 ? "0\(n ?? 0)" : "\(n ?? 0)" }
        return "\(parts.year ?? 1970)-\(two(parts.month))-\(two(parts.day))"
    }

    /// Whether this entry prices a family of ids (`gpt-5*`) rather than one id.
    var isFamily: Bool { model.hasSuffix("*") }
}
