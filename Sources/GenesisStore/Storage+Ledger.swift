import Foundation
import GenesisEngine
import GRDB

/// The usage ledger: one row per request, summed exactly (costs are integers of nano-dollars).
///
/// A request's row is written `pending` before it is sent and updated in place when it ends.
/// Booking it is one `BEGIN IMMEDIATE` transaction (GRDB's kind for every write): SQLite's write
/// lock, held from the sums to the insert, makes processes sharing the file book one at a time.
extension Storage: UsageLedger {
    public func record(_ record: UsageRecord) async {
        do {
            try await write { db in try Self.insert(record, db) }
        } catch {
            // Accounting must not fail the answer; the log says what was lost.
            logger.error("usage row not recorded", metadata: ["genesis.error": "\(error)", "genesis.model": "\(record.model)"])
        }
    }

    public func spending(provider: String?, from start: Date, to end: Date) async throws -> Spending {
        try await read { db in try Self.spending(SpendingWindow(provider: provider, start: start, end: end), db) }
    }

    public func reserve(_ pending: UsageRecord, against windows: [SpendingWindow],
                        refusal: @escaping @Sendable ([Spending]) -> BudgetExceededError?) async throws -> Result<UsageRowID, BudgetExceededError> {
        try await write { db in
            if let refused = refusal(try windows.map { try Self.spending($0, db) }) { return .failure(refused) }
            try Self.insert(pending, db)
            return .success(UsageRowID(db.lastInsertedRowID))
        }
    }

    public func settle(_ id: UsageRowID, as final: UsageRecord) async {
        do {
            try await write { db in
                let columns = Self.columns(final)
                try db.execute(sql: "UPDATE usage SET \(columns.map { "\($0.name) = ?" }.joined(separator: ", ")) WHERE id = ? AND outcome = 'pending'",
                               arguments: StatementArguments(columns.map(\.value) + [id.rawValue as (any DatabaseValueConvertible)?]))
                // The row is gone (nothing deletes ledger rows today): the request still counts.
                if db.changesCount == 0 { try Self.insert(final, db) }
            }
        } catch {
            logger.error("usage row not settled; it stays pending at its estimate",
                         metadata: ["genesis.error": "\(error)", "genesis.model": "\(final.model)"])
        }
    }

    /// The ledger's columns and a row's values for them (all but `id`).
    private static func columns(_ record: UsageRecord) -> [(name: String, value: (any DatabaseValueConvertible)?)] {
        [("request_id", record.requestID.uuidString.lowercased()), ("time", record.time.timeIntervalSince1970),
         ("provider", record.model.provider), ("model", record.model.model), ("served_version", record.servedVersion),
         ("key_id", record.keyID), ("input_tokens", record.inputTokens), ("output_tokens", record.outputTokens),
         ("tokens_estimated", record.tokensEstimated), ("cost_nanos", record.cost.map { Spending.nanos($0.dollars) }),
         ("cost_estimated", record.cost?.isEstimated ?? false), ("latency_ms", record.latency.milliseconds),
         ("ttft_ms", record.timeToFirstToken?.milliseconds), ("outcome", record.outcome.rawValue),
         ("error_type", record.errorCategory?.rawValue), ("status", record.status), ("conversation_id", record.conversationID),
         ("filter_matches", record.filterMatches.isEmpty ? nil : record.filterMatches.joined(separator: ","))]
    }

    private static func insert(_ record: UsageRecord, _ db: Database) throws {
        let columns = columns(record)
        try db.execute(sql: """
            INSERT INTO usage (\(columns.map(\.name).joined(separator: ", ")))
            VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
            """, arguments: StatementArguments(columns.map(\.value)))
    }

