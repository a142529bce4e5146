import ArgumentParser
import Foundation
import GenesisEngine
import GenesisProviders
import GenesisStore

/// `genesis deploy`: what an environment serves, with history, rollback and canaries.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy a model to an environment (development, staging, production, ...), roll back, or split traffic to a canary.",
        discussion: """
        genesis deploy openai:gpt-4 --env production --version 0613 --temperature 0.2
        genesis deploy --env production --rollback
        genesis deploy --env production --canary anthropic:claude-sonnet-4-5 --weight 0.1
        genesis deploy --env production --promote      (or --clear-canary)
        genesis deploy --start-local llama3 [--env development]   ([local.llama3] in config.toml)
        genesis deploy --stop-local llama3
        Then `genesis ask --env production "..."` asks what production serves.
        """)

    @Argument(help: ArgumentHelp("The model to deploy.", valueName: "provider:model"))
    var model: ModelID?

    @Option(name: .long, help: "The environment.")
    var env: String?

    @Option(name: .long, help: ArgumentHelp("Start the llama.cpp server of [local.NAME], wait until it is healthy (and deploy it to --env, if given).", valueName: "name"))
    var startLocal: String?

    @Option(name: .long, help: ArgumentHelp("Stop the llama.cpp server of [local.NAME].", valueName: "name"))
    var stopLocal: String?

    @Option(name: .long, help: "Pin a dated version (e.g. 0613 or gpt-4-0613).")
    var version: String?

    @Option(name: .long, help: "Temperature for requests to this deployment.")
    var temperature: Double?

    @Option(name: .long, help: "Max tokens for requests to this deployment.")
    var maxTokens: Int?

    @Option(name: .long, help: "A note kept with the deployment.")
    var note: String?

    @Flag(name: .long, help: "Go back to the previous deployment.")
    var rollback = false

    @Option(name: .long, help: ArgumentHelp("Send a share of the requests to this model.", valueName: "provider:model"))
    var canary: ModelID?

    @Option(name: .long, help: "The canary's share of requests, 0 to 1.")
    var weight: Double?

    @Flag(name: .long, help: "Make the canary the live deployment.")
    var promote = false

    @Flag(name: .long, help: "Stop the canary.")
    var clearCanary = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let actions = [model != nil, rollback, canary != nil, promote, clearCanary, startLocal != nil, stopLocal != nil].filter { $0 }.count
        guard actions == 1 else {
            throw ValidationError("give one of: a model to deploy, --rollback, --canary P:M --weight W, --promote, --clear-canary, --start-local NAME, --stop-local NAME")
        }
        if env == nil, startLocal == nil, stopLocal == nil { throw ValidationError("name the environment with --env, e.g. --env production") }
        if canary != nil, weight == nil { throw ValidationError("--canary needs --weight, the share of requests from 0 to 1") }
        if let temperature, !(0...2).contains(temperature) { throw ValidationError("--temperature must be between 0 and 2") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if let name = stopLocal {
            _ = try localServer(name)
            let stopped = await DeploymentOrchestrator().stopLocalServer(named: name, processEnvironment: environment)
            try Terminal.out(stopped ? "stopped the local server \(name)\n" : "the local server \(name) was not running\n")
            return
        }
        let storage = try global.requireStorage()
        let orchestrator = DeploymentOrchestrator(log: storage)
        let parameters = GenerationParameters(maxTokens: maxTokens, temperature: temperature)
        let env = self.env ?? ""
        if let name = startLocal {
            let settings = try localServer(name)
            let local = try await orchestrator.startLocalServer(settings, environment: self.env, parameters: parameters, note: note,
                                                                processEnvironment: environment)
            let started = local.server
            try Terminal.out("the local server \(name) is up at \(started.baseURL) (process \(started.pid), output in \(started.log)); ask it as \(name):\(settings.modelID)\n")
            if let deployment = local.deployment { try Terminal.out("\(env) now serves \(deployment.label)\n") }
        } else if let model {
            let deployment = try await orchestrator.deployModel(provider: model.provider, model: model.model, environment: env,
                                                                version: version, parameters: parameters, note: note)
            try Terminal.out("\(env) now serves \(deployment.label)\n")
        } else if rollback {
            let deployment = try await orchestrator.rollback(environment: env)
            try Terminal.out("\(env) rolled back to \(deployment.label)\n")
        } else if let canary, let weight {
            try await orchestrator.setCanary(provider: canary.provider, model: canary.model, environment: env, weight: weight,
                                             version: version, parameters: parameters)
            try Terminal.out(String(format: "%@ sends %.0f%% of requests to %@\n", env, weight * 100, canary.description))
        } else if promote {
            try await orchestrator.promoteCanary(environment: env)
            try Terminal.out("\(env) now serves \(try await orchestrator.environments()[env]?.current?.label ?? "?")\n")
        } else if clearCanary {
            try await orchestrator.clearCanary(environment: env)
            try Terminal.out("\(env) has no canary\n")
        }
    }
}

