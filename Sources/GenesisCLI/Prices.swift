import ArgumentParser
import Foundation
import GenesisEngine
import GenesisProviders

/// `genesis prices`: the price and model catalog, and importing a newer one.
struct Prices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List model prices, context windows and retirements; import a newer catalog.",
        discussion: """
        Genesis ships a catalog generated from LiteLLM's model_prices_and_context_window.json. \
        `genesis prices import FILE|URL` keeps a newer copy in the data directory, over the shipped \
        one; [[prices]] in the configuration go over both.
        """,
        subcommands: [List.self, Import.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the prices (the default).")

        @Argument(help: ArgumentHelp("Only ids containing this text, or matching it with * as a wildcard (e.g. claude, \"openai:gpt-5*\").", valueName: "pattern"))
        var pattern: String?

        @Flag(name: .long, help: """
            Print {"prices": [{"id", "input_per_million", "output_per_million", "cached_input_per_million", "cache_write_per_million", \
            "context_window", "max_output_tokens", "mode", "deprecation_date", "retired", "tiers"}], "sources"}.
            """)
        var json = false

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let configuration = try global.loadConfiguration()
            let matcher = pattern.map(PriceFilter.init)
            let prices = configuration.prices.all.filter { $0.model != "*" && matcher?.matches($0) != false }
            let today = ModelPrice.today()
            let imported = try ImportedCatalog.load()
            var sources = ["shipped": PriceTable.shippedSource]
            if let imported { sources["imported"] = "\(imported.source) (\(imported.importedAt))" }
            if json {
                try Terminal.out(AnswerJSON.render(["prices": .array(prices.map { Self.row($0, today: today) }),
                                                     "sources": .object(sources.mapValues(JSONValue.string))] as JSONValue) + "\n")
                return
            }
            guard !prices.isEmpty else {
                throw ValidationError("no price matches \"\(pattern ?? "")\"; run `genesis prices` to see them all")
            }
            let table = prices.map { price -> [String] in
                [price.provider + ":" + price.model, Self.rate(price.inputPerMillion), Self.rate(price.outputPerMillion),
                 price.cachedInputPerMillion.map(Self.rate) ?? "-", price.contextWindow.map(Self.tokens) ?? "?",
                 price.maxOutputTokens.map(Self.tokens) ?? "?", price.mode.flatMap { ["responses", "embedding"].contains($0) ? $0 : nil } ?? "",
                 [price.tiers.isEmpty ? nil : "tiered above \(Self.tokens(price.tiers[0].aboveTokens))", price.retirement(on: today)]
                    .compactMap { $0 }.joined(separator: ", ")]
            }
            try Terminal.out(TextTable(header: ["model", "in $/M", "out $/M", "cached $/M", "context", "max out", "api", "notes"], rows: table,
                                       leftAligned: [0, 6, 7]).rendered)
            var origin = "prices: \(PriceTable.shippedSource) (shipped)"
            if let imported { origin += ", then \(imported.source) imported \(imported.importedAt)" }
            if let file = configuration.source { origin += ", then [[prices]] in \(file)" }
            try Terminal.out(origin + "\n")
        }

        /// `128k`, `1.05M`, `512`.
        static func tokens(_ n: Int) -> String {
            func trimmed(_ text: String) -> String {
                var text = text
                while text.contains("."), text.hasSuffix("0") { text.removeLast() }
                return text.hasSuffix(".") ? String(text.dropLast()) : text
            }
            if n >= 1_000_000 { return trimmed(DecimalText.fixed(Double(n) / 1_000_000, places: 2)) + "M" }
            return n >= 1000 ? trimmed(DecimalText.fixed(Double(n) / 1000, places: 1)) + "k" : "\(n)"
        }

        /// `5`, `0.125`, `0.0375`: up to four decimals, without trailing zeros.
        static func rate(_ value: Double) -> String {
            var text = DecimalText.fixed(value, places: 4)
            while text.contains("."), text.hasSuffix("0") { text.removeLast() }
            return text.hasSuffix(".") ? String(text.dropLast()) : text
        }

        static func row(_ price: ModelPrice, today: String) -> JSONValue {
            func rate(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
            func tokens(_ x: Int?) -> JSONValue { x.map { .number(Double($0)) } ?? .null }
            func text(_ x: String?) -> JSONValue { x.map(JSONValue.string) ?? .null }
            return [
                "id": .string(price.provider + ":" + price.model), "input_per_million": .number(price.inputPerMillion),
                "output_per_million": .number(price.outputPerMillion),
                "cached_input_per_million": rate(price.cachedInputPerMillion), "cache_write_per_million": rate(price.cacheWritePerMillion),
                "context_window": tokens(price.contextWindow), "max_output_tokens": tokens(price.maxOutputTokens), "mode": text(price.mode),
                "deprecation_date": text(price.deprecationDate), "retired": .bool(price.isRetired(on: today)),
                "tiers": .array(price.tiers.map { tier in
                    ["above_tokens": .number(Double(tier.aboveTokens)), "input_per_million": rate(tier.inputPerMillion),
                     "output_per_million": rate(tier.outputPerMillion), "cached_input_per_million": rate(tier.cachedInputPerMillion),
                     "cache_write_per_million": rate(tier.cacheWritePerMillion)]
                }),
            ]
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Read a newer copy of LiteLLM's catalog (a file or an http(s) URL) and keep it, over the shipped one.")

        @Argument(help: ArgumentHelp("model_prices_and_context_window.json, as a path or an http(s) URL.", valueName: "file-or-url"))
        var source: String

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            // A URL is fetched through the configured proxy and certificate authorities.
            let configuration = try global.loadConfiguration()
            let data = try await Self.read(source, pool: ConnectionPool(network: configuration.network))
            let contents = try LiteLLMCatalog.read(data, file: source, providers: configuration.kinds.catalogNames)
            let catalog = ImportedCatalog(source: source, importedAt: ISO8601DateFormatter().string(from: Date()), prices: contents.prices)
            do {
                try catalog.save()
            } catch {
                throw ValidationError("cannot keep the imported catalog at \(ImportedCatalog.path()): \(error)")
            }
            let shipped = PriceTable.shipped
            let added = contents.prices.filter { shipped.price(for: ModelID(provider: $0.provider, model: $0.model)) == nil }.count
            try Terminal.out("imported \(contents.prices.count) models from \(source) (\(added) not in the shipped catalog; \(contents.skipped) entries of other providers or modes left out); kept at \(ImportedCatalog.path())\n")
        }

        /// The bytes of a file, or of an http(s) URL's answer, refused past `limit`.
        static func read(_ source: String, pool: ConnectionPool) async throws -> Data {
            let limit = 64 << 20 // far above LiteLLM's whole catalog: anything bigger is not one
            if source.hasPrefix("http://") || source.hasPrefix("https://") {
                let response: HTTPStreamingResponse
                do {
                    response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: source), connectTimeout: .seconds(10), idleTimeout: .seconds(30),
                                                                pool: pool)
                } catch {
                    throw ValidationError("cannot fetch \(source): \(error); check the URL, or download the file and import it from disk")
                }
                guard response.status == 200 else {
                    throw ValidationError("cannot fetch \(source): the server answered HTTP \(response.status); check the URL, or download the file and import it from disk")
                }
                do {
                    return Data(try await response.collect(upTo: limit))
                } catch {
                    throw ValidationError("cannot fetch \(source): \(error)")
                }
            }
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: source) else {
                throw ValidationError("no such file: \(source)")
            }
            guard (attributes[.size] as? Int ?? 0) <= limit else { throw ValidationError("\(source) is larger than 64 MB: not a price catalog") }
            guard let data = FileManager.default.contents(atPath: source) else { throw ValidationError("cannot read \(source); check its permissions") }
            return data
        }
    }
}

/// A `genesis prices` pattern: with `*`, a wildcard match of the whole `provider:model` id;
/// otherwise a case-insensitive part of it.
struct PriceFilter {
    let pattern: String

    init(_ pattern: String) { self.pattern = pattern.lowercased() }

    func matches(_ price: ModelPrice) -> Bool {
        let id = (price.provider + ":" + price.model).lowercased()
        guard pattern.contains("*") else { return id.contains(pattern) || price.model.lowercased().contains(pattern) }
        return Self.wildcard(pattern[...], matches: id[...]) || Self.wildcard(pattern[...], matches: price.model.lowercased()[...])
    }

    /// `*` matches any run of characters; linear in practice (a greedy match with one backtrack point).
    static func wildcard(_ pattern: Substring, matches text: Substring) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var star: Substring.Index?, resume = text.startIndex
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == "*" {
                star = p; p = pattern.index(after: p); resume = t
            } else if p < pattern.endIndex, pattern[p] == text[t] {
                p = pattern.index(after: p); t = text.index(after: t)
            } else if let s = star {
                p = pattern.index(after: s); resume = text.index(after: resume); t = resume
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == "*" { p = pattern.index(after: p) }
        return p == pattern.endIndex
    }
}
