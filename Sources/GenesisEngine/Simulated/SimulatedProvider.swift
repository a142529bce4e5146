import Foundation
import Clocks
import Synchronization

/// The built-in provider `sim`: realistic, deterministic answers with no keys and no network.
///
/// Each model of ``SimulatedCatalog`` has its own time to first token, speed, length and style;
/// `flaky` fails now and then (429 with Retry-After, 503 overloaded, a stream broken midway);
/// `thinker` streams its reasoning before its answer, as long as the reasoning level asks.
/// It honours `maxTokens` (finish `length`), stop sequences and temperature, reports honest
/// usage, costs nothing, and is labelled simulated wherever it is shown. It runs through the same
/// engine path as real providers: limiter, retries, fallbacks, metrics.
public final class SimulatedProvider: Provider {
    public let name: String
    public var isSimulated: Bool { true }
    private let clock: AnyClock<Duration>
    /// Time scale: 1 is real time, 2 twice as fast, 0 instant.
    private let speed: Double
    private let calls = Mutex<UInt64>(0)
    /// Where the read-pacing ticks of every stream start: streams read on the same ticks, so
    /// several panes wake the process once a tick between them.
    private let epoch: AnyClock<Duration>.Instant

    public init(name: String = "sim", speed: Double = 1, clock: AnyClock<Duration> = AnyClock(ContinuousClock())) {
        self.name = name
        self.speed = max(0, speed)
        self.clock = clock
        epoch = clock.now
    }

    public func listModels() async throws -> [ModelInfo] {
        SimulatedCatalog.models.map {
            ModelInfo(id: ModelID(provider: name, model: $0.id), contextWindow: $0.contextWindow, isSimulated: true,
                      summary: "simulated: \($0.summary)")
        }
    }

    public func health() async -> HealthReport {
        HealthReport(state: .ok, latency: .zero, message: "simulated")
    }

    /// `sim:embed`: each text's words and word pairs hashed into 256 dimensions, so texts that
    /// share words point alike (deterministic, and as simulated as the answers).
    public func embed(_ request: EmbeddingRequest) async throws -> Embeddings {
        guard request.model == Self.embeddingModel else {
            throw ModelNotFoundError(provider: name, model: request.model, status: 404, available: [Self.embeddingModel])
        }
        return Embeddings(vectors: request.texts.map(Self.embedding))
    }

    /// The simulated embedding model.
    public static let embeddingModel = "embed"

