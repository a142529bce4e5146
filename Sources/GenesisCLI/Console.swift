import ArgumentParser
import Foundation
import GenesisConsole
import GenesisEngine
import GenesisProviders

/// `genesis` (or `genesis console`): the terminal console, one streaming pane per model.
struct Console: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the console: one streaming pane per model, side by side (the default command).",
        discussion: """
        With no --model, Genesis opens a pane for each provider it found (a key in the \
        environment, a local Ollama or llama.cpp), or three simulated models when it found none. \
        Press ? in the console for its keys and commands.
        """)

    @Option(name: .shortAndLong, help: ArgumentHelp("A model to open a pane for (repeat for each).", valueName: "provider:model"))
    var model: [ModelID] = []

    @Option(name: .long, help: ArgumentHelp("Colour theme: dark, light, high-contrast, monochrome, or a theme file (default: the configuration's, dark).", valueName: "name"))
    var theme: String?

    @Option(name: .long, help: "Open a pane for what this environment serves (repeatable; see `genesis deploy`).")
    var env: [String] = []

    @Option(name: .long, help: ArgumentHelp("Reopen a recorded conversation and continue it (an id from `genesis history`).", valueName: "id"))
    var resume: String?

    @Option(name: .long, help: ArgumentHelp("How hard reasoning models think: none, minimal, low, medium, high, xhigh or max (/reasoning changes it).",
                                            valueName: "level"))
    var reasoning: ReasoningLevel?

    @OptionGroup var metrics: MetricsOptions

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw ValidationError("the console needs a terminal; for scripts use `genesis ask` or `genesis compare`")
        }
        // Return typed before the first frame stays Return (see TypeAhead); put back at the end.
        TypeAhead.keepReturns()
        defer { TypeAhead.restore() }
        HTTPStreamingCall.readOnOneThread() // a few streams, read in one wake per tick
        let exporter = try await metrics.start()
        let (registry, storage) = try await global.makeEngine(exporter: exporter?.0, alerts: false)
        var models = model
        // Checked here for a clear error; the console resolves them again at every prompt.
        for name in env { _ = try await global.resolve(environment: name, registry: registry, storage: storage) }
        let deployments = env.isEmpty ? nil : DeploymentOrchestrator(log: try storage ?? global.database(registry.configuration))
        if models.isEmpty && env.isEmpty {
            let configuration = registry.configuration
            for name in configuration.providers.keys.sorted() where name != "sim" {
                if let first = configuration.providers[name]?.models.first { models.append(ModelID(provider: name, model: first)) }
            }
            if models.isEmpty { models = ["sim:fast", "sim:balanced", "sim:deep"] }
        }
        for id in models where !registry.providerNames.contains(id.provider) {
            throw registry.unknownProvider(id.provider)
        }
        let themeName = theme ?? registry.configuration.theme
        guard let themeFile = Theme.locate(themeName, environment: ProcessInfo.processInfo.environment) else {
            if themeName == "dark" { // the built-in palette is the dark theme
                throw ExitCode(await ConsoleApp.run(registry: registry, models: models, environments: env, deployments: deployments,
                                                    storage: storage, resume: resume,
                                                    notice: exporter.map { "metrics at http://127.0.0.1:\($0.1.port)/metrics" }, reasoning: reasoning))
            }
            throw ValidationError("no theme \"\(themeName)\"; use dark, light, high-contrast, monochrome, or the path of a theme file")
        }
        let loaded: Theme
        do { loaded = try Theme.load(file: themeFile) } catch { throw ValidationError("\(error)") }
        let status = await ConsoleApp.run(registry: registry, models: models, environments: env, deployments: deployments,
                                          theme: loaded, storage: storage, resume: resume,
                                          notice: exporter.map { "metrics at http://127.0.0.1:\($0.1.port)/metrics" }, reasoning: reasoning)
        throw ExitCode(status)
    }
}
