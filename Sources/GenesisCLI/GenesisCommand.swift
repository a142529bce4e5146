import ArgumentParser
import Foundation
import GenesisEngine
import GenesisProviders

/// `genesis`: the console and the scriptable CLI over one engine.
public struct GenesisCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "genesis",
        abstract: "Many language models side by side: a terminal console and a scriptable CLI.",
        discussion: """
        With no API keys, everything runs on the built-in simulated provider `sim` (models \
        sim:fast, sim:balanced, sim:deep, sim:flaky, sim:tiny), clearly labelled as simulated.

        Exit codes: 0 ok, 2 usage or configuration, 3 authentication, 4 rate limit, \
        5 model not found, 6 provider failure, 7 network or timeout, 8 invalid request, \
        9 budget exceeded.
        """,
        version: GenesisVersion.current,
        subcommands: [Console.self, Ask.self, Compare.self, Models.self],
        defaultSubcommand: Console.self
    )

    public init() {}

    /// Runs the command line and exits with the contract's exit codes (usage errors exit 2).
    public static func runMain(arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as any GenesisError {
            FileHandle.standardError.write(Data("genesis: error: \(error)\n".utf8))
            Foundation.exit(error.category.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success { self.exit(withError: error) } // --help, --version
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

public enum GenesisVersion {
    public static let current = "0.1.0"
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (TOML, or the seed's JSON).", valueName: "file"))
    var config: String?

    @Flag(name: .long, help: "Log retries, fallbacks and failures to standard error.")
    var verbose = false

    /// Loads the configuration, adds the providers found in the environment and on local ports,
    /// and makes the engine.
    func makeRegistry(baseURL: String? = nil, for provider: String? = nil) async throws -> ModelRegistry {
        var configuration = try loadConfiguration()
        let environment = ProcessInfo.processInfo.environment
        await ProviderDiscovery.discover(into: &configuration, environment: environment)
        if let baseURL, let provider {
            guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--base-url \"\(baseURL)\" is not an http(s) URL; write e.g. http://localhost:8080/v1")
            }
            let kind = ProviderConfiguration.kinds.contains(provider) ? provider : "openai-compatible"
            configuration.providers[provider, default: ProviderConfiguration(kind: kind)].baseURL = baseURL
        }
        return ModelRegistry(configuration: configuration, factory: ProviderAdapters.factory, environment: environment,
                             logger: Logging.logger(verbose: verbose))
    }

    func loadConfiguration() throws -> GenesisConfiguration {
        try ConfigLoader.load(path: config)
    }
}