    static func embedding(_ text: String) -> [Double] {
        var vector = [Double](repeating: 0, count: 256)
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        for word in words { vector[Int(SplitMix64.hash(word, into: 1) % 256)] += 1 }
        for (first, second) in zip(words, words.dropFirst()) { vector[Int(SplitMix64.hash(first + " " + second, into: 2) % 256)] += 0.5 }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    public func generate(_ request: ProviderRequest) async throws -> ProviderResponse {
        let plan = try plan(for: request)
        if let failure = plan.failureBeforeText { try await pause(plan.model.timeToFirstToken); throw failure }
        try await pause(plan.model.timeToFirstToken + perToken(plan.model) * (plan.reasoning.count + plan.tokens.count))
        if plan.breaksMidway { throw plan.midwayError }
        var response = ProviderResponse(text: plan.tokens.joined(), finishReason: plan.finishReason, usage: plan.usage,
                                        servedVersion: "\(plan.model.id)-sim-1")
        response.reasoning = plan.reasoning.joined()
        return response
    }

    public func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        let plan = try plan(for: request)
        let (stream, continuation) = ProviderStream.makeStream()
        let pacing = request.attempt.readPacing
        let task = Task {
            do {
                try await pause(plan.model.timeToFirstToken)
                if let failure = plan.failureBeforeText { throw failure }
                continuation.yield(.servedBy("\(plan.model.id)-sim-1"))
                var schedule = TokenSchedule(clock: clock, interval: speed > 0 ? perToken(plan.model) / speed : .zero,
                                             pacing: pacing.map { ($0, epoch) })
                for token in plan.reasoning {
                    try await schedule.waitForNext()
                    continuation.yield(.reasoning(token))
                }
                let cut = plan.breaksMidway ? plan.tokens.count / 2 : plan.tokens.count
                for token in plan.tokens.prefix(cut) {
                    try await schedule.waitForNext()
                    continuation.yield(.text(token))
                }
                if plan.breaksMidway { throw plan.midwayError }
                continuation.yield(.usage(plan.usage))
                continuation.yield(.finish(plan.finishReason))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Everything about one answer, decided before the first token so that streamed and whole
    /// answers agree exactly.
    struct Plan {
        var model: SimulatedModel
        /// The reasoning's tokens, streamed before the answer's (none for most models).
        var reasoning: [String]
        var tokens: [String]
        var finishReason: FinishReason
        var usage: Usage
        var failureBeforeText: (any Error)?
        var breaksMidway: Bool
        var midwayError: ProviderError
    }

    func plan(for request: ProviderRequest) throws -> Plan {
        guard let model = SimulatedCatalog.model(request.model) else {
            throw ModelNotFoundError(provider: name, model: request.model, status: 404, available: SimulatedCatalog.models.map(\.id))
        }
        guard let prompt = request.messages.last(where: { $0.role == .user })?.text, !prompt.isEmpty else {
            throw InvalidRequestError(provider: name, model: model.id, status: 400, message: "the conversation has no user message",
                                      hint: "send at least one user message")
        }
        let parameters = request.parameters
        if let maxTokens = parameters.maxTokens, maxTokens < 1 {
            throw InvalidRequestError(provider: name, model: model.id, status: 400, message: "max_tokens must be at least 1, got \(maxTokens)",
                                      hint: "pass a positive --max-tokens")
        }
        let inputTokens = TokenEstimator.estimate(request.messages)
        if inputTokens + (parameters.maxTokens ?? 0) > model.contextWindow {
            throw ProviderError(.contextTooLong, provider: name, model: model.id, status: 400,
                                message: "the request has about \(inputTokens) input tokens plus \(parameters.maxTokens ?? 0) output tokens, over this model's \(model.contextWindow)-token context window")
        }
        let temperature = parameters.temperature ?? 0.7
        // Temperature 0 is deterministic; above it, a given seed repeats its answer and no seed varies.
        let seed = temperature == 0 ? 0 : parameters.seed ?? UInt64.random(in: .min ... .max)
        let seedText = SplitMix64.hash(prompt, into: seed)
        var lengthRandom = SplitMix64(seed: seedText)
        let target = model.answerTokens.lowerBound + Int(lengthRandom.next() % UInt64(model.answerTokens.count))
        var writer = SimulatedText(prompt: prompt, model: model.id, seed: seed, temperature: temperature)
        var text = model.echoesPrompt ? Self.echo(request.messages) : writer.answer(to: prompt, style: model.style, tokens: target)
        // A grading prompt (llm-rubric, the model-graded checks, the comparison judge) gets a
        // verdict in the format it asks for, worked out from its words (SimulatedGrader); echo
        // gives even a grading prompt back as it is.
        let system = request.messages.filter { $0.role == .system }.map(\.text).joined(separator: "\n")
        let graded = model.echoesPrompt ? nil : SimulatedGrader.answer(system: system, prompt: prompt)
        if let graded { text = graded } else if parameters.responseFormat == .json, !model.echoesPrompt {
            // JSON mode: the same answer as one JSON object (cut short by max tokens, it stops parsing, as real ones do).
            text = JSONWriter.string(["model": .string(model.id), "keywords": .array(SimulatedText.keywords(of: prompt).map(JSONValue.string)),
                                      "answer": .string(text)])
        }
        // A reasoning model thinks first, as long as `--reasoning` asks (not at all for `none`).
        // Its reasoning is its own writer's, so the answer does not depend on it.
        var reasoning: [String] = []
        if let range = model.reasoningTokens {
            let planned = Double(range.lowerBound + Int(lengthRandom.next() % UInt64(range.count))) * SimulatedModel.reasoningScale(parameters.reasoning)
            if planned >= 1 {
                var thinker = SimulatedText(prompt: prompt, model: model.id + "/reasoning", seed: seed, temperature: temperature)
                reasoning = SimulatedTokenizer.tokens(thinker.reasoning(about: prompt, tokens: Int(planned.rounded())))
            }
        }
        var finish = FinishReason.stop
        if let before = text.prefix(beforeFirstOf: parameters.stopSequences) { text = String(before) }
        var tokens = SimulatedTokenizer.tokens(text)
        if let maxTokens = parameters.maxTokens, tokens.count > maxTokens {
            tokens = Array(tokens.prefix(maxTokens))
            finish = .length
        }
        // Failures: decided per call, so a retry can succeed.
        let call = calls.withLock { count in count += 1; return count }
        var fate = SplitMix64(seed: seedText ^ call &* 0xD1B5_4A32_D192_ED03)
        let roll = fate.unit(), f = model.failures
        var failure: (any Error)?
        if roll < f.rateLimited {
            failure = RateLimitError(provider: name, model: model.id, status: 429, limit: .requests, retryAfter: .seconds(1),
                                     message: "simulated rate limit: too many requests")
        } else if roll < f.rateLimited + f.overloaded {
            failure = ProviderError(.overloaded, provider: name, model: model.id, status: 503, message: "simulated overload: the model is busy")
        }
        let breaks = failure == nil && roll < f.rateLimited + f.overloaded + f.brokenMidStream && tokens.count > 1
        return Plan(model: model, reasoning: reasoning, tokens: tokens, finishReason: finish,
                    usage: Usage(inputTokens: inputTokens, outputTokens: reasoning.count + tokens.count,
                                 reasoningTokens: model.reasoningTokens == nil ? nil : reasoning.count),
                    failureBeforeText: failure, breaksMidway: breaks,
                    midwayError: ProviderError(.brokenStream, provider: name, model: model.id,
                                               message: "simulated connection reset in the middle of the answer"))
    }

    /// What `echo` answers: the prompt as promptfoo's echo provider gives it back, a lone user
    /// message's text, or the conversation as JSON `[{role, content}]`.
    static func echo(_ messages: [ChatMessage]) -> String {
        if messages.count == 1, messages[0].role == .user { return messages[0].text }
        return JSONWriter.string(.array(messages.map { ["role": .string($0.role.rawValue), "content": .string($0.text)] }))
    }

    /// When each streamed token is due: one `interval` after the last, from the first (due at
    /// once). With read pacing (``AttemptContext/readPacing``, the console's), it wakes only on
    /// the pacing's ticks (every `pacing.interval` from `pacing.ticks`), and hands over every
    /// token due by then, as a paced network read does: the same tokens at the same rate, in a
    /// fraction of the wake-ups, and streams on the same ticks wake together.
    struct TokenSchedule {
        let clock: AnyClock<Duration>
        let interval: Duration
        let pacing: (interval: Duration, ticks: AnyClock<Duration>.Instant)?
        private var due: AnyClock<Duration>.Instant?

        init(clock: AnyClock<Duration>, interval: Duration, pacing: (interval: Duration, ticks: AnyClock<Duration>.Instant)?) {
            self.clock = clock
            self.interval = interval
            self.pacing = pacing.flatMap { $0.interval > .zero ? $0 : nil }
        }

        mutating func waitForNext() async throws {
            try Task.checkCancellation()
            guard let last = due else { due = clock.now; return } // the first token: now
            let next = last.advanced(by: interval)
            due = next
            guard interval > .zero, next > clock.now else { return }
            var wake = next
            if let pacing { // the first tick at or after the token is due
                let ticks = (pacing.ticks.duration(to: next) / pacing.interval).rounded(.up)
                wake = max(next, pacing.ticks.advanced(by: pacing.interval * ticks))
            }
            try await clock.sleep(until: wake, tolerance: nil)
        }
    }

    private func perToken(_ model: SimulatedModel) -> Duration {
        .seconds(1) / model.tokensPerSecond
    }

    private func pause(_ duration: Duration) async throws {
        guard speed > 0, duration > .zero else {
            try Task.checkCancellation()
            return
        }
        try await clock.sleep(for: duration / speed)
    }
}
