/// Every API key this process holds, and the text to look for so that none of them reaches
/// anything Genesis writes: answers (streamed or whole), errors, served versions, the database
/// and exports.
///
/// A key is looked for whole and, when it starts with a provider's prefix (`sk-`, `sk-proj-`,
/// `sk-ant-`), also without it: an upstream that echoes the key may drop the prefix. Found text is
/// replaced by ``Redactor/mask(_:)`` (its last four characters). Keys shorter than eight
/// characters are left alone: they cannot be told from ordinary text.
public struct HeldKeys: Sendable, Hashable {
    /// What is searched for, longest first (a whole key before the part of it after its prefix).
    public let needles: [String]
    /// The prefixes a key may be echoed without.
    static let prefixes = ["sk-proj-", "sk-ant-", "sk-"]
    static let minimumLength = 8

    public init(_ keys: some Sequence<String>) {
        var found = Set<String>()
        for key in keys where key.count >= Self.minimumLength {
            found.insert(key)
            if let prefix = Self.prefixes.first(where: key.hasPrefix) {
                let rest = String(key.dropFirst(prefix.count))
                if rest.count >= Self.minimumLength { found.insert(rest) }
            }
        }
        needles = found.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// The keys of the environment variables providers read them from (those a configuration
    /// names and the defaults of every kind it knows) and of keys.toml.
    public init(configuration: GenesisConfiguration, environment: [String: String], keys: ProviderKeys) {
        var variables = Set(configuration.kinds.flatMap(\.keyVariables))
        for provider in configuration.providers.values { variables.formUnion(provider.apiKeyEnvironment) }
        // A gateway's second key in `headers` (`X-Portkey-Virtual-Key`) is held as keys are.
        let headerSecrets = configuration.providers.values.flatMap { provider in
            provider.headers.filter { name, _ in Self.secretHeaderWords.contains { name.lowercased().contains($0) } }.map(\.value)
        }
        self.init(variables.compactMap { environment[$0] }.filter { !$0.isEmpty } + keys.secrets + headerSecrets)
    }

    /// Words in a header's name that say its value is a secret.
    static let secretHeaderWords = ["key", "token", "secret", "auth", "password", "signature"]

    public var isEmpty: Bool { needles.isEmpty }

    /// `text` with every held key masked.
    public func redact(_ text: String) -> String {
        guard !needles.isEmpty else { return text }
        var text = text
        for needle in needles where text.contains(needle) {
            text = text.replacingOccurrences(of: needle, with: Redactor.mask(needle))
        }
        return text
    }

    /// The error with held keys masked in whatever it repeats of the provider's words.
    public func redact(_ error: any GenesisError) -> any GenesisError {
        guard !needles.isEmpty else { return error }
        switch error {
        case var e as ProviderError: e.message = redact(e.message); e.model = e.model.map(redact); return e
        case var e as RateLimitError: e.message = redact(e.message); e.model = e.model.map(redact); return e
        case var e as InvalidRequestError: e.message = redact(e.message); e.hint = redact(e.hint); e.model = e.model.map(redact); return e
        case var e as ModelNotFoundError: e.available = e.available.map(redact); e.model = e.model.map(redact); return e
        default: return error
        }
    }

    /// How many characters at the end of `text` could be the start of a held key, to be held
    /// back until the next delta shows whether they are.
    func heldBackCount(_ text: String) -> Int {
        let bytes = Array(text.utf8.suffix(needles.first.map { $0.utf8.count - 1 } ?? 0))
        var hold = 0
        for needle in needles {
            let key = Array(needle.utf8)
            var length = min(key.count - 1, bytes.count)
            while length > hold {
                let start = bytes.count - length
                if bytes[start] == key[0], bytes[start...].elementsEqual(key[..<length]) { hold = length; break }
                length -= 1
            }
        }
        return hold
    }
}

/// Masks held keys in a streamed answer: a key split across deltas is still found. Text that
/// could be the start of a key waits for the next delta (or the end); any other text passes at
/// once, so an answer with no key in it streams as before.
public struct KeyRedactingStream: Sendable {
    public let keys: HeldKeys
    private var pending = ""

    public init(_ keys: HeldKeys) {
        self.keys = keys
    }

    /// The part of what arrived so far that can be shown, keys masked.
    public mutating func feed(_ delta: String) -> String {
        pending = keys.redact(pending + delta)
        let hold = keys.heldBackCount(pending)
        guard hold > 0 else {
            defer { pending = "" }
            return pending
        }
        // The held bytes start where a key does (an ASCII byte, or the first byte of a scalar).
        let utf8 = pending.utf8
        let cut = utf8.index(utf8.endIndex, offsetBy: -hold)
        let shown = String(decoding: utf8[..<cut], as: UTF8.self)
        pending = String(decoding: utf8[cut...], as: UTF8.self)
        return shown
    }

    /// What was held back, once the answer has ended.
    public mutating func finish() -> String {
        defer { pending = "" }
        return keys.redact(pending)
    }
}
