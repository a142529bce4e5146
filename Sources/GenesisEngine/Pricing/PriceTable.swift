/// Prices and context windows by model: the shipped catalog, an imported newer one, and the
/// configuration's `[[prices]]`, later ones replacing earlier ones.
///
/// A model is priced by its own id only, or by the id it is a dated snapshot or an alias of:
/// `gpt-4o-mini-2024-07-18`, `claude-sonnet-4-5-20250929`, `mistral-large-latest`,
/// `gemini-2.5-flash-preview-05-20` and `gemini-1.5-pro-002` fall back to the id without that
/// suffix, and a fine-tune (`ft:gpt-4o-mini:org::id`) to its base model. Never to a shorter id that
/// is another model: `claude-opus-4-8` is not `claude-opus-4`. A family is priced only where it is
/// said to be: an entry ending in `*` (`gpt-5*`, or `*` for every model of a provider, as local
/// models are free). A model with no price has an unknown cost, never $0.
public struct PriceTable: Sendable, Hashable {
    /// Prices by provider, then by lowercased model id: setting a price and looking one up cost
    /// the same however many prices there are (a catalog of tens of thousands loads in linear time).
    private var entries: [String: [String: ModelPrice]] = [:]
    /// Families (`gpt-5*`) by provider, longest prefix first: few, and configured by hand.
    private var families: [String: [(prefix: String, price: ModelPrice)]] = [:]

    public init(_ prices: [ModelPrice] = []) {
        for price in prices { set(price) }
    }

    /// The shipped catalog and free local models; see `DefaultPrices.swift`.
    public static let standard = PriceTable(DefaultPrices.all)
    /// What the shipped catalog was generated from, e.g. `litellm 1.110.2`.
    public static let shippedSource = ShippedCatalog.source
    /// The shipped catalog as generated, in LiteLLM's format.
    public static var shippedCatalogText: String { ShippedCatalog.json }
    /// The shipped catalog alone.
    public static let shipped = PriceTable(DefaultPrices.catalog)

    /// Adds or replaces the price of one model id or family (ids differing only in case are one id).
    public mutating func set(_ price: ModelPrice) {
        let id = price.model.lowercased()
        if price.isFamily {
            let prefix = String(id.dropLast())
            var list = families[price.provider, default: []].filter { $0.prefix != prefix }
            list.append((prefix, price))
            list.sort { $0.prefix.count > $1.prefix.count }
            families[price.provider] = list
        } else {
            entries[price.provider, default: [:]][id] = price
        }
    }

    /// The price of `model`: its id, then the ids it is a snapshot or alias of, then the longest
    /// family it belongs to. `kind`, the provider's wire format, is looked up when the provider's
    /// own name has no price (a provider named `work` of kind `anthropic` has Anthropic's prices).
    public func price(for model: ModelID, kind: String? = nil) -> ModelPrice? {
        if let price = price(model.model, provider: model.provider) { return price }
        guard let kind, kind != model.provider else { return nil }
        return price(model.model, provider: kind)
    }

    private func price(_ id: String, provider: String) -> ModelPrice? {
        let prices = entries[provider] ?? [:]
        if !prices.isEmpty {
            for candidate in ModelIDAliases.candidates(for: id) {
                if let price = prices[candidate] { return price }
            }
        }
        let lowered = id.lowercased()
        return families[provider]?.first { lowered.hasPrefix($0.prefix) }?.price
    }

    public func cost(of usage: Usage, for model: ModelID, kind: String? = nil) -> Cost? {
        price(for: model, kind: kind)?.cost(of: usage)
    }

    public func contextWindow(for model: ModelID, kind: String? = nil) -> Int? {
        price(for: model, kind: kind)?.contextWindow
    }

    public var all: [ModelPrice] {
        (entries.values.flatMap(\.values) + families.values.flatMap { $0.map(\.price) })
            .sorted { ($0.provider, $0.model) < ($1.provider, $1.model) }
    }

    public static func == (a: PriceTable, b: PriceTable) -> Bool { a.all == b.all }
    public func hash(into hasher: inout Hasher) { hasher.combine(all) }
}
