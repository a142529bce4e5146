import Foundation

/// Named environments (development, staging, production, or any name), each serving a model,
/// version and parameters, with history, rollback and weighted canary splits (the seed's
/// `DeploymentOrchestrator`). Every change is appended to a log, so state survives restarts.
public actor DeploymentOrchestrator {
    public static let standardEnvironments = ["development", "staging", "production"]

    private let log: (any DeploymentLog)?
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private var states: [String: EnvironmentState] = [:]

    /// - Parameters:
    ///   - log: where changes are kept (the database's deployment log); nil keeps them in memory.
    ///   - random: numbers in `0..<1` deciding canary splits.
    public init(log: (any DeploymentLog)? = nil, now: @escaping @Sendable () -> Date = { Date() },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.log = log
        self.now = now
        self.random = random
    }

    /// Makes `model` (at `version`, with `parameters`) what `environment` serves.
    @discardableResult
    public func deployModel(provider: String, model: String, environment: String, version: String? = nil,
                            parameters: GenerationParameters = .init(), note: String? = nil) async throws -> Deployment {
        try await load()
        try Self.check(environment)
        let deployment = Deployment(model: ModelID(provider: provider, model: model), version: version, parameters: parameters,
                                    deployedAt: now(), note: note)
        try await apply(DeploymentEvent(time: now(), environment: environment, action: .deploy, deployment: deployment))
        return deployment
    }

    /// Goes back to the deployment before the current one.
    @discardableResult
    public func rollback(environment: String) async throws -> Deployment {
        try await load()
        guard let state = states[environment], state.history.count >= 2 else {
            throw DeploymentError(environment: environment,
                                  message: states[environment]?.current == nil ? "nothing is deployed" : "there is no earlier deployment to go back to",
                                  hint: "deploy a model with `genesis deploy provider:model --env \(environment)`")
        }
        try await apply(DeploymentEvent(time: now(), environment: environment, action: .rollback))
        // A rollback with two or more deployments in the history leaves the one before as current.
        return states[environment]!.current!
    }

    /// Sends `weight` (0 to 1) of the environment's requests to another deployment.
    public func setCanary(provider: String, model: String, environment: String, weight: Double, version: String? = nil,
                          parameters: GenerationParameters = .init()) async throws {
        try await load()
        guard (0...1).contains(weight) else {
            throw DeploymentError(environment: environment, message: "a canary weight must be from 0 to 1, got \(weight)", hint: "pass e.g. 0.1 for 10%")
        }
        guard states[environment]?.current != nil else {
            throw DeploymentError(environment: environment, message: "a canary needs a live deployment to split with",
                                  hint: "deploy the main model first")
        }
        let deployment = Deployment(model: ModelID(provider: provider, model: model), version: version, parameters: parameters, deployedAt: now())
        try await apply(DeploymentEvent(time: now(), environment: environment, action: .canary, deployment: deployment, weight: weight))
    }

    /// Makes the canary the live deployment.
    public func promoteCanary(environment: String) async throws {
        try await load()
        guard states[environment]?.canary != nil else {
            throw DeploymentError(environment: environment, message: "there is no canary", hint: "start one with --canary provider:model --weight 0.1")
        }
        try await apply(DeploymentEvent(time: now(), environment: environment, action: .promote))
    }

    public func clearCanary(environment: String) async throws {
        try await load()
        try await apply(DeploymentEvent(time: now(), environment: environment, action: .clearCanary))
    }

    /// The deployment that serves the next request: the canary for its share, otherwise the
    /// live one. Send the request with `deployment.requestOptions()` so its version is pinned for
    /// that request alone (two environments may serve one model at different versions).
    public func resolve(environment: String) async throws -> Deployment {
        try await load()
        guard let state = states[environment], let current = state.current else {
            let known = states.keys.sorted()
            throw DeploymentError(environment: environment, message: "nothing is deployed here",
                                  hint: known.isEmpty ? "deploy a model with `genesis deploy provider:model --env \(environment)`"
                                                      : "deploy a model, or use one of: \(known.joined(separator: ", "))")
        }
        var chosen = current
        if let canary = state.canary, random() < canary.weight { chosen = canary.deployment }
        return chosen
    }

    /// Every environment's state, by name.
    public func environments() async throws -> [String: EnvironmentState] {
        try await load()
        return states
    }

    /// Every change, oldest first (from the log when there is one).
    public func history() async throws -> [DeploymentEvent] {
        guard let log else { return [] }
        return try await log.events()
    }

    /// Every change with what was live before and after it, oldest first: a rolled-back
    /// deployment leaves the environment's stack but stays here.
    public func changes() async throws -> [DeploymentChange] {
        var states: [String: EnvironmentState] = [:], changes: [DeploymentChange] = []
        for event in try await history() {
            let before = states[event.environment]?.current
            Self.fold(event, into: &states)
            changes.append(DeploymentChange(event: event, before: before, after: states[event.environment]?.current))
        }
        return changes
    }

    // MARK: Internals

    /// Reads the state from the log before every use: another process (`genesis deploy` while a
    /// console runs) may have changed it since. Without a log the state lives here alone.
    private func load() async throws {
        guard let log else { return }
        var rebuilt: [String: EnvironmentState] = [:]
        for event in try await log.events() { Self.fold(event, into: &rebuilt) }
        states = rebuilt
    }

    private func apply(_ event: DeploymentEvent) async throws {
        try await log?.append(event)
        Self.fold(event, into: &states)
    }

    static func fold(_ event: DeploymentEvent, into states: inout [String: EnvironmentState]) {
        var state = states[event.environment] ?? EnvironmentState(name: event.environment)
        switch event.action {
        case .deploy:
            if let deployment = event.deployment { state.history.append(deployment) }
        case .rollback:
            if state.history.count >= 2 { state.history.removeLast() }
        case .canary:
            if let deployment = event.deployment { state.canary = Canary(deployment: deployment, weight: event.weight ?? 0) }
        case .promote:
            if let canary = state.canary {
                var promoted = canary.deployment
                promoted.deployedAt = event.time
                state.history.append(promoted)
                state.canary = nil
            }
        case .clearCanary:
            state.canary = nil
        }
        states[event.environment] = state
    }

    static func check(_ environment: String) throws {
        guard !environment.isEmpty, environment.count <= 64, environment.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw DeploymentError(environment: environment, message: "an environment name is letters, digits, - and _",
                                  hint: "use e.g. development, staging or production")
        }
    }
}