extension Deploy {
    func localServer(_ name: String) throws -> LocalServerSettings {
        let configuration = try global.loadConfiguration()
        guard let settings = configuration.localServers[name] else {
            let known = configuration.localServers.keys.sorted()
            throw ConfigurationError(file: configuration.source, key: "local.\(name)",
                                     message: "no local server \"\(name)\" is configured" + (known.isEmpty
                                        ? "; add [local.\(name)] with binary, model_file and port to config.toml"
                                        : "; configured: \(known.joined(separator: ", "))"))
        }
        return settings
    }
}

/// `genesis deployments`: every environment and what it serves.
struct Deployments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List environments, what each serves, its canary and its history.")

    @Flag(name: .long, help: "Print {\"environments\": [{\"name\", \"current\", \"canary\", \"history\", \"log\": [{\"time\", \"action\", \"from\", \"to\", \"weight\"}]}]}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let orchestrator = DeploymentOrchestrator(log: try global.requireStorage())
        let environments = try await orchestrator.environments()
        let changes = try await orchestrator.changes()
        func object(_ d: Deployment) -> JSONValue {
            var p: [String: JSONValue] = [:]
            if let t = d.parameters.temperature { p["temperature"] = .number(t) }
            if let m = d.parameters.maxTokens { p["max_tokens"] = .integer(m) }
            return ["provider": .string(d.model.provider), "model": .string(d.model.model), "version": .nullable(d.version),
                    "deployed_at": .string(ConversationFormat.iso(d.deployedAt)), "note": .nullable(d.note), "parameters": .object(p)]
        }
        let names = environments.keys.sorted()
        if json {
            try Terminal.out(AnswerJSON.render(["environments": .array(names.compactMap { name -> JSONValue? in
                guard let state = environments[name] else { return nil }
                return ["name": .string(name), "current": state.current.map(object) ?? .null,
                        "canary": state.canary.map { ["weight": .number($0.weight), "deployment": object($0.deployment)] } ?? .null,
                        "history": .array(state.history.reversed().map(object)),
                        "log": .array(changes.filter { $0.event.environment == name }.map { change -> JSONValue in
                            ["time": .string(ConversationFormat.iso(change.event.time)), "action": .string(change.event.action.rawValue),
                             "from": .nullable(change.before?.label), "to": .nullable(change.after?.label),
                             "canary": change.event.action == .canary ? .nullable(change.event.deployment?.label) : .null,
                             "weight": .nullable(change.event.weight)]
                        })]
            })]) + "\n")
            return
        }
        if names.isEmpty { try Terminal.out("No deployments yet: genesis deploy sim:balanced --env development\n") }
        let environment = ProcessInfo.processInfo.environment
        for (name, settings) in try global.loadConfiguration().localServers.sorted(by: { $0.key < $1.key }) {
            let pid = LocalServers.runningPID(name, environment: environment)
            try Terminal.out("local server \(name) (\(settings.baseURL), \(settings.modelID)): \(pid.map { "running, process \($0)" } ?? "stopped")\n")
        }
        for (name, state) in environments.sorted(by: { $0.key < $1.key }) {
            try Terminal.out("\(name): \(state.current?.label ?? "nothing")")
            if let canary = state.canary { try Terminal.out(String(format: " (canary %@ at %.0f%%)", canary.deployment.label, canary.weight * 100)) }
            try Terminal.out("\n")
            for (index, deployment) in state.history.reversed().enumerated() {
                try Terminal.out("  \(index == 0 ? "live" : "    ")  \(ConversationFormat.iso(deployment.deployedAt))  \(deployment.label)\(deployment.note.map { "  \($0)" } ?? "")\n")
            }
            // Rollbacks take a deployment off the stack above; the log keeps every change.
            let log = changes.filter { $0.event.environment == name }
            if log.contains(where: { $0.event.action != .deploy }) {
                try Terminal.out("  changes:\n")
                for change in log.reversed() {
                    let what: String
                    switch change.event.action {
                    case .deploy: what = "deploy     \(change.after?.label ?? "?")"
                    case .rollback: what = "rollback   \(change.before?.label ?? "?") → \(change.after?.label ?? "?")"
                    case .canary: what = String(format: "canary     %@ at %.0f%%", change.event.deployment?.label ?? "?", (change.event.weight ?? 0) * 100)
                    case .promote: what = "promote    \(change.before?.label ?? "?") → \(change.after?.label ?? "?")"
                    case .clearCanary: what = "end canary"
                    }
                    try Terminal.out("    \(ConversationFormat.iso(change.event.time))  \(what)\n")
                }
            }
        }
    }
}

extension GlobalOptions {
    /// What `environment` serves now (a canary for its share). Send with its `requestOptions` to
    /// pin its version. Deployments are read even with --no-history (`storage` is the engine's, when open).
    func resolve(environment: String, registry: ModelRegistry, storage: Storage?) async throws -> Deployment {
        let log = try storage ?? database(registry.configuration)
        return try await DeploymentOrchestrator(log: log).resolve(environment: environment)
    }
}
