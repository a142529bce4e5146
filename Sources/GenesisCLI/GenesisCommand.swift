import ArgumentParser
import Foundation
import Logging
import GenesisEngine
import GenesisProviders
import GenesisStore
import GenesisTelemetry

/// `genesis`: the console and the scriptable CLI over one engine.
public struct GenesisCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "genesis",
        abstract: "Many language models side by side: a terminal console and a scriptable CLI.",
        discussion: """
        With no API keys, everything runs on the built-in simulated provider `sim` (models \
        sim:fast, sim:balanced, sim:deep, sim:flaky, sim:tiny, sim:thinker, sim:echo), clearly labelled as simulated.

        Exit codes: 0 ok, 2 usage or configuration, 3 authentication, 4 rate limit, \
        5 model not found, 6 provider failure, 7 network or timeout, 8 invalid request, \
        9 budget exceeded.
        """,
        version: GenesisVersion.current,
        subcommands: [Console.self, Ask.self, Compare.self, Models.self, Prices.self, History.self, Export.self, Report.self, UsageCommand.self, Keys.self, Eval.self, TestProvider.self, Arena.self, Leaderboard.self, Deploy.self, Deployments.self],
        defaultSubcommand: Console.self
    )

    public init() {}

    /// Runs the command line and exits with the contract's exit codes (usage errors exit 2).
    public static func runMain(arguments: [String]? = nil) async -> Never {
        // A reader that goes away is an EPIPE from write(2), handled where the write is
        // (OutputError), not a signal that ends the process before the answer is recorded.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            await TraceExport.finish()
            Foundation.exit(0)
        } catch let failure as OutputError {
            await TraceExport.finish()
            if case .failed = failure { Terminal.err("genesis: error: \(failure)\n") }
            Foundation.exit(failure.exitCode)
        } catch let code as ExitCode {
            await TraceExport.finish()
            Foundation.exit(code.rawValue)
        } catch let error as any GenesisError {
            await TraceExport.finish()
            Terminal.err("genesis: error: \(error)\n")
            Foundation.exit(error.category.exitCode)
        } catch {
            await TraceExport.finish()
            let code = exitCode(for: error)
            if code == .success { self.exit(withError: error) } // --help, --version
            Terminal.err(fullMessage(for: error) + "\n")
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (TOML, or the seed's JSON).", valueName: "file"))
    var config: String?

    @Flag(name: .long, help: "Log retries, fallbacks and failures to standard error.")
    var verbose = false

    @Flag(name: .long, help: "Record no conversation history and no usage ledger for this run (with budgets configured, usage rows are still kept, so that budgets hold).")
    var noHistory = false

    @Option(name: .long, help: ArgumentHelp("""
        Send an OpenTelemetry trace of each request to this collector (OTLP/HTTP, e.g. http://127.0.0.1:4318); \
        OTEL_EXPORTER_OTLP_ENDPOINT does the same.
        """, valueName: "url"))
    var otelEndpoint: String?

    /// The database, unless this run or the configuration turned history off.
    func openStorage(_ configuration: GenesisConfiguration, keys: ProviderKeys? = nil) throws -> Storage? {
        guard !noHistory, configuration.storage.history else { return nil }
        return try database(configuration, keys: keys)
    }

    /// The database of `configuration`, whatever --no-history says (for commands that only read it).
    func database(_ configuration: GenesisConfiguration, keys: ProviderKeys? = nil) throws -> Storage {
        try Storage(path: configuration.storage.path ?? Storage.defaultPath(), logger: logger(configuration, keys: keys))
    }

    /// Keys from keys.toml (refused when the file is not private, or when a section names no
    /// provider of `configuration`).
    func loadKeys(for configuration: GenesisConfiguration) throws -> ProviderKeys {
        try KeyFile.load(providers: KeyFile.knownProviders(configuration))
    }

    /// The logger, redacting every key from the environment and keys.toml.
    func logger(_ configuration: GenesisConfiguration, keys: ProviderKeys? = nil, alerts: Bool = true) -> Logger {
        let held = HeldKeys(configuration: configuration, environment: ProcessInfo.processInfo.environment,
                            keys: keys ?? (try? loadKeys(for: configuration)) ?? ProviderKeys())
        return Logging.logger(verbose: verbose, alerts: alerts, secrets: held.needles)
    }

    /// Loads the configuration and keys, opens storage, adds the providers found in the
    /// environment, keys.toml and on local ports, and makes the engine. Budget alerts go to
    /// standard error unless `alerts` is false (the console shows them on its screen).
    func makeEngine(baseURL: String? = nil, for provider: String? = nil, exporter: MetricsExporter? = nil,
                    alerts: Bool = true) async throws -> (ModelRegistry, Storage?) {
        let configuration = try loadConfiguration()
        let keys = try loadKeys(for: configuration)
        try await startTracing(configuration, keys: keys)
        let storage = try openStorage(configuration, keys: keys)
        // Budgets count what the ledger holds: without it, every run with history off would start
        // from zero and a hard budget would never refuse. Usage rows hold no prompt or answer text.
        let ledger = try storage ?? (configuration.budgets.isEmpty ? nil : database(configuration, keys: keys))
        let registry = try await makeRegistry(configuration, storage: storage, ledger: ledger, baseURL: baseURL, for: provider, keys: keys,
                                              exporter: exporter, alerts: alerts)
        exporter?.attach(registry)
        // Standard error says the thresholds this run crosses, not those earlier runs did.
        if alerts { await registry.budgets.markCrossedAsAlerted() }
        return (registry, storage)
    }

    func makeRegistry(baseURL: String? = nil, for provider: String? = nil) async throws -> ModelRegistry {
        let configuration = try loadConfiguration()
        return try await makeRegistry(configuration, storage: nil, ledger: nil, baseURL: baseURL, for: provider, keys: try loadKeys(for: configuration))
    }

    private func makeRegistry(_ configuration: GenesisConfiguration, storage: Storage?, ledger: Storage?, baseURL: String?,
                              for provider: String?, keys: ProviderKeys, exporter: MetricsExporter? = nil,
                              alerts: Bool = true) async throws -> ModelRegistry {
        var configuration = configuration
        let environment = ProcessInfo.processInfo.environment
        await ProviderDiscovery.discover(into: &configuration, environment: environment, keys: keys)
        if let baseURL, let provider {
            guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--base-url \"\(baseURL)\" is not an http(s) URL; write e.g. http://localhost:8080/v1")
            }
            let kind = configuration.kinds.named(provider)?.name ?? ProviderKind.openAICompatible.name
            configuration.providers[provider, default: ProviderConfiguration(kind: kind)].baseURL = baseURL
        }
        return ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory, environment: environment, keys: keys,
                             logger: logger(configuration, keys: keys, alerts: alerts),
                             ledger: exporter.map { ObservedLedger(ledger: ledger, exporter: $0) } ?? ledger, cacheStore: storage)
    }

    func loadConfiguration() throws -> GenesisConfiguration {
        try ConfigLoader.load(path: config, kinds: ProviderKindTable.standard.configurableKinds)
    }
}

/// `--metrics-port N`: Prometheus metrics at http://127.0.0.1:N/metrics while the command runs.
struct MetricsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics at http://127.0.0.1:N/metrics while running (0 picks a free port).", valueName: "N"))
    var metricsPort: Int?

    func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be from 0 to 65535, got \(metricsPort)") }
    }

    /// The exporter and its server, when a port was given; the address goes to standard error.
    func start() async throws -> (MetricsExporter, MetricsServer)? {
        guard let metricsPort else { return nil }
        let exporter = MetricsExporter()
        do {
            let server = try await MetricsServer.start(port: metricsPort, exporter: exporter)
            Terminal.err("genesis: metrics at http://127.0.0.1:\(server.port)/metrics\n")
            return (exporter, server)
        } catch {
            throw ValidationError("cannot serve metrics on 127.0.0.1:\(metricsPort): \(error); pick another --metrics-port")
        }
    }
}
