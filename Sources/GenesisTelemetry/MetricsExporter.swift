import Foundation
import Synchronization
import GenesisEngine
import Prometheus

/// Every request's figures as Prometheus metrics, named `genesis_*` and labelled by `provider`
/// and `model` (swift-prometheus): requests, errors, latency and time-to-first-token histograms,
/// tokens, cost, and, read at each scrape, rate-limit headroom and health.
public final class MetricsExporter: Sendable {
    public let collectors = PrometheusCollectorRegistry()
    private let attached = Mutex<ModelRegistry?>(nil)

    static let latencyBuckets: [Duration] = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120].map { .milliseconds(Int64($0 * 1000)) }
    static let ttftBuckets: [Duration] = [0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 5, 10].map { .milliseconds(Int64($0 * 1000)) }

    public init() {}

    /// The registry whose providers' limits and health the gauges show at each scrape.
    public func attach(_ registry: ModelRegistry) {
        attached.withLock { $0 = registry }
    }

    private func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "genesis", metricName: name, unitName: unit, helpText: help)
    }

    /// Counts one ledger row.
    public func observe(_ record: UsageRecord) {
        let model = [("provider", record.model.provider), ("model", record.model.model)]
        collectors.makeCounter(descriptor: descriptor("requests", "total", "Requests by outcome: ok, error, cancelled, cached, refused."),
                               labels: model + [("outcome", record.outcome.rawValue)]).increment()
        if let category = record.errorCategory {
            collectors.makeCounter(descriptor: descriptor("errors", "total", "Failed requests by error type."),
                                   labels: model + [("type", category.rawValue)]).increment()
        }
        if record.outcome == .ok || record.outcome == .cached {
            collectors.makeDurationHistogram(descriptor: descriptor("request_duration", "seconds", "Whole-request latency, retries and fallbacks included."),
                                             labels: model, buckets: Self.latencyBuckets).record(record.latency)
            if let ttft = record.timeToFirstToken {
                collectors.makeDurationHistogram(descriptor: descriptor("time_to_first_token", "seconds", "Time to the first streamed token."),
                                                 labels: model, buckets: Self.ttftBuckets).record(ttft)
            }
        }
        let tokens = descriptor("tokens", "total", "Tokens by direction (input or output).")
        if record.inputTokens > 0 { collectors.makeCounter(descriptor: tokens, labels: model + [("direction", "input")]).increment(by: Int64(record.inputTokens)) }
        if record.outputTokens > 0 { collectors.makeCounter(descriptor: tokens, labels: model + [("direction", "output")]).increment(by: Int64(record.outputTokens)) }
        if let cost = record.cost, cost.dollars > 0 {
            collectors.makeCounter(descriptor: descriptor("cost", "dollars_total", "Spending in US dollars."), labels: model).increment(by: cost.dollars)
        }
    }

    /// The exposition text, with the gauges read from the registry now.
    public func render() async -> String {
        guard let registry = attached.withLock({ $0 }) else { return collectors.emitToString() }
        for provider in registry.providerNames {
            let metrics = await registry.providerMetrics(provider)
            let labels = [("provider", provider)]
            let limit = metrics.rateLimit
            if let rpm = limit.requestsPerMinute {
                collectors.makeGauge(descriptor: descriptor("rate_limit_headroom", "requests", "Requests left in the current minute's limit."),
                                     labels: labels).set(Double(max(0, rpm - limit.requestsInLastMinute)))
            }
            if let tpm = limit.tokensPerMinute {
                collectors.makeGauge(descriptor: descriptor("rate_limit_headroom", "tokens", "Tokens left in the current minute's limit."),
                                     labels: labels).set(Double(max(0, tpm - limit.tokensInLastMinute)))
            }
            collectors.makeGauge(descriptor: descriptor("rate_limit_waiting", "requests", "Requests queued behind the rate limiter."),
                                 labels: labels).set(Double(limit.waiting))
            let health: Double = switch metrics.health { case .ok: 1; case .degraded: 0.5; case .down: 0; case .unknown: -1 }
            collectors.makeGauge(descriptor: descriptor("provider_health", "ratio", "1 ok, 0.5 degraded, 0 down, -1 unknown."),
                                 labels: labels).set(health)
        }
        return collectors.emitToString()
    }
}

/// Sends ledger rows to storage (which also answers what was spent) and to the exporter.
public struct ObservedLedger: UsageLedger {
    public let ledger: (any UsageLedger)?
    public let exporter: MetricsExporter

    public init(ledger: (any UsageLedger)?, exporter: MetricsExporter) {
        self.ledger = ledger
        self.exporter = exporter
    }

    public func record(_ record: UsageRecord) async {
        exporter.observe(record)
        await ledger?.record(record)
    }

    public func spending(provider: String?, from start: Date, to end: Date) async throws -> Spending {
        guard let ledger else { return Spending() } // budgets then count in memory
        return try await ledger.spending(provider: provider, from: start, to: end)
    }

    /// Books in the ledger; the exporter sees the row once it is settled. Without a ledger
    /// nothing is kept, so nothing is booked (row 0): give budgets a ledger, or none at all.
    public func reserve(_ pending: UsageRecord, against windows: [SpendingWindow],
                        refusal: @escaping @Sendable ([Spending]) -> BudgetExceededError?) async throws -> Result<UsageRowID, BudgetExceededError> {
        guard let ledger else { return .success(UsageRowID(0)) }
        return try await ledger.reserve(pending, against: windows, refusal: refusal)
    }

    public func settle(_ id: UsageRowID, as final: UsageRecord) async {
        exporter.observe(final)
        await ledger?.settle(id, as: final)
    }
}
