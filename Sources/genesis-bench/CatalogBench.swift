import Foundation
import GenesisEngine

/// The price catalog's costs: reading the shipped catalog (done once per run of `genesis`, when
/// the first price is asked), and pricing a model id the table has not seen (its snapshots and
/// aliases tried in turn; the engine memoizes each id's answer).
enum CatalogBench {
    struct Figures {
        var loadMilliseconds: Double
        var models: Int
        var lookupMicroseconds: Double

        var line: String {
            String(format: "price catalog: %d models read in %.1f ms; an unseen model id priced in %.1f µs (snapshot and alias suffixes tried)",
                   models, loadMilliseconds, lookupMicroseconds)
        }
    }

    static func run() -> Figures {
        let clock = ContinuousClock()
        var load = Duration.seconds(1_000), models = 0
        let data = Data(PriceTable.shippedCatalogText.utf8)
        for _ in 0..<5 {
            let start = clock.now
            let contents = try? LiteLLMCatalog.read(data, file: "shipped", providers: nil)
            load = min(load, clock.now - start)
            models = contents?.prices.count ?? 0
        }
        let table = PriceTable.standard
        let ids = (0..<2_000).map { (n: Int) -> ModelID in
            let year: Int = 2027 + n / 336, month: Int = n % 12 + 1, day: Int = n % 28 + 1
            return ModelID(provider: "openai", model: String(format: "gpt-5.5-%04d-%02d-%02d-preview", year, month, day))
        }
        var lookup = Duration.seconds(1_000)
        for _ in 0..<3 {
            let start = clock.now
            var found = 0
            for id in ids where table.price(for: id) != nil { found += 1 }
            lookup = min(lookup, clock.now - start)
            precondition(found == ids.count)
        }
        return Figures(loadMilliseconds: load.seconds * 1000, models: models, lookupMicroseconds: lookup.seconds * 1e6 / Double(ids.count))
    }
}
