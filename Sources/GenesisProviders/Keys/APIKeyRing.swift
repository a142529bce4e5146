import Foundation
import GenesisEngine
import Synchronization

/// A provider's API keys: used round-robin, a key that hit a rate limit rests until its
/// Retry-After, a key the provider rejected (401) is set aside, and each key's use is counted.
///
/// Keys are only ever shown masked (`…wxyz`) with the name of the variable they came from.
public final class APIKeyRing: Sendable {
    public struct Key: Sendable, Hashable {
        /// The secret. Never printed, logged or stored.
        let value: String
        /// Where it came from, e.g. `OPENAI_API_KEY`.
        public let source: String
        public var masked: String { Redactor.mask(value) }
        /// How the ledger names the key: its variable (or file entry) and its masked form.
        public var id: String { APIKeyRing.keyID(source: source, masked: masked) }
    }

    public struct Usage: Sendable, Hashable {
        public var source: String
        public var masked: String
        public var uses: Int
        public var lastUsed: Date?
        public var rejected: Bool
        public var restingUntil: Date?
        /// The key's id in the ledger.
        public var id: String { APIKeyRing.keyID(source: source, masked: masked) }
    }

    /// `OPENAI_API_KEY …wxyz`: where a key came from and its masked form, never the key.
    static func keyID(source: String, masked: String) -> String { "\(source) \(masked)" }

    private struct State {
        var next = 0
        var uses: [Int]
        var lastUsed: [Date?]
        var rejected: [Bool]
        var restingUntil: [Date?]
    }

    public let provider: String
    let keys: [Key]
    private let state: Mutex<State>

    /// Keys from the environment variables named, in order (unset or empty ones are skipped),
    /// then those of keys.toml.
    public convenience init(provider: String, variables: [String], environment: [String: String], fileKeys: [ProviderKeys.Key] = []) {
        let fromEnvironment = variables.compactMap { name in
            environment[name].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : Key(value: $0.trimmingCharacters(in: .whitespacesAndNewlines), source: name) }
        }
        let fromFile = fileKeys.filter { key in !fromEnvironment.contains { $0.value == key.value } }.map { Key(value: $0.value, source: $0.source) }
        self.init(provider: provider, keys: fromEnvironment + fromFile)
    }

    init(provider: String, keys: [Key]) {
        self.provider = provider
        self.keys = keys
        state = Mutex(State(uses: keys.map { _ in 0 }, lastUsed: keys.map { _ in nil }, rejected: keys.map { _ in false },
                            restingUntil: keys.map { _ in nil }))
    }

    public var isEmpty: Bool { keys.isEmpty }
    var secrets: [String] { keys.map(\.value) }

    /// The next usable key, round-robin; a resting key only when every key rests.
    func next(now: Date = Date()) -> Key? {
        guard !keys.isEmpty else { return nil }
        return state.withLock { s in
            var fallback: Int?
            for offset in 0..<keys.count {
                let index = (s.next + offset) % keys.count
                guard !s.rejected[index] else { continue }
                if let until = s.restingUntil[index], until > now { fallback = fallback ?? index; continue }
                return take(index, &s, now)
            }
            return fallback.map { take($0, &s, now) }
        }
    }

    private func take(_ index: Int, _ s: inout State, _ now: Date) -> Key {
        s.next = (index + 1) % keys.count
        s.uses[index] += 1
        s.lastUsed[index] = now
        return keys[index]
    }

    /// The provider refused the key (401): it is not used again in this process.
    func reject(_ key: Key) {
        state.withLock { s in if let i = keys.firstIndex(of: key) { s.rejected[i] = true } }
    }

    /// The key hit a rate limit: others go first until it has rested.
    func rest(_ key: Key, for duration: Duration, now: Date = Date()) {
        state.withLock { s in
            if let i = keys.firstIndex(of: key) { s.restingUntil[i] = now.addingTimeInterval(max(1, duration.seconds)) }
        }
    }

    /// Whether a key other than `key` could still be tried.
    func hasAlternative(to key: Key) -> Bool {
        state.withLock { s in keys.indices.contains { keys[$0] != key && !s.rejected[$0] } }
    }

    /// Per-key use for access monitoring, masked.
    public var usage: [Usage] {
        state.withLock { s in
            keys.indices.map { Usage(source: keys[$0].source, masked: keys[$0].masked, uses: s.uses[$0], lastUsed: s.lastUsed[$0],
                                     rejected: s.rejected[$0], restingUntil: s.restingUntil[$0]) }
        }
    }
}
