import Synchronization

/// Each model's price, looked up in a ``PriceTable`` once: trying a model id's snapshots and
/// aliases costs microseconds, and every request asks for the same few models. Adapters ask it
/// what a model takes (``ModelTraits``, the API it is served on): the catalog is the one source.
public final class PriceMemo: Sendable {
    /// The shipped catalog's, for adapters made without a configuration (tests, tools).
    public static let standard = PriceMemo(.standard)

    private let table: PriceTable
    /// Each provider's kind, by name: a provider with no prices of its own has its kind's.
    private let kinds: [String: String]
    private let found = Mutex<[ModelID: ModelPrice?]>([:])

    public init(_ table: PriceTable, kinds: [String: String] = [:]) {
        self.table = table
        self.kinds = kinds
    }

    public convenience init(_ configuration: GenesisConfiguration) {
        self.init(configuration.prices, kinds: configuration.providers.mapValues(\.kind))
    }

    public func price(for model: ModelID) -> ModelPrice? {
        if let known = found.withLock({ $0[model] }) { return known }
        let price = table.price(for: model, kind: kinds[model.provider])
        found.withLock { memo in
            if memo.count > 10_000 { memo.removeAll() } // bounded, however many model ids a caller invents
            memo[model] = .some(price)
        }
        return price
    }

    func cost(of usage: Usage, for model: ModelID) -> Cost? {
        price(for: model)?.cost(of: usage)
    }
}
