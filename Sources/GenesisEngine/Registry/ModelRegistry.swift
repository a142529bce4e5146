import Clocks
import Foundation
import Logging
import Synchronization

/// The engine's front door: providers by name, each behind its rate limiter, with retries,
/// fallback chains, circuit breakers, caching, pricing and metrics on every request.
///
/// ```swift
/// let registry = ModelRegistry()
/// try await registry.initializeProvider("sim")
/// let answer = try await registry.generateText(provider: "sim", model: "fast", prompt: "Hello", maxTokens: 100)
/// ```
///
/// Not an actor: requests run on their own tasks and never wait for one another here. What is
/// shared sits behind locks of its own (the provider table, the breakers, metrics, the cache
/// and limiter actors), so any thread may call any method.
public final class ModelRegistry: Sendable {
    /// What it was made with; its ``GenesisConfiguration/kinds`` also hold the factory's kinds
    /// (``ProviderFactory/providerKinds``), so every kind it can make has its keys redacted.
    public let configuration: GenesisConfiguration
    public let fallbacks: FallbackManager
    public let cache: CacheManager
    let clock: AnyClock<Duration>
    let logger: Logger
    let metrics: MetricsStore
    /// The configuration's prices, each model's looked up once.
    let prices: PriceMemo
    /// `reasoning =` of the model blocks, by model: looked up on every request, so flattened once.
    let reasoningByModel: [ModelID: ReasoningLevel]
    let random: @Sendable () -> Double
    /// Where every request is accounted (storage's SQLite ledger); nil keeps no ledger.
    public let ledger: (any UsageLedger)?
    /// The configured budgets, their spending and alerts.
    public let budgets: BudgetTracker
    /// Wall-clock time for the ledger and budget periods (a fixed date in tests).
    let now: @Sendable () -> Date
    private let factory: ProviderFactory
    private let environment: [String: String]
    private let keys: ProviderKeys
    /// Every key this registry's providers may use, masked in everything a request returns.
    public let heldKeys: HeldKeys
    /// Providers (each with its limiter) and pinned versions, behind a lock every request takes
    /// on its own thread.
    private let table: ProviderTable

    /// - Parameters:
    ///   - factory: how configured providers are made (``ProviderFactory/builtIn`` knows `sim`).
    ///   - clock: time for limiters, retries, deadlines and breakers; a test clock in tests.
    ///   - logger: where retries, fallbacks and failures are logged (libraries never make one).
    ///   - random: numbers in `0..<1` for retry jitter.
    ///   - ledger: where each request is recorded and budgets read spending from.
    ///   - cacheStore: a persistent second level for the answer cache.
    ///   - now: wall-clock time for ledger rows and budget periods; `calendar` says where days begin.
    public init(configuration: GenesisConfiguration = GenesisConfiguration(),
                factory: ProviderFactory = .builtIn,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                keys: ProviderKeys = ProviderKeys(),
                clock: AnyClock<Duration> = AnyClock(ContinuousClock()),
                logger: Logger = Logger(label: "genesis.engine", factory: { _ in SwiftLogNoOpLogHandler() }),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                ledger: (any UsageLedger)? = nil,
                cacheStore: (any CacheBackingStore)? = nil,
                now: @escaping @Sendable () -> Date = { Date() },
                calendar: Calendar = .current) {
        var configuration = configuration
        for kind in factory.providerKinds where configuration.kinds.named(kind.name) == nil { configuration.kinds.append(kind) }
        self.configuration = configuration
        self.ledger = ledger
        self.now = now
        budgets = BudgetTracker(budgets: configuration.budgets, ledger: ledger, now: now, calendar: calendar, logger: logger)
        self.factory = factory
        self.environment = environment
        self.keys = keys
        heldKeys = HeldKeys(configuration: configuration, environment: environment, keys: keys)
        self.clock = clock
        self.logger = logger
        self.random = random
        prices = PriceMemo(configuration)
        reasoningByModel = Dictionary(configuration.providers.flatMap { name, provider in
            provider.modelReasoning.map { (ModelID(provider: name, model: $0.key), $0.value) }
        }, uniquingKeysWith: { first, _ in first })
        let fallbacks = FallbackManager(policy: configuration.fallbackPolicy, breaker: configuration.breaker,
                                        rules: configuration.fallbacks, clock: clock)
        let table = ProviderTable()
        self.fallbacks = fallbacks
        self.table = table
        cache = CacheManager(capacity: configuration.cache.capacity, ttl: configuration.cache.ttl, backing: cacheStore, clock: clock)
        metrics = MetricsStore { model in
            (fallbacks.isCoolingDown(model), table.rateLimitStatus(model))
        }
    }

    // MARK: Providers

    /// Makes and initializes a configured provider. Requests initialize providers on first use,
    /// so calling this is only needed to fail early (e.g. on a missing key).
    public func initializeProvider(_ name: String) async throws {
        _ = try await entry(for: name)
    }

