import Foundation
import GenesisEngine
import GRDB

/// The cache's second level: answers survive restarts until their time to live ends.
extension Storage: CacheBackingStore {
    public func load(_ key: CacheKey) async -> GenerationResult? {
        let now = Date().timeIntervalSince1970
        let stored: String?? = try? await read { db in
            try Row.fetchOne(db, sql: "SELECT canonical, result FROM cache WHERE digest = ? AND expires_at > ?", arguments: [key.digest, now])
                .flatMap { ($0["canonical"] as String) == key.canonical ? $0["result"] as String : nil }
        }
        guard let stored, let json = stored else { return nil }
        return try? JSONDecoder().decode(CachedAnswer.self, from: Data(json.utf8)).result
    }

    public func store(_ key: CacheKey, _ value: GenerationResult, ttl: Duration) async {
        guard let data = try? JSONEncoder().encode(CachedAnswer(value)) else { return }
        let expires = Date().timeIntervalSince1970 + ttl.seconds
        do {
            try await write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO cache (digest, canonical, result, expires_at) VALUES (?, ?, ?, ?)",
                               arguments: [key.digest, key.canonical, String(decoding: data, as: UTF8.self), expires])
                try db.execute(sql: "DELETE FROM cache WHERE expires_at <= ?", arguments: [Date().timeIntervalSince1970])
            }
        } catch {
            logger.warning("cache entry not stored", metadata: ["genesis.error": "\(error)"])
        }
    }
}

/// What a cached answer keeps: the text and what is needed to account for it again.
struct CachedAnswer: Codable {
    var provider: String
    var model: String
    var servedVersion: String?
    var text: String
    var finishReason: FinishReason
    var usage: Usage
    var cost: Cost?
    var isSimulated: Bool

    init(_ r: GenerationResult) {
        provider = r.model.provider
        model = r.model.model
        servedVersion = r.servedVersion
        text = r.text
        finishReason = r.finishReason
        usage = r.usage
        cost = r.cost
        isSimulated = r.isSimulated
    }

    var result: GenerationResult {
        GenerationResult(model: ModelID(provider: provider, model: model), servedVersion: servedVersion, text: text,
                         finishReason: finishReason, usage: usage, cost: cost, latency: .zero, isSimulated: isSimulated)
    }
}
