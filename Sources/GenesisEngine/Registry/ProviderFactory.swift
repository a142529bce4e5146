import Clocks
import Logging

/// Makes providers from their configuration, by kind. The engine knows `sim`; the provider
/// adapters add theirs with ``registering(kind:_:)``, each with its descriptor, which a registry
/// made with this factory reads (its key variables are redacted, its image limits checked).
public struct ProviderFactory: Sendable {
    public typealias Make = @Sendable (_ name: String, _ configuration: ProviderConfiguration, _ context: ProviderContext) throws -> any Provider
    private var makers: [String: Make] = [:]
    /// The kinds it makes, in registration order.
    public private(set) var providerKinds: [ProviderKind] = []

    public init() {}

    /// Knows only the simulated provider.
    public static let builtIn = ProviderFactory().registering(kind: .sim) { name, _, context in
        SimulatedProvider(name: name, speed: context.simulatorSpeed, clock: context.clock)
    }

    /// This factory, making providers of `kind` with `make` (in place of any it made before).
    public func registering(kind: ProviderKind, _ make: @escaping Make) -> ProviderFactory {
        var copy = self
        copy.makers[kind.name] = make
        copy.providerKinds.removeAll { $0.name == kind.name }
        copy.providerKinds.append(kind)
        return copy
    }

    public var kinds: [String] { makers.keys.sorted() }

    public func make(name: String, configuration: ProviderConfiguration, context: ProviderContext) throws -> any Provider {
        guard let make = makers[configuration.kind] else {
            throw ConfigurationError(key: "providers.\(name).kind",
                                     message: "this build has no adapter for kind \"\(configuration.kind)\" (it has: \(kinds.joined(separator: ", "))); use one of those, or add the provider with addProvider(name:provider:)")
        }
        return try make(name, configuration, context)
    }
}

/// What a provider is made with besides its own configuration.
public struct ProviderContext: Sendable {
    public var environment: [String: String]
    public var clock: AnyClock<Duration>
    public var simulatorSpeed: Double
    public var logger: Logger
    /// Keys from keys.toml, by provider (the environment's come from `environment`).
    public var keys: ProviderKeys
    /// What each model costs and takes (the configuration's prices over the shipped catalog).
    public var catalog: PriceMemo
    /// `[network]`: the proxy and certificate authorities, over the environment's.
    public var network: NetworkSettings

    public init(environment: [String: String], clock: AnyClock<Duration>, simulatorSpeed: Double, logger: Logger,
                keys: ProviderKeys = ProviderKeys(), catalog: PriceMemo = .standard, network: NetworkSettings = NetworkSettings()) {
        self.keys = keys
        self.catalog = catalog
        self.network = network
        self.environment = environment
        self.clock = clock
        self.simulatorSpeed = simulatorSpeed
        self.logger = logger
    }
}
