import Clocks
import Foundation

// The request path as links in a chain, as Hummingbird composes middleware: each step does one
// thing around the rest of the path and hands on to `next`. The chain is one nested generic
// value (``ModelRegistry/steps``), so every call is static: no array of steps, no existential,
// nothing allocated per request for the chain itself.
//
// Three levels, by what a step works on:
// - ``RequestStep``: the whole request (input filter, cache, routing with its fallbacks);
// - ``ModelStep``: one model of the route (circuit breaker, retries under the deadline);
// - ``AttemptStep``: one attempt, with the request's shared state (budget, accounting);
// - ``CallStep``: one attempt as a `Sendable` value, which may run on a watchdog's child task
//   (breaker bookkeeping, deadline, output filter, limiter, the provider call).

/// A step around the whole request.
protocol RequestStep: Sendable {
    func handle(_ request: GenerationRequest, _ context: inout RequestContext) async throws -> GenerationResult
}

/// A step around the attempts on one model of the route.
protocol ModelStep: Sendable {
    func handle(_ model: ModelID, _ request: GenerationRequest, version: String?,
                _ context: inout RequestContext) async throws -> ModelOutcome
}

/// A step around one attempt that reads or writes the request's shared state.
protocol AttemptStep: Sendable {
    func handle(_ attempt: Attempt, _ context: inout RequestContext) async throws -> GenerationResult
}

/// A step around one attempt that needs nothing but the attempt.
protocol CallStep: Sendable {
    func handle(_ attempt: Attempt) async throws -> GenerationResult
}

/// How the attempts on one model ended, for the routing step.
enum ModelOutcome: Sendable {
    case served(GenerationResult)
    /// The model failed with this error; the fallback policy decides whether the next one is tried.
    case failed(any GenesisError)
    /// The model could not be used (an unusable fallback): the failure that led here still decides.
    case skipped
}

/// What the steps of one request share, on the request's own task.
struct RequestContext {
    let registry: ModelRegistry
    let options: RequestOptions
    let streaming: Bool
    let emit: (@Sendable (GenerationEvent) -> Void)?
    let start: AnyClock<Duration>.Instant
    /// One deadline for the request, all attempts and fallbacks included.
    let deadline: AnyClock<Duration>.Instant
    var accounting: Accounting
    /// Attempts that failed so far, in order; the answer carries them.
    var failures: [FailedAttempt] = []
    /// What the current attempt has shown; nothing shown is what allows a retry or fallback.
    let progress = StreamProgress()

    init(registry: ModelRegistry, options: RequestOptions, streaming: Bool, emit: (@Sendable (GenerationEvent) -> Void)?) {
        self.registry = registry
        self.options = options
        self.streaming = streaming
        self.emit = emit
        start = registry.clock.now
        deadline = start.advanced(by: options.timeout ?? registry.configuration.timeout)
        accounting = Accounting(registry: registry, requestID: RequestID.next(), options: options)
    }
}

/// One attempt on one model, shared by the steps of the attempt and able to cross to a
/// watchdog's task. A class: the steps and the deadline's closure share one instance instead of
/// copying a dozen references each.
final class Attempt: Sendable {
    let registry: ModelRegistry
    let request: GenerationRequest
    let model: ModelID
    let entry: ProviderEntry
    /// The pinned version the request is sent as, if any.
    let version: String?
    /// 1 for the first attempt on this model.
    let number: Int
    let start: AnyClock<Duration>.Instant
    let deadline: AnyClock<Duration>.Instant
    /// The request's timeout, for the message when the deadline passes.
    let timeout: Duration
    let streaming: Bool
    let decodeOnReadingThread: Bool
    let progress: StreamProgress
    let emit: (@Sendable (GenerationEvent) -> Void)?
    /// What the provider is told about this attempt and tells back (key used, reading thread).
    let context: AttemptContext

    /// Attempt `number` on `model`, within the request of `context`.
    init(_ number: Int, on model: ModelID, entry: ProviderEntry, version: String?, request: GenerationRequest, _ context: RequestContext) {
        let registry = context.registry
        self.registry = registry
        self.request = request
        self.model = model
        self.entry = entry
        self.version = version
        self.number = number
        start = context.start
        deadline = context.deadline
        timeout = context.options.timeout ?? registry.configuration.timeout
        streaming = context.streaming
        decodeOnReadingThread = context.options.decodeOnReadingThread
        progress = context.progress
        emit = context.emit
        self.context = AttemptContext(number: number,
                                      deadline: ContinuousClock.now.advanced(by: registry.clock.now.duration(to: context.deadline)),
                                      readPacing: context.streaming ? context.options.readPacing : nil)
    }

    /// The model id sent to the provider: the pinned version, or the model's own name.
    var served: String { version ?? model.model }
}

extension ModelRegistry {
    /// The request path, outermost step first.
    static let steps = InputFiltering(next: Caching(next: Routing(next: CircuitBreaking(next: Retrying(next: Budgeting(next: Recording(
        next: BreakerRecording(next: Deadlined(next: OutputFiltering(next: Limiting(next: ProviderCall())))))))))))
}
