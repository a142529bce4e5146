/// Dollars per million tokens and the context window of a model (or a family of model ids).
public struct ModelPrice: Sendable, Hashable, Codable {
    public var provider: String
    /// A model id or the prefix of a family of ids (see ``PriceTable/price(for:)``).
    public var model: String
    public var inputPerMillion: Double
    public var outputPerMillion: Double
    public var contextWindow: Int?

    public init(provider: String, model: String, inputPerMillion: Double, outputPerMillion: Double, contextWindow: Int? = nil) {
        self.provider = provider
        self.model = model
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.contextWindow = contextWindow
    }

    /// The cost of `usage`, marked estimated when the usage is.
    public func cost(of usage: Usage) -> Cost {
        Cost(dollars: (Double(usage.inputTokens) * inputPerMillion + Double(usage.outputTokens) * outputPerMillion) / 1_000_000,
             isEstimated: usage.isEstimated)
    }
}

/// Prices and context windows by model, with the built-in table and config overrides.
///
/// A model id that extends a known one (a dated snapshot such as `gpt-4o-mini-2024-07-18`, a
/// `-latest` alias, a `:70b` tag) is priced as its longest known prefix that ends at a `-`,
/// `:`, `@` or `/`; `*` prices every model of a provider (local models at zero). A model with no
/// price has an unknown cost, never $0.
public struct PriceTable: Sendable, Hashable {
    /// Prices by provider, then by model id (or prefix) lowercased once: setting a price and
    /// looking one up cost the same however many prices there are (a catalog of tens of
    /// thousands loads in linear time).
    private var entries: [String: [Substring: ModelPrice]] = [:]

    public init(_ prices: [ModelPrice] = []) {
        for price in prices { set(price) }
    }

    /// The built-in table; see `DefaultPrices.swift`.
    public static let standard = PriceTable(DefaultPrices.all)

    /// Adds or replaces the price of one model id or prefix (ids differing only in case are one id).
    public mutating func set(_ price: ModelPrice) {
        entries[price.provider, default: [:]][Substring(price.model.lowercased())] = price
    }

    /// The price of the longest known id that is `model`'s id or a prefix of it ending before a
    /// boundary character: the candidates are the id itself and the id cut at each boundary,
    /// looked up longest first, so the cost grows with the id's length, not the table's.
    public func price(for model: ModelID) -> ModelPrice? {
        guard let prices = entries[model.provider] else { return nil }
        let lowered = model.model.lowercased()
        var name = lowered[...]
        if name.hasPrefix("ft:") { name = name.dropFirst(3) } // fine-tunes: priced as their base model
        if name.hasPrefix("models/") { name = name.dropFirst(7) } // Gemini's resource names
        if let price = prices[name] { return price }
        var end = name.endIndex
        while let boundary = name[..<end].lastIndex(where: Self.boundaries.contains) {
            if let price = prices[name[..<boundary]] { return price }
            end = boundary
        }
        return prices["*"]
    }

    public func cost(of usage: Usage, for model: ModelID) -> Cost? {
        price(for: model)?.cost(of: usage)
    }

    public func contextWindow(for model: ModelID) -> Int? {
        price(for: model)?.contextWindow
    }

    public var all: [ModelPrice] { entries.values.flatMap(\.values).sorted { ($0.provider, $0.model) < ($1.provider, $1.model) } }

    private static let boundaries: Set<Character> = ["-", ":", "@", "/", "_"]
}
