import Foundation

/// A newer price catalog than the one Genesis ships, imported with `genesis prices import` and
/// kept in the data directory (`$XDG_DATA_HOME/genesis/prices.json`): the prices read from a
/// copy of LiteLLM's catalog, where it came from and when. It goes over the shipped catalog;
/// `[[prices]]` in the configuration go over both.
public struct ImportedCatalog: Sendable, Hashable, Codable {
    /// The file or URL it was read from.
    public var source: String
    /// When, as ISO 8601.
    public var importedAt: String
    public var prices: [ModelPrice]

    public init(source: String, importedAt: String, prices: [ModelPrice]) {
        self.source = source
        self.importedAt = importedAt
        self.prices = prices
    }

    /// `$XDG_DATA_HOME/genesis/prices.json`, or `~/.local/share/genesis/prices.json`.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return base + "/genesis/prices.json"
    }

    /// The imported catalog, or nil when none was imported.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> ImportedCatalog? {
        let file = path(environment: environment)
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        do {
            return try JSONDecoder().decode(ImportedCatalog.self, from: data)
        } catch {
            throw ConfigurationError(file: file, message: "the imported price catalog cannot be read (\(error)); import it again with `genesis prices import FILE`, or delete the file to use the shipped prices")
        }
    }

    /// Writes the catalog to `path(environment:)`, replacing the one imported before (the new
    /// file is written beside it and moved over it, so a failure leaves the old one whole).
    public func save(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let file = URL(fileURLWithPath: Self.path(environment: environment))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: file, options: .atomic)
    }
}