    /// Adds (or replaces) a provider from a configuration, e.g. an OpenAI-compatible endpoint.
    public func addProvider(name: String, config: ProviderConfiguration) async throws {
        let provider = try factory.make(name: name, configuration: config, context: context)
        try await addProvider(name: name, provider: provider, requestsPerMinute: config.requestsPerMinute,
                              tokensPerMinute: config.tokensPerMinute, maxQueueWait: config.maxQueueWait)
    }

    /// Adds (or replaces) a provider instance: any type conforming to ``Provider``.
    public func addProvider(name: String, provider: any Provider, requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil,
                            maxQueueWait: Duration? = nil) async throws {
        try await provider.initialize()
        let limiter = RateLimiter(provider: name, requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute, clock: clock)
        table.withLock { $0.providers[name] = ProviderEntry(provider: provider, limiter: limiter, maxQueueWait: maxQueueWait) }
        logger.info("provider added", metadata: ["genesis.provider": "\(name)", "genesis.simulated": "\(provider.isSimulated)"])
    }

    /// Removes a provider; requests to it then fail with a configuration error.
    public func removeProvider(_ name: String) {
        table.withLock { _ = $0.providers.removeValue(forKey: name) }
    }

    /// Names of the providers that can be used: configured and added ones.
    public var providerNames: [String] {
        Set(configuration.providers.keys).union(table.withLock { $0.providers.keys }).sorted()
    }

    public func isSimulated(_ provider: String) async -> Bool {
        if let entry = table.withLock({ $0.providers[provider] }) { return entry.provider.isSimulated }
        return configuration.providers[provider]?.kind == "sim"
    }

    /// What `model` costs and what the catalog knows of it; a provider with no prices of its own
    /// has its kind's (a provider named `work` of kind `anthropic` has Anthropic's).
    public func price(for model: ModelID) -> ModelPrice? {
        prices.price(for: model)
    }

    /// The models a provider offers (initializing it if needed).
    public func listModels(provider name: String) async throws -> [ModelInfo] {
        let entry = try await entry(for: name)
        var models = try await entry.provider.listModels()
        let listed = Set(models.map(\.id.model))
        for extra in configuration.providers[name]?.models ?? [] where !listed.contains(extra) {
            models.append(ModelInfo(id: ModelID(provider: name, model: extra), contextWindow: nil, isSimulated: entry.provider.isSimulated))
        }
        return models.map { info in
            var info = info
            if info.contextWindow == nil { info.contextWindow = prices.price(for: info.id)?.contextWindow }
            return info
        }
    }

    /// Runs the provider's health check and records it for the health state. A provider that
    /// cannot start (no key, an unknown name) is recorded `down` with the reason, and thrown.
    @discardableResult
    public func checkHealth(provider name: String) async throws -> HealthReport {
        let entry: ProviderEntry
        do {
            entry = try await self.entry(for: name)
        } catch {
            let failure = normalize(error, ModelID(provider: name, model: "*"))
            metrics.recordHealthCheck(provider: name, HealthReport(state: .down, latency: .zero, message: "\(failure)"))
            throw failure
        }
        let report = await entry.provider.health()
        metrics.recordHealthCheck(provider: name, report)
        return report
    }

    // MARK: Versions

    /// Pins an alias to a dated version: requests for `model` are sent as the version's id, and
    /// results record it. A version that does not start with the model name is appended to it
    /// (`gpt-4` + `0613` = `gpt-4-0613`).
    public func registerModelVersion(provider: String, model: String, version: String) {
        let id = Self.versionID(model: model, version: version)
        table.withLock { $0.versions[ModelID(provider: provider, model: model)] = id }
    }

    /// The id a version is sent as: `gpt-4` + `0613` = `gpt-4-0613`; `gpt-4-0613` stays as it is.
    public static func versionID(model: String, version: String) -> String {
        version.hasPrefix(model) ? version : "\(model)-\(version)"
    }

    public func modelVersion(provider: String, model: String) -> String? {
        table.withLock { $0.versions[ModelID(provider: provider, model: model)] }
    }

    // MARK: Metrics

    public func providerMetrics(_ provider: String) async -> ProviderMetrics {
        metrics.providerMetrics(provider, rateLimit: table.rateLimitStatus(provider: provider))
    }

    public func modelMetrics(provider: String, model: String) async -> MetricsSnapshot {
        metrics.snapshot(ModelID(provider: provider, model: model))
    }

    /// A live sequence of the model's metrics: the current snapshot, then a new one after every
    /// request that model finishes. Stop iterating to unsubscribe.
    public func monitorModel(provider: String, model: String) -> AsyncStream<MetricsSnapshot> {
        let (stream, continuation) = AsyncStream<MetricsSnapshot>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let id = ModelID(provider: provider, model: model)
        metrics.subscribe(id, continuation)
        return stream
    }

    // MARK: Internals

