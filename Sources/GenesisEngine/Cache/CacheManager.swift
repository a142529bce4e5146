import Clocks
import OrderedCollections

/// When the registry answers from the cache.
public enum CachePolicy: String, Sendable, Hashable, Codable {
    /// Never read or write the cache.
    case never
    /// Only requests that ask for deterministic output (temperature 0).
    case deterministic
    /// Every request with the same key.
    case always
}

/// An in-memory LRU cache of finished answers with a time to live.
///
/// Keys are ``CacheKey``s; entries expire `ttl` after they were stored, and the least recently
/// used entry goes first when `capacity` is reached. A persistent store (storage) can sit behind
/// it through ``CacheBackingStore``.
public actor CacheManager {
    public let capacity: Int
    public let ttl: Duration
    private let clock: AnyClock<Duration>
    private var entries: OrderedDictionary<String, Entry> = [:]
    private let backing: (any CacheBackingStore)?
    public private(set) var hits = 0
    public private(set) var misses = 0

    struct Entry {
        let canonical: String
        let value: GenerationResult
        let expires: AnyClock<Duration>.Instant
    }

    public init(capacity: Int = 512, ttl: Duration = .seconds(3600), backing: (any CacheBackingStore)? = nil,
                clock: AnyClock<Duration> = AnyClock(ContinuousClock())) {
        self.capacity = max(1, capacity)
        self.ttl = ttl
        self.backing = backing
        self.clock = clock
    }

    public func get(_ key: CacheKey) async -> GenerationResult? {
        let now = clock.now
        if let entry = entries[key.digest] {
            if entry.expires > now, entry.canonical == key.canonical {
                // Move to the most recently used end.
                entries.removeValue(forKey: key.digest)
                entries[key.digest] = entry
                hits += 1
                return entry.value
            }
            entries.removeValue(forKey: key.digest)
        }
        if let backing, let stored = await backing.load(key) {
            insert(key, stored, now: now)
            hits += 1
            return stored
        }
        misses += 1
        return nil
    }

    public func set(_ key: CacheKey, _ value: GenerationResult) async {
        insert(key, value, now: clock.now)
        await backing?.store(key, value, ttl: ttl)
    }

    public func removeAll() {
        entries.removeAll()
    }

    public var count: Int { entries.count }

    private func insert(_ key: CacheKey, _ value: GenerationResult, now: AnyClock<Duration>.Instant) {
        entries.removeValue(forKey: key.digest)
        entries[key.digest] = Entry(canonical: key.canonical, value: value, expires: now.advanced(by: ttl))
        while entries.count > capacity { entries.removeFirst() }
    }
}

/// A slower, persistent second level behind the in-memory cache.
public protocol CacheBackingStore: Sendable {
    func load(_ key: CacheKey) async -> GenerationResult?
    func store(_ key: CacheKey, _ value: GenerationResult, ttl: Duration) async
}
