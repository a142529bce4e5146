import ArgumentParser
import Foundation
import GenesisEngine
import GenesisStore

/// `genesis ask`: one model's answer, streamed to standard output.
struct Ask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stream one model's answer to standard output.",
        discussion: "Retry and fallback notices and a summary line go to standard error; standard output holds only the answer (or one JSON object with --json).")

    @Option(name: .long, help: "The provider, e.g. openai or sim.")
    var provider: String?

    @Option(name: .shortAndLong, help: "The model, as provider:model or a bare id with --provider; `genesis models` lists them.")
    var model: String?

    @Option(name: .long, help: "Ask what this environment serves (see `genesis deploy`), with its version and parameters.")
    var env: String?

    @OptionGroup var generation: GenerationOptions

    @Flag(name: .long, help: "Wait for the whole answer instead of streaming it.")
    var noStream = false

    @Option(name: .long, help: ArgumentHelp("Send requests for the provider to this base URL.", valueName: "url"))
    var baseURL: String?

    @Flag(name: .long, help: "Print one JSON object: provider, model, text, finish_reason, usage, cost_usd, latency_ms, ttft_ms, fallbacks.")
    var json = false

    @Flag(name: .long, help: AnswerWriter.rawHelp)
    var raw = false

    @Flag(name: .long, help: "Do not print the model's reasoning (by default it goes to standard error, dimmed on a terminal).")
    var hideReasoning = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The prompt; `-` or none with a pipe reads standard input.")
    var prompt: String?

    func run() async throws {
        if env != nil, model != nil || provider != nil { throw ValidationError("give --env or --model, not both") }
        var id = try selectModel(provider: provider, model: model, configuration: try global.loadConfiguration())
        var (registry, storage) = try await global.makeEngine(baseURL: baseURL, for: id.provider)
        var defaults = GenerationParameters()
        var deployment: Deployment?
        if let env {
            let resolved = try await global.resolve(environment: env, registry: registry, storage: storage)
            (id, defaults, deployment) = (resolved.model, resolved.parameters, resolved)
            if baseURL != nil { (registry, storage) = try await global.makeEngine(baseURL: baseURL, for: id.provider) }
        }
        let text = try readPrompt(prompt)
        let request = try generation.request(model: id, prompt: text, defaults: defaults)
        let recording = try await ConversationRecorder.record(text, system: generation.system, source: "ask", storage: storage,
                                                                filter: registry.configuration.security.filter)
        var options = deployment?.requestOptions(generation.requestOptions) ?? generation.requestOptions
        options.conversationID = recording?.conversationID
        let outcome = await Self.answer(request, registry: registry, options: options, stream: !noStream,
                                        echo: json ? nil : AnswerWriter(raw: raw),
                                        thinking: json || hideReasoning ? nil : ReasoningWriter(), recorder: try await recording?.recorder(for: request))
        switch outcome {
        case .success(let result):
            if json {
                try Terminal.out(AnswerJSON.render(AnswerJSON.answer(result, asJSON: generation.expectJSON)) + "\n")
            } else {
                if !result.text.hasSuffix("\n") { try Terminal.out("\n") }
                if Terminal.stderrIsTerminal || global.verbose { Terminal.err(Self.summary(result) + "\n") }
                Self.reportChecks(result, expectJSON: generation.expectJSON)
            }
        case .failure(let failure):
            if let cut = failure.error as? OutputError { throw cut }
            if json {
                var object: [String: JSONValue] = ["error": .object(AnswerJSON.error(failure.error, model: id))]
                if !failure.partialText.isEmpty { object["text"] = .string(failure.partialText) }
                try Terminal.out(AnswerJSON.render(object) + "\n")
            } else {
                if !failure.partialText.isEmpty, !failure.partialText.hasSuffix("\n") { try Terminal.out("\n") }
                Terminal.err("genesis: error: \(failure.error)\n")
            }
            throw ExitCode(AnswerJSON.exitCode(for: failure.error))
        }
    }

    struct Failure: Error {
        var error: any Error
        var partialText: String
    }

    /// Runs one request, streaming text to standard output through `echo` when given, and keeps
    /// the partial text of a failed stream. When standard output cannot take the answer
    /// (``OutputError``), the request is stopped there, the answer is recorded as cut off, and the
    /// failure carries the ``OutputError``.
    static func answer(_ request: GenerationRequest, registry: ModelRegistry, options: RequestOptions, stream: Bool,
                       echo: AnswerWriter?, thinking: ReasoningWriter? = nil,
                       recorder: AnswerRecorder? = nil) async -> Result<GenerationResult, Failure> {
        let outcome = await answer(request, registry: registry, options: options, stream: stream, echo: echo, thinking: thinking,
                                   onReasoning: { recorder?.appendReasoning($0) }) { delta in
            recorder?.append(delta)
        }
        switch outcome {
        case .success(let result): await recorder?.finish(result)
        case .failure(let failure):
            if let cut = failure.error as? OutputError {
                await recorder?.fail(.cutOff, error: "cut off: \(cut)")
            } else {
                let cancelled = (failure.error as? any GenesisError)?.category == .cancelled
                await recorder?.fail(cancelled ? .cancelled : .error, error: "\(failure.error)")
            }
        }
        return outcome
    }

    private static func answer(_ request: GenerationRequest, registry: ModelRegistry, options: RequestOptions, stream: Bool,
                               echo: AnswerWriter?, thinking: ReasoningWriter?, onReasoning: (String) -> Void,
                               onText: (String) async -> Void) async -> Result<GenerationResult, Failure> {
        var echo = echo
        var thinking = thinking
        guard stream else {
            do {
                let result = try await registry.generate(request, options: options)
                if echo != nil { for notice in result.notices { Terminal.err("genesis: note: \(request.model): \(notice)\n") } }
                if !result.reasoning.isEmpty {
                    onReasoning(result.reasoning)
                    thinking?.write(result.reasoning)
                    thinking?.close()
                }
                await onText(result.text)
                do { try echo?.write(result.text) } catch { return .failure(Failure(error: error, partialText: result.text)) }
                return .success(result)
            } catch { return .failure(Failure(error: error, partialText: "")) }
        }
        var shown = ""
        do {
            for try await event in registry.stream(request, options: options) {
                switch event {
                case .reasoning(let delta):
                    onReasoning(delta)
                    thinking?.write(delta)
                case .text(let delta):
                    thinking?.close()
                    shown += delta
                    await onText(delta)
                    // Leaving the loop ends the stream, which cancels the request.
                    do { try echo?.write(delta) } catch { return .failure(Failure(error: error, partialText: shown)) }
                case .retry(let notice):
                    if echo != nil { Terminal.err(String(format: "genesis: %@ failed (attempt %d); retrying in %.1f s: %@\n",
                                                         "\(notice.model)", notice.attempt, notice.delay.seconds, notice.reason)) }
                case .notice(let notice):
                    if echo != nil || thinking != nil { Terminal.err("genesis: note: \(request.model): \(notice)\n") }
                case .fallback(let notice):
                    if echo != nil { Terminal.err("genesis: \(notice.from) failed (\(notice.category.rawValue)); falling back to \(notice.to)\n") }
                case .completed(let result):
                    thinking?.close()
                    return .success(result)
                default:
                    break
                }
            }
            thinking?.close()
            return .failure(Failure(error: ProviderError(.brokenStream, provider: request.model.provider, model: request.model.model,
                                                         message: "the stream ended without an answer"), partialText: shown))
        } catch {
            thinking?.close()
            return .failure(Failure(error: error, partialText: shown))
        }
    }

    /// Content rules that matched, and whether asked-for JSON parses, on standard error.
    static func reportChecks(_ result: GenerationResult, expectJSON: Bool) {
        for match in result.filterMatches {
            let verb = match.action == .redact ? "redacted" : "matched (warning)"
            Terminal.err("genesis: content rule \"\(match.rule)\" \(verb) \(match.count) time(s) in the \(match.direction == .input ? "prompt" : "answer")\n")
        }
        if expectJSON {
            Terminal.err(result.jsonProblem.map { "genesis: warning: \($0)\n" } ?? "genesis: the answer is valid JSON\n")
        }
    }

    /// `sim:balanced (simulated) · stop · 180 in / 212 out tokens · $0 · 2.9 s · TTFT 351 ms · 74 tok/s`
    static func summary(_ result: GenerationResult) -> String {
        var parts = ["\(result.model)\(result.isSimulated ? " (simulated)" : "")", result.finishReason.rawValue,
                     "\(result.usage.inputTokens) in\(result.usage.cachedInputTokens.map { " (\($0) cached)" } ?? "") / \(result.usage.outputTokens) out\(result.usage.reasoningTokens.map { " (\($0) reasoning)" } ?? "") tokens\(result.usage.isEstimated ? " (estimated)" : "")",
                     result.cost.map { Cost.format($0.dollars) + ($0.isEstimated ? " (estimated)" : "") } ?? "cost unknown",
                     String(format: "%.1f s", result.latency.seconds)]
        if let thinking = result.reasoningTime { parts.append(String(format: "thought %.1f s", thinking.seconds)) }
        if let ttft = result.timeToFirstToken { parts.append("TTFT \(ttft.milliseconds) ms") }
        if let rate = result.tokensPerSecond { parts.append(String(format: "%.0f tok/s", rate)) }
        if result.isCached { parts.append("cached") }
        if !result.failedAttempts.isEmpty { parts.append("after \(result.failedAttempts.count) failed attempt(s)") }
        return "— " + parts.joined(separator: " · ")
    }
}