    private var context: ProviderContext {
        ProviderContext(environment: environment, clock: clock, simulatorSpeed: configuration.simulatorSpeed, logger: logger, keys: keys,
                        catalog: prices, network: configuration.network)
    }

    /// The error for a provider this registry has not got, saying what would give it one: a key
    /// for a hosted kind of that name, a running server for a local one, else a configuration entry.
    public func unknownProvider(_ name: String) -> ConfigurationError {
        let configured = "unknown provider \"\(name)\"; configured: \(providerNames.joined(separator: ", "))"
        let entry = "add [providers.\(name)] to the configuration"
        let fix: String, kind = configuration.kinds.named(name)
        if let variable = kind?.keyVariables.first {
            fix = "set \(variable) (or put a key in keys.toml under [\(name)]), or \(entry)"
        } else if let kind, let variable = kind.localServerVariable {
            fix = "start its server (found at \(kind.defaultBaseURL ?? "its default address"), or where \(variable) says), or \(entry) with its base_url"
        } else {
            fix = entry
        }
        return ConfigurationError(file: configuration.source, key: "providers.\(name)", message: "\(configured). Fix: \(fix)")
    }

    /// The provider's entry, made and initialized on first use. Two requests that race to make
    /// it may both initialize the provider; the first to finish is kept.
    func entry(for name: String) async throws -> ProviderEntry {
        if let entry = table.withLock({ $0.providers[name] }) { return entry }
        return try await makeEntry(for: name)
    }

    private func makeEntry(for name: String) async throws -> ProviderEntry {
        if let entry = table.withLock({ $0.providers[name] }) { return entry }
        guard let config = configuration.providers[name] else { throw unknownProvider(name) }
        let provider = try factory.make(name: name, configuration: config, context: context)
        try await provider.initialize()
        if let raced = table.withLock({ $0.providers[name] }) { return raced } // another request initialized it meanwhile
        let limiter = RateLimiter(provider: name, requestsPerMinute: config.requestsPerMinute, tokensPerMinute: config.tokensPerMinute, clock: clock)
        let entry = ProviderEntry(provider: provider, limiter: limiter, maxQueueWait: config.maxQueueWait)
        table.withLock { $0.providers[name] = entry }
        return entry
    }

    /// The models a request may go to, in order, and the versions they are pinned to.
    func route(for request: GenerationRequest, options: RequestOptions) -> Route {
        var chain = options.useFallbacks ? fallbacks.chain(for: request.model) : [request.model]
        for extra in options.extraFallbacks where !chain.contains(extra) { chain.append(extra) }
        var pins = table.withLock { $0.versions.isEmpty ? [:] : $0.versions.filter { chain.contains($0.key) } }
        for (id, version) in options.versions where chain.contains(id) { pins[id] = Self.versionID(model: id.model, version: version) }
        return Route(chain: chain, versions: pins)
    }
}

/// A provider with its limiters: the configured one, provider-wide, and those learned per model.
struct ProviderEntry: Sendable {
    let provider: any Provider
    let limiter: RateLimiter
    let maxQueueWait: Duration?
    let learned: ModelLimiters

    init(provider: any Provider, limiter: RateLimiter, maxQueueWait: Duration?) {
        self.provider = provider
        self.limiter = limiter
        self.maxQueueWait = maxQueueWait
        learned = ModelLimiters(provider: limiter.provider, clock: limiter.clock)
    }
}

struct Route: Sendable {
    let chain: [ModelID]
    let versions: [ModelID: String]
}

/// The registry's providers, each with its limiter, and its pinned versions, readable from any
/// thread (requests and metrics snapshots read them without a hop onto the actor).
final class ProviderTable: Sendable {
    struct Contents {
        var providers: [String: ProviderEntry] = [:]
        var versions: [ModelID: String] = [:]
    }

    private let contents = Mutex(Contents())

    func withLock<Result: Sendable>(_ body: (inout Contents) -> Result) -> Result {
        contents.withLock { body(&$0) }
    }

    /// The provider's rate limiter, once the provider is in use.
    func limiter(_ provider: String) -> RateLimiter? { withLock { $0.providers[provider]?.limiter } }

    /// The limit that holds `model` back: the provider's configured one, or what was learned
    /// about the model where that binds.
    func rateLimitStatus(_ model: ModelID) -> RateLimitStatus {
        guard let entry = withLock({ $0.providers[model.provider] }) else { return .unlimited }
        let provider = entry.limiter.status()
        return entry.learned.existing(model.model).map { provider.binding($0.status()) } ?? provider
    }

    /// The provider's limit for its gauges: its configured one, or the model's learned one that
    /// binds most.
    func rateLimitStatus(provider name: String) -> RateLimitStatus {
        guard let entry = withLock({ $0.providers[name] }) else { return .unlimited }
        return entry.learned.all.reduce(entry.limiter.status()) { $0.binding($1.status()) }
    }
}
