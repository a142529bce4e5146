import Clocks
import GenesisEngine
import Synchronization

/// A provider that plays a script per model: each call takes the next step (the last repeats).
final class ScriptedProvider: Provider {
    enum Step: Sendable {
        case answer(String, usage: Usage? = nil, finish: FinishReason = .stop)
        case fail(any Error & Sendable)
        /// Streams `text`, then fails with the error.
        case failAfter(String, any Error & Sendable)
        /// Waits on the clock before answering (for deadlines and concurrency).
        case slow(Duration, String)
    }

    let name: String
    private let scripts: [String: [Step]]
    private let clock: AnyClock<Duration>
    private let state = Mutex<(calls: [String: Int], inFlight: Int, maxInFlight: Int, requests: [ProviderRequest])>(([:], 0, 0, []))

    init(name: String = "fake", clock: AnyClock<Duration> = AnyClock(ImmediateClock()), _ scripts: [String: [Step]]) {
        self.name = name
        self.scripts = scripts
        self.clock = clock
    }

    func calls(_ model: String) -> Int { state.withLock { $0.calls[model, default: 0] } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    var requests: [ProviderRequest] { state.withLock { $0.requests } }

    func listModels() async throws -> [ModelInfo] {
        scripts.keys.sorted().map { ModelInfo(id: ModelID(provider: name, model: $0)) }
    }

    private func next(_ request: ProviderRequest) throws -> Step {
        guard let script = scripts[request.model] else { throw ModelNotFoundError(provider: name, model: request.model, status: 404) }
        return state.withLock { s in
            let index = s.calls[request.model, default: 0]
            s.calls[request.model] = index + 1
            s.requests.append(request)
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            return script[min(index, script.count - 1)]
        }
    }

    private func done() { state.withLock { $0.inFlight -= 1 } }

    func generate(_ request: ProviderRequest) async throws -> ProviderResponse {
        let step = try next(request)
        defer { done() }
        switch step {
        case .answer(let text, let usage, let finish):
            return ProviderResponse(text: text, finishReason: finish, usage: usage ?? Usage(inputTokens: 10, outputTokens: 5))
        case .fail(let error), .failAfter(_, let error):
            throw error
        case .slow(let wait, let text):
            try await clock.sleep(for: wait)
            return ProviderResponse(text: text, finishReason: .stop, usage: Usage(inputTokens: 10, outputTokens: 5))
        }
    }

    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        let step = try next(request)
        let clock = self.clock
        return ProviderStream { continuation in
            let task = Task {
                defer { self.done() }
                do {
                    switch step {
                    case .answer(let text, let usage, let finish):
                        for word in text.split(separator: " ", omittingEmptySubsequences: false).enumerated().map({ $0.offset == 0 ? String($0.element) : " " + $0.element }) {
                            continuation.yield(.text(word))
                        }
                        if let usage { continuation.yield(.usage(usage)) }
                        continuation.yield(.finish(finish))
                    case .fail(let error):
                        throw error
                    case .failAfter(let text, let error):
                        continuation.yield(.text(text))
                        throw error
                    case .slow(let wait, let text):
                        try await clock.sleep(for: wait)
                        continuation.yield(.text(text))
                        continuation.yield(.finish(.stop))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

extension ProviderError {
    static func overloaded(_ model: String) -> ProviderError {
        ProviderError(.overloaded, provider: "fake", model: model, status: 503, message: "overloaded")
    }
    static func auth(_ model: String) -> ProviderError {
        ProviderError(.authentication, provider: "fake", model: model, status: 401, message: "invalid key")
    }
}

/// Lets other tasks run until they block (on a clock, a lock or I/O).
func settle() async {
    for _ in 0..<200 { await Task.yield() }
}

/// A registry over scripted providers: real time with millisecond retry delays (an immediate
/// clock would also fire every deadline at once), or the virtual clock a test passes; jitter 0.5.
func makeRegistry(_ providers: [any Provider], clock: AnyClock<Duration> = AnyClock(ContinuousClock()),
                  configure: (inout GenesisConfiguration) -> Void = { _ in }) async throws -> ModelRegistry {
    var configuration = GenesisConfiguration()
    configuration.fallbacks = []
    configuration.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(2), maxDelay: .milliseconds(20))
    configure(&configuration)
    let registry = ModelRegistry(configuration: configuration, clock: clock, random: { 0.5 })
    for provider in providers { try await registry.addProvider(name: provider.name, provider: provider) }
    return registry
}
