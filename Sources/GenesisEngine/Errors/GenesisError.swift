/// The common face of every error the engine throws: what kind, where, and what to do next.
///
/// `category` is bounded (safe as a metrics label and fallback-policy input); `description`
/// carries the details, never an API key.
public protocol GenesisError: Error, Sendable, CustomStringConvertible {
    var category: ErrorCategory { get }
    var provider: String? { get }
    var model: String? { get }
    /// The HTTP status the provider answered with, if any.
    var status: Int? { get }
    /// What the provider said about retrying (e.g. `x-should-retry`, a quota that waiting cannot
    /// fix, another key to rotate to); nil leaves it to the category.
    var isRetryable: Bool? { get }
}

extension GenesisError {
    public var provider: String? { nil }
    public var model: String? { nil }
    public var status: Int? { nil }
    public var isRetryable: Bool? { nil }
    /// `provider:model ` or empty, as a prefix for messages.
    var origin: String {
        switch (provider, model) {
        case let (p?, m?): "\(p):\(m) "
        case let (p?, nil): "\(p) "
        default: ""
        }
    }
}

/// The kinds of failure, each with its CLI exit code and JSON `type`.
public enum ErrorCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case configuration = "configuration_error"
    case authentication = "authentication_error"
    case permission = "permission_error"
    case rateLimit = "rate_limit_error"
    case modelNotFound = "model_not_found"
    case overloaded = "overloaded_error"
    case server = "server_error"
    case brokenStream = "broken_stream"
    case network = "network_error"
    case timeout = "timeout"
    case invalidRequest = "invalid_request_error"
    case contextTooLong = "context_length_exceeded"
    case contentFilter = "content_filter"
    case budgetExceeded = "budget_exceeded"
    case cancelled = "cancelled"

    /// The exit code of the `genesis` CLI for this kind of failure.
    public var exitCode: Int32 {
        switch self {
        case .configuration: 2
        case .authentication, .permission: 3
        case .rateLimit: 4
        case .modelNotFound: 5
        case .overloaded, .server, .brokenStream: 6
        case .network, .timeout: 7
        case .invalidRequest, .contextTooLong, .contentFilter: 8
        case .budgetExceeded: 9
        case .cancelled: 130
        }
    }

    /// What a person can do about it.
    public var nextStep: String {
        switch self {
        case .configuration: "fix the configuration named above"
        case .authentication: "check the API key (environment variable or keys file) for this provider"
        case .permission: "this key or account may not use this model or feature here; check the provider account's access"
        case .rateLimit: "wait and retry, lower the request rate, or add a fallback model"
        case .modelNotFound: "run `genesis models` to see the available models"
        case .overloaded: "the provider is overloaded; retry later or add a fallback model"
        case .server: "the provider failed; retry later or add a fallback model"
        case .brokenStream: "the answer was cut off; the partial text is kept; retry to get a full answer"
        case .network: "check the network and the provider's base URL"
        case .timeout: "retry, or raise the timeout"
        case .invalidRequest: "change the request as the message says"
        case .contextTooLong: "shorten the conversation, lower max tokens, or use a model with a larger context window"
        case .contentFilter: "rephrase the request"
        case .budgetExceeded: "raise the budget in the configuration or wait for the next period"
        case .cancelled: "nothing: the request was cancelled"
        }
    }
}
