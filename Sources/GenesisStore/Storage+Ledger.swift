import Foundation
import GenesisEngine
import GRDB

/// The usage ledger: one row per request, summed exactly (costs are integers of nano-dollars).
extension Storage: UsageLedger {
    public func record(_ record: UsageRecord) async {
        do {
            try await write { db in
                try db.execute(sql: """
                    INSERT INTO usage (request_id, time, provider, model, served_version, key_id, input_tokens, output_tokens,
                        tokens_estimated, cost_nanos, cost_estimated, latency_ms, ttft_ms, outcome, error_type, status,
                        conversation_id, filter_matches)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        record.requestID.uuidString.lowercased(), record.time.timeIntervalSince1970, record.model.provider,
                        record.model.model, record.servedVersion, record.keyID, record.inputTokens, record.outputTokens,
                        record.tokensEstimated, record.cost.map { Spending.nanos($0.dollars) }, record.cost?.isEstimated ?? false,
                        record.latency.milliseconds, record.timeToFirstToken?.milliseconds, record.outcome.rawValue,
                        record.errorCategory?.rawValue, record.status, record.conversationID,
                        record.filterMatches.isEmpty ? nil : record.filterMatches.joined(separator: ","),
                    ])
            }
        } catch {
            // Accounting must not fail the answer; the log says what was lost.
            logger.error("usage row not recorded", metadata: ["genesis.error": "\(error)", "genesis.model": "\(record.model)"])
        }
    }

    public func spending(provider: String?, from start: Date, to end: Date) async throws -> Spending {
        try await read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(cost_nanos), 0) AS nanos, COALESCE(SUM(input_tokens + output_tokens), 0) AS tokens
                FROM usage WHERE time >= ? AND time < ? AND (? IS NULL OR provider = ?) AND outcome != 'cached'
                """, arguments: [start.timeIntervalSince1970, end.timeIntervalSince1970, provider, provider])
            return Spending(nanoDollars: row?["nanos"] ?? 0, tokens: row?["tokens"] ?? 0)
        }
    }

    /// Ledger rows from `since` on, oldest first.
    public func usageRows(since: Date? = nil) async throws(StorageError) -> [LedgerRow] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM usage WHERE time >= ? ORDER BY time, id",
                             arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude]).map(LedgerRow.init)
        }
    }

    /// Totals from `since` on, grouped by provider, model or local day (in the process's time zone).
    public func usageTotals(since: Date? = nil, by grouping: UsageGrouping) async throws(StorageError) -> [UsageTotal] {
        let key = switch grouping {
        case .provider: "provider"
        case .model: "provider || ':' || model"
        case .day: "date(time, 'unixepoch', 'localtime')"
        }
        return try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(key) AS key, COUNT(*) AS requests,
                    SUM(outcome = 'error') AS errors, SUM(outcome = 'cached') AS cached, SUM(outcome = 'refused') AS refused,
                    SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
                    COALESCE(SUM(cost_nanos), 0) AS cost_nanos, SUM(cost_nanos IS NULL AND outcome IN ('ok', 'error', 'cancelled')
                        AND input_tokens + output_tokens > 0) AS unpriced
                FROM usage WHERE time >= ? GROUP BY key ORDER BY key
                """, arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude]).map(UsageTotal.init)
        }
    }

    /// Per key id: requests, last use and failures, from the ledger.
    public func keyUsage() async throws(StorageError) -> [String: KeyUse] {
        try await read { db in
            var result: [String: KeyUse] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT key_id, COUNT(*) AS uses, MAX(time) AS last_used, SUM(error_type = 'authentication_error') AS rejected
                FROM usage WHERE key_id IS NOT NULL GROUP BY key_id
                """) {
                result[row["key_id"]] = KeyUse(uses: row["uses"], lastUsed: Date(timeIntervalSince1970: row["last_used"]),
                                               authenticationFailures: row["rejected"] ?? 0)
            }
            return result
        }
    }
}

public enum UsageGrouping: String, Sendable, CaseIterable {
    case provider, model, day
}

/// A sum over ledger rows.
public struct UsageTotal: Sendable, Hashable {
    public var key: String
    public var requests: Int
    public var errors: Int
    public var cached: Int
    public var refused: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var costNanos: Int64
    /// Requests that used tokens of a model with no price: their cost is unknown, not $0.
    public var unpriced: Int

    init(row: Row) {
        key = row["key"] ?? "?"
        requests = row["requests"] ?? 0
        errors = row["errors"] ?? 0
        cached = row["cached"] ?? 0
        refused = row["refused"] ?? 0
        inputTokens = row["input_tokens"] ?? 0
        outputTokens = row["output_tokens"] ?? 0
        costNanos = row["cost_nanos"] ?? 0
        unpriced = row["unpriced"] ?? 0
    }

    public init(key: String, requests: Int = 0, errors: Int = 0, cached: Int = 0, refused: Int = 0, inputTokens: Int = 0,
                outputTokens: Int = 0, costNanos: Int64 = 0, unpriced: Int = 0) {
        self.key = key
        self.requests = requests
        self.errors = errors
        self.cached = cached
        self.refused = refused
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costNanos = costNanos
        self.unpriced = unpriced
    }

    public var costDollars: Double { Double(costNanos) / 1e9 }

    /// The sum of several totals.
    public static func sum(_ totals: [UsageTotal], key: String = "total") -> UsageTotal {
        totals.reduce(UsageTotal(key: key)) { a, b in
            UsageTotal(key: key, requests: a.requests + b.requests, errors: a.errors + b.errors, cached: a.cached + b.cached,
                       refused: a.refused + b.refused, inputTokens: a.inputTokens + b.inputTokens,
                       outputTokens: a.outputTokens + b.outputTokens, costNanos: a.costNanos + b.costNanos, unpriced: a.unpriced + b.unpriced)
        }
    }
}

/// One ledger row as stored.
public struct LedgerRow: Sendable, Hashable {
    public var requestID: String
    public var time: Date
    public var provider: String
    public var model: String
    public var keyID: String?
    public var inputTokens: Int
    public var outputTokens: Int
    public var costNanos: Int64?
    public var latencyMs: Int
    public var ttftMs: Int?
    public var outcome: String
    public var errorType: String?
    public var status: Int?
    public var conversationID: String?
    public var filterMatches: [String]

    init(row: Row) {
        requestID = row["request_id"]
        time = Date(timeIntervalSince1970: row["time"])
        provider = row["provider"]
        model = row["model"]
        keyID = row["key_id"]
        inputTokens = row["input_tokens"]
        outputTokens = row["output_tokens"]
        costNanos = row["cost_nanos"]
        latencyMs = row["latency_ms"]
        ttftMs = row["ttft_ms"]
        outcome = row["outcome"]
        errorType = row["error_type"]
        status = row["status"]
        conversationID = row["conversation_id"]
        filterMatches = (row["filter_matches"] as String?)?.split(separator: ",").map(String.init) ?? []
    }
}

public struct KeyUse: Sendable, Hashable {
    public var uses: Int
    public var lastUsed: Date
    public var authenticationFailures: Int
}
