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
    /// Prices by provider, each with its model id lowercased once, for lookups that allocate nothing.
    private var entries: [String: [Entry]] = [:]

    private struct Entry: Sendable, Hashable {
        let key: String
        let price: ModelPrice
    }

    public init(_ prices: [ModelPrice] = []) {
        for price in prices { set(price) }
    }

    /// The built-in table; see `DefaultPrices.swift`.
    public static let standard = PriceTable(DefaultPrices.all)

    /// Adds or replaces the price of one model id or prefix.
    public mutating func set(_ price: ModelPrice) {
        var list = entries[price.provider, default: []]
        list.removeAll { $0.price.model == price.model }
        list.append(Entry(key: price.model.lowercased(), price: price))
        entries[price.provider] = list
    }

    public func price(for model: ModelID) -> ModelPrice? {
        guard let list = entries[model.provider] else { return nil }
        var name = model.model.lowercased().utf8[...]
        if name.starts(with: "ft:".utf8) { name = name.dropFirst(3) } // fine-tunes: priced as their base model
        if name.starts(with: "models/".utf8) { name = name.dropFirst(7) } // Gemini's resource names
        var best: Entry?
        for entry in list where entry.key != "*" {
            let key = entry.key.utf8
            guard name.starts(with: key) else { continue }
            if name.count > key.count, !Self.boundaries.contains(name[name.index(name.startIndex, offsetBy: key.count)]) { continue }
            if key.count > (best?.key.utf8.count ?? -1) { best = entry }
        }
        return best?.price ?? list.first { $0.key == "*" }?.price
    }

    public func cost(of usage: Usage, for model: ModelID) -> Cost? {
        price(for: model)?.cost(of: usage)
    }

    public func contextWindow(for model: ModelID) -> Int? {
        price(for: model)?.contextWindow
    }

    public var all: [ModelPrice] { entries.values.flatMap { $0.map(\.price) }.sorted { ($0.provider, $0.model) < ($1.provider, $1.model) } }

    private static let boundaries: Set<UInt8> = Set("-:@/_".utf8)
}
