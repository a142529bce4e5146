import Foundation

/// API keys read from `keys.toml`, by provider. Printing it shows only masked keys.
///
/// ```toml
/// [openai]
/// keys = ["sk-…first", "sk-…second"]   # several rotate
///
/// [anthropic]
/// key = "sk-ant-…"
/// ```
public struct ProviderKeys: Sendable, CustomStringConvertible {
    public struct Key: Sendable, Hashable {
        /// Where it came from, e.g. `keys.toml openai #1`.
        public let source: String
        /// The secret. Never printed, logged or stored.
        public let value: String
    }

    public private(set) var byProvider: [String: [Key]] = [:]
    /// The file they came from, if any.
    public var file: String?

    public init(_ byProvider: [String: [Key]] = [:], file: String? = nil) {
        self.byProvider = byProvider
        self.file = file
    }

    public func keys(for provider: String) -> [Key] { byProvider[provider] ?? [] }
    public var providers: [String] { byProvider.keys.sorted() }
    /// Every secret held, for redaction.
    public var secrets: [String] { byProvider.values.flatMap { $0.map(\.value) } }

    public var description: String {
        "ProviderKeys(" + providers.map { "\($0): \(keys(for: $0).map { Redactor.mask($0.value) }.joined(separator: ", "))" }.joined(separator: "; ") + ")"
    }
}

/// Reads `$XDG_CONFIG_HOME/genesis/keys.toml`, which must be private to its owner.
public enum KeyFile {
    /// The file in use: `GENESIS_KEYS_FILE` when set, else the default place.
    public static func path(environment: [String: String]) -> String {
        environment["GENESIS_KEYS_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath(environment: environment)
    }

    public static func defaultPath(environment: [String: String]) -> String {
        (ConfigLoader.defaultPath(environment: environment) as NSString).deletingLastPathComponent + "/keys.toml"
    }

    /// The sections a keys file may have with `configuration`: every provider kind, and every
    /// provider the configuration names.
    public static func knownProviders(_ configuration: GenesisConfiguration) -> Set<String> {
        Set(configuration.kinds.map(\.name)).union(configuration.providers.keys)
    }

    /// The keys in `path` (or the default file); none when the default file does not exist.
    /// A file readable by group or others is refused before it is read. With `providers`, a
    /// section naming none of them is an error (a misspelled `[opnai]` would leave its keys
    /// unused); nil takes every section.
    public static func load(path: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                            providers: Set<String>? = nil) throws(ConfigurationError) -> ProviderKeys {
        let file = path ?? KeyFile.path(environment: environment)
        var info = stat()
        guard stat(file, &info) == 0 else {
            if errno == ENOENT, path == nil { return ProviderKeys() }
            throw ConfigurationError(file: file, message: "cannot read the keys file: \(String(cString: strerror(errno)))")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw ConfigurationError(file: file, message: String(format: "the keys file is readable by %@ (mode %03o), so it was not read; keys must be private to you. Fix: chmod 600 %@",
                                                                 mode & 0o007 != 0 ? "everyone" : "your group", mode, file))
        }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: file, message: "cannot read the keys file as UTF-8 text")
        }
        return try parse(text, file: file, providers: providers)
    }

    /// Parses keys.toml. Error messages name lines and keys, never a key's value.
    public static func parse(_ text: String, file: String, providers known: Set<String>? = nil) throws(ConfigurationError) -> ProviderKeys {
        let table: TOMLTable
        do {
            table = try ConfigValue.readTOML(text, file: file)
        } catch {
            // TOML errors can quote the line: say where, not what.
            throw ConfigurationError(file: file, line: error.line, message: "TOML syntax error in the keys file (the line is not shown, as it may hold a key)")
        }
        let reader = ConfigReader(file: file, locator: .toml(table))
        guard case .table(let providers) = ConfigValue(table) else { return ProviderKeys(file: file) }
        var keys: [String: [ProviderKeys.Key]] = [:]
        for (name, section) in providers.sorted(by: { $0.key < $1.key }) {
            let path = [name]
            if let known, !known.contains(name) {
                let names = known.sorted()
                let hint = suggestion(for: name, among: names).map { "did you mean [\($0)]? " } ?? ""
                throw reader.error(path, "[\(name)] names no provider, so its keys would never be used; \(hint)A section is a provider kind or a provider of the configuration: \(names.joined(separator: ", "))")
            }
            guard case .table(let entry) = section else {
                throw reader.error(path, "must be a table: write [\(name)] and then key = \"...\" or keys = [\"...\", \"...\"]")
            }
            for field in entry.keys.sorted() where field != "key" && field != "keys" {
                throw reader.error(path + [field], "unknown field; a provider's table holds key = \"...\" or keys = [\"...\"]")
            }
            var values: [String] = []
            for field in ["key", "keys"] {
                guard let value = entry[field] else { continue }
                switch value {
                case .string(let s): values.append(s)
                case .array(let items):
                    for (index, item) in items.enumerated() {
                        guard case .string(let s) = item else { throw reader.error(path + [field, "#\(index)"], "must be a string (a key in quotes)") }
                        values.append(s)
                    }
                default: throw reader.error(path + [field], "must be a string or a list of strings (keys in quotes)")
                }
            }
            values = values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let empty = values.firstIndex(where: \.isEmpty) {
                throw reader.error(path, "key \(empty + 1) is empty; delete it or paste the key")
            }
            keys[name] = values.enumerated().map { ProviderKeys.Key(source: "keys.toml \(name) #\($0.offset + 1)", value: $0.element) }
        }
        return ProviderKeys(keys, file: file)
    }
}