    /// What `window` holds: settled rows (cache hits aside) as spent, `pending` rows as reserved.
    private static func spending(_ window: SpendingWindow, _ db: Database) throws -> Spending {
        let row = try Row.fetchOne(db, sql: """
            SELECT COALESCE(SUM(CASE WHEN outcome != 'pending' THEN cost_nanos END), 0) AS nanos,
                COALESCE(SUM(CASE WHEN outcome != 'pending' THEN input_tokens + output_tokens END), 0) AS tokens,
                COALESCE(SUM(CASE WHEN outcome = 'pending' THEN cost_nanos END), 0) AS reserved_nanos,
                COALESCE(SUM(CASE WHEN outcome = 'pending' THEN input_tokens + output_tokens END), 0) AS reserved_tokens
            FROM usage WHERE time >= ? AND time < ? AND (? IS NULL OR provider = ?) AND outcome != 'cached'
            """, arguments: [window.start.timeIntervalSince1970, window.end.timeIntervalSince1970, window.provider, window.provider])
        return Spending(nanoDollars: row?["nanos"] ?? 0, tokens: row?["tokens"] ?? 0,
                        reservedNanoDollars: row?["reserved_nanos"] ?? 0, reservedTokens: row?["reserved_tokens"] ?? 0)
    }

    /// Ledger rows from `since` on, oldest first.
    public func usageRows(since: Date? = nil) async throws(StorageError) -> [LedgerRow] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM usage WHERE time >= ? ORDER BY time, id",
                             arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude]).map(LedgerRow.init)
        }
    }

    /// The SQL of a group's key.
    private static func groupKey(_ grouping: UsageGrouping) -> String {
        switch grouping {
        case .provider: "provider"
        case .model: "provider || ':' || model"
        case .day: "date(time, 'unixepoch', 'localtime')"
        }
    }

    /// Per group key from `since` on: the latency and time to first token of answered requests
    /// (`ok` rows), and failed requests by kind of error.
    public func usageTimings(since: Date? = nil, by grouping: UsageGrouping) async throws(StorageError) -> [String: UsageTimings] {
        let key = Self.groupKey(grouping)
        let since = since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
        return try await read { db in
            var result: [String: UsageTimings] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT \(key) AS key, latency_ms, ttft_ms FROM usage WHERE outcome = 'ok' AND time >= ?",
                                        arguments: [since]) {
                let group: String = row["key"] ?? "?"
                if let latency: Int = row["latency_ms"] { result[group, default: UsageTimings()].latenciesMs.append(latency) }
                if let ttft: Int = row["ttft_ms"] { result[group, default: UsageTimings()].timesToFirstTokenMs.append(ttft) }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT \(key) AS key, COALESCE(error_type, 'unknown') AS kind, COUNT(*) AS count
                FROM usage WHERE outcome = 'error' AND time >= ? GROUP BY key, kind
                """, arguments: [since]) {
                result[row["key"] ?? "?", default: UsageTimings()].errorsByKind[row["kind"]] = row["count"]
            }
            return result.mapValues(\.sorted)
        }
    }

    /// Totals from `since` on, grouped by provider, model or local day (in the process's time zone).
    public func usageTotals(since: Date? = nil, by grouping: UsageGrouping) async throws(StorageError) -> [UsageTotal] {
        let key = Self.groupKey(grouping)
        return try await read { db in
            // Pending rows hold estimates, not usage: counted apart from the sums.
            try Row.fetchAll(db, sql: """
                SELECT \(key) AS key, COUNT(*) AS requests,
                    SUM(outcome = 'error') AS errors, SUM(outcome = 'cached') AS cached, SUM(outcome = 'refused') AS refused,
                    SUM(outcome = 'pending') AS pending,
                    COALESCE(SUM(CASE WHEN outcome != 'pending' THEN input_tokens END), 0) AS input_tokens,
                    COALESCE(SUM(CASE WHEN outcome != 'pending' THEN output_tokens END), 0) AS output_tokens,
                    COALESCE(SUM(CASE WHEN outcome != 'pending' THEN cost_nanos END), 0) AS cost_nanos,
                    COALESCE(SUM(CASE WHEN outcome = 'pending' THEN cost_nanos END), 0) AS reserved_nanos,
                    SUM(cost_nanos IS NULL AND outcome IN ('ok', 'error', 'cancelled') AND input_tokens + output_tokens > 0) AS unpriced
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

/// How a group's requests went: latencies and times to first token of answered requests, in
/// milliseconds (ascending once read), and failures by kind of error.
public struct UsageTimings: Sendable, Hashable {
    public var latenciesMs: [Int] = []
    public var timesToFirstTokenMs: [Int] = []
    public var errorsByKind: [String: Int] = [:]

    public init() {}

    /// With both lists in ascending order.
    var sorted: UsageTimings {
        var copy = self
        copy.latenciesMs.sort()
        copy.timesToFirstTokenMs.sort()
        return copy
    }

    /// Every group's together (a total row).
    public static func merged(_ groups: some Collection<UsageTimings>) -> UsageTimings {
        var all = UsageTimings()
        for group in groups {
            all.latenciesMs += group.latenciesMs
            all.timesToFirstTokenMs += group.timesToFirstTokenMs
            all.errorsByKind.merge(group.errorsByKind, uniquingKeysWith: +)
        }
        return all.sorted
    }

    /// The nearest-rank percentile (`fraction` of 0...1) of ascending `values`; nil when empty.
    public static func percentile(_ fraction: Double, of values: [Int]) -> Int? {
        guard !values.isEmpty else { return nil }
        let rank = Int((fraction * Double(values.count)).rounded(.up))
        return values[min(values.count, max(1, rank)) - 1]
    }
}

/// A sum over ledger rows.
public struct UsageTotal: Sendable, Hashable {
    public var key: String
    public var requests: Int
    public var errors: Int
    public var cached: Int
    public var refused: Int
    /// Rows still `pending`: requests running now, or whose process ended before they did.
    /// Their estimates are in `reservedNanos`, not in the tokens and cost.
    public var pending: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var costNanos: Int64
    /// What the pending rows booked (their estimated cost).
    public var reservedNanos: Int64
    /// Requests that used tokens of a model with no price: their cost is unknown, not $0.
    public var unpriced: Int

    init(row: Row) {
        key = row["key"] ?? "?"
        requests = row["requests"] ?? 0
        errors = row["errors"] ?? 0
        cached = row["cached"] ?? 0
        refused = row["refused"] ?? 0
        pending = row["pending"] ?? 0
        inputTokens = row["input_tokens"] ?? 0
        outputTokens = row["output_tokens"] ?? 0
        costNanos = row["cost_nanos"] ?? 0
        reservedNanos = row["reserved_nanos"] ?? 0
        unpriced = row["unpriced"] ?? 0
    }

    public init(key: String, requests: Int = 0, errors: Int = 0, cached: Int = 0, refused: Int = 0, pending: Int = 0, inputTokens: Int = 0,
                outputTokens: Int = 0, costNanos: Int64 = 0, reservedNanos: Int64 = 0, unpriced: Int = 0) {
        self.key = key
        self.requests = requests
        self.errors = errors
        self.cached = cached
        self.refused = refused
        self.pending = pending
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costNanos = costNanos
        self.reservedNanos = reservedNanos
        self.unpriced = unpriced
    }

    public var costDollars: Double { Double(costNanos) / 1e9 }
    public var reservedDollars: Double { Double(reservedNanos) / 1e9 }

    /// The sum of several totals.
    public static func sum(_ totals: [UsageTotal], key: String = "total") -> UsageTotal {
        totals.reduce(UsageTotal(key: key)) { a, b in
            UsageTotal(key: key, requests: a.requests + b.requests, errors: a.errors + b.errors, cached: a.cached + b.cached,
                       refused: a.refused + b.refused, pending: a.pending + b.pending, inputTokens: a.inputTokens + b.inputTokens,
                       outputTokens: a.outputTokens + b.outputTokens, costNanos: a.costNanos + b.costNanos,
                       reservedNanos: a.reservedNanos + b.reservedNanos, unpriced: a.unpriced + b.unpriced)
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
