import Foundation

/// Reads a price and model catalog in LiteLLM's `model_prices_and_context_window.json` format
/// (PROTOCOLS 9.5): the catalog Genesis ships (``ShippedCatalog``), and a newer copy imported
/// with `genesis prices import`.
///
/// Keys are model ids, bare or prefixed with their provider (`gemini/gemini-3.5-flash`); values
/// give US dollars per token. Only the providers asked for and the modes Genesis can ask (chat,
/// responses, and embedding for similarity checks) are read; entries without numeric input and
/// output prices are skipped, but for an embedding model's output, which it has none of. A model's
/// provider is LiteLLM's name for it, which is the Genesis provider's: a kind's own, or a hosted
/// `openai-compatible` one's (``ProviderKind/catalogNames``).
public enum LiteLLMCatalog {
    static let modes: Set<String> = ["chat", "responses", "embedding"]

    /// What was read: the prices, and how many entries were left out (other providers or modes,
    /// or no usable price).
    public struct Contents: Sendable {
        public var prices: [ModelPrice]
        public var skipped: Int
    }

    /// Reads `data`; `file` names it in errors. `providers` are LiteLLM's provider names to keep
    /// (the kinds' ``ProviderKind/catalogNames``); nil keeps every one, as for the shipped
    /// catalog, which holds only those of the kinds Genesis ships. Throws when it is not a JSON
    /// object of entries or holds no entry Genesis can use.
    public static func read(_ data: Data, file: String, providers: Set<String>?) throws(ConfigurationError) -> Contents {
        // Genesis's own parser: Foundation's takes several times as long, and every run of
        // `genesis` reads the shipped catalog.
        guard let parsed = JSONValue.parse(data) else {
            throw ConfigurationError(file: file, message: "is not valid JSON (\(Self.reason(data))); expected LiteLLM's model_prices_and_context_window.json")
        }
        guard case .object(let top) = parsed else {
            throw ConfigurationError(file: file, message: "is not a LiteLLM price catalog: expected a JSON object of model ids")
        }
        var prices: [ModelPrice] = []
        prices.reserveCapacity(top.count)
        var skipped = 0
        // Sorted, so that of two keys for one model (`deepseek-chat`, `deepseek/deepseek-chat`)
        // the same one wins every time: the later, prefixed one.
        for (key, value) in top.sorted(by: { $0.key < $1.key }) {
            if case .object(let entry) = value, let price = price(key: key, entry: entry, providers: providers) {
                prices.append(price)
            } else if key != "sample_spec" {
                skipped += 1
            }
        }
        guard !prices.isEmpty else {
            let speaks = providers.map { " (\($0.sorted().joined(separator: ", ")))" } ?? ""
            throw ConfigurationError(file: file, message: "has no chat model of a provider Genesis speaks\(speaks): is it LiteLLM's model_prices_and_context_window.json?")
        }
        return Contents(prices: prices, skipped: skipped)
    }

    /// One entry as a price, or nil when Genesis cannot use it or its provider is not one of `providers`.
    static func price(key: String, entry: [String: JSONValue], providers: Set<String>?) -> ModelPrice? {
        guard let provider = entry["litellm_provider"]?.string, providers?.contains(provider) ?? true,
              let mode = entry["mode"]?.string, modes.contains(mode),
              let input = perMillion(entry["input_cost_per_token"]),
              let output = perMillion(entry["output_cost_per_token"]) ?? (mode == "embedding" ? 0 : nil) else { return nil }
        var model = Substring(key)
        if model.hasPrefix(provider + "/") { model = model.dropFirst(provider.count + 1) }
        guard !model.isEmpty else { return nil }
        var tiers: [Int: ModelPrice.Tier] = [:]
        for (field, value) in entry {
            guard let (name, threshold) = tierField(field), let rate = perMillion(value) else { continue }
            var tier = tiers[threshold] ?? ModelPrice.Tier(aboveTokens: threshold)
            switch name {
            case "input_cost_per_token": tier.inputPerMillion = rate
            case "output_cost_per_token": tier.outputPerMillion = rate
            case "cache_read_input_token_cost": tier.cachedInputPerMillion = rate
            default: tier.cacheWritePerMillion = rate
            }
            tiers[threshold] = tier
        }
        return ModelPrice(
            provider: provider, model: String(model), inputPerMillion: input, outputPerMillion: output,
            contextWindow: count(entry["max_input_tokens"]) ?? count(entry["max_tokens"]),
            cachedInputPerMillion: perMillion(entry["cache_read_input_token_cost"]),
            cacheWritePerMillion: perMillion(entry["cache_creation_input_token_cost"]),
            tiers: Array(tiers.values), maxOutputTokens: count(entry["max_output_tokens"]), mode: mode,
            supportsReasoning: entry["supports_reasoning"]?.bool, supportsSampling: entry["supports_sampling_params"]?.bool,
            deprecationDate: entry["deprecation_date"]?.string.flatMap(day), unlistedSince: entry["genesis_unlisted"]?.string,
            cacheWrite1hPerMillion: perMillion(entry["cache_creation_input_token_cost_above_1hr"]))
    }

    /// A per-token price as dollars per million tokens, rounded to the hundred-millionth of a
    /// dollar so that `1.5e-07` reads back as 0.15; nil unless a number at least zero.
    static func perMillion(_ value: JSONValue?) -> Double? {
        guard let perToken = value?.double else { return nil }
        guard perToken.isFinite, perToken >= 0, perToken < 1 else { return nil }
        return (perToken * 1e14).rounded() / 1e8
    }

    static func count(_ value: JSONValue?) -> Int? {
        guard let number = value?.double, number >= 1, number < 1e12 else { return nil }
        return Int(number)
    }

    /// `input_cost_per_token_above_200k_tokens` as (`input_cost_per_token`, 200_000); nil for
    /// any other field (batch, flex and priority rates are not what Genesis is billed).
    static func tierField(_ field: String) -> (String, Int)? {
        // Most fields are not tiers: a suffix test first (Foundation's range(of:) costs a
        // microsecond, and the shipped catalog is read on every run).
        guard field.hasSuffix("k_tokens"), let range = field.range(of: "_above_") else { return nil }
        let name = String(field[..<range.lowerBound])
        guard ["input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost", "cache_creation_input_token_cost"].contains(name),
              let thousands = Int(field[range.upperBound...].dropLast("k_tokens".count)), thousands > 0 else { return nil }
        return (name, thousands * 1_000)
    }

    /// `2026-11-30` from a date LiteLLM writes as `YYYY-MM-DD` (time or anything after it dropped).
    static func day(_ text: String) -> String? {
        let day = Array(text.utf8.prefix(10))
        guard day.count == 10 else { return nil }
        for (index, byte) in day.enumerated() where !(index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)) {
            return nil
        }
        return String(decoding: day, as: UTF8.self)
    }

    /// What `data` is instead of JSON, as far as its first characters tell (an HTML page, an
    /// empty file); asked only once Genesis's parser has refused it.
    private static func reason(_ data: Data) -> String {
        let start = String(decoding: data.prefix(64), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !start.isEmpty else { return "it is empty" }
        let shown = start.prefix(24).map { $0.isNewline ? " " : $0 }
        return "it does not parse as one JSON value; it starts with \"\(String(shown))\(start.count > 24 ? "…" : "")\""
    }
}
