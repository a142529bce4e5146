import Foundation

/// The built-in prices: the shipped catalog (generated from LiteLLM's, see ``ShippedCatalog``)
/// and free local and simulated models. A newer catalog imported with `genesis prices import`
/// goes over it, and `[[prices]]` in the configuration over both.
enum DefaultPrices {
    static let all: [ModelPrice] = catalog + local

    /// The shipped catalog. It is generated and checked by tests, so reading it cannot fail.
    static let catalog: [ModelPrice] = (try? LiteLLMCatalog.read(Data(ShippedCatalog.json.utf8), file: "ShippedCatalog", providers: nil))?.prices ?? []

    /// Local and simulated models cost nothing.
    static let local: [ModelPrice] = [
        .init(provider: "ollama", model: "*", inputPerMillion: 0, outputPerMillion: 0),
        .init(provider: "llamacpp", model: "*", inputPerMillion: 0, outputPerMillion: 0),
        .init(provider: "sim", model: "*", inputPerMillion: 0, outputPerMillion: 0),
    ]
}
