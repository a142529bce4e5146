import Foundation

/// What an environment serves: a model, optionally pinned to a dated version, with parameters.
public struct Deployment: Sendable, Hashable, Codable {
    public var model: ModelID
    public var version: String?
    public var parameters: GenerationParameters
    public var deployedAt: Date
    public var note: String?

    public init(model: ModelID, version: String? = nil, parameters: GenerationParameters = .init(), deployedAt: Date = Date(), note: String? = nil) {
        self.model = model
        self.version = version
        self.parameters = parameters
        self.deployedAt = deployedAt
        self.note = note
    }

    /// `openai:gpt-4@gpt-4-0613`, or the model alone.
    public var label: String { version.map { "\(model)@\($0)" } ?? model.description }

    /// `options` with this deployment's version pinned for the request alone, so that two
    /// environments serving one model at different versions can be asked side by side.
    public func requestOptions(_ options: RequestOptions = RequestOptions()) -> RequestOptions {
        var options = options
        if let version { options.versions[model] = version }
        return options
    }
}

/// A second deployment taking a share of an environment's requests.
public struct Canary: Sendable, Hashable, Codable {
    public var deployment: Deployment
    /// The share of requests it gets, 0 to 1.
    public var weight: Double
}

/// One environment: its deployments, newest last (the last is live), and a canary if any.
public struct EnvironmentState: Sendable, Hashable {
    public var name: String
    public var history: [Deployment] = []
    public var canary: Canary?

    public var current: Deployment? { history.last }
}

/// A change to an environment, as the deployment log keeps it.
public struct DeploymentEvent: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        case deploy, rollback, canary, promote
        case clearCanary = "clear_canary"
    }

    public var time: Date
    public var environment: String
    public var action: Action
    public var deployment: Deployment?
    public var weight: Double?

    public init(time: Date, environment: String, action: Action, deployment: Deployment? = nil, weight: Double? = nil) {
        self.time = time
        self.environment = environment
        self.action = action
        self.deployment = deployment
        self.weight = weight
    }
}

/// Where the deployment log is kept (storage's database); without one it lives in memory.
public protocol DeploymentLog: Sendable {
    func append(_ event: DeploymentEvent) async throws
    func events() async throws -> [DeploymentEvent]
}

/// Something an environment cannot do: no deployment to roll back to, no such environment.
public struct DeploymentError: GenesisError, Hashable {
    public var environment: String
    public var message: String
    public var hint: String

    public init(environment: String, message: String, hint: String) {
        self.environment = environment
        self.message = message
        self.hint = hint
    }

    public var provider: String? { nil }
    public var model: String? { nil }
    public var category: ErrorCategory { .invalidRequest }
    public var description: String { "environment \"\(environment)\": \(message). Next: \(hint)." }
}

/// One change to an environment, with what it served before and after.
public struct DeploymentChange: Sendable, Hashable {
    public var event: DeploymentEvent
    public var before: Deployment?
    public var after: Deployment?
}
