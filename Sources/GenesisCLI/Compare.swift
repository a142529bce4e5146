import ArgumentParser
import Foundation
import GenesisEngine
import GenesisStore

/// `genesis compare`: the same prompt on several models at once.
struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask several models the same prompt concurrently and show their answers one after another.",
        discussion: "Exits 0 when every model answered; otherwise with the exit code of the first model (in --model order) that failed.")

    @Option(name: .shortAndLong, help: ArgumentHelp("A model to ask (repeat for each).", valueName: "provider:model"))
    var model: [ModelID] = []

    @Option(name: .long, help: "Also ask what this environment serves (repeatable; see `genesis deploy`).")
    var env: [String] = []

    @OptionGroup var generation: GenerationOptions

    @Flag(name: .long, help: "Print {\"results\": [one ask object per model, or one with an \"error\"]}.")
    var json = false

    @Flag(name: .long, help: AnswerWriter.rawHelp)
    var raw = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The prompt; `-` or none with a pipe reads standard input.")
    var prompt: String?

    func validate() throws {
        if model.isEmpty && env.isEmpty { throw ValidationError("name the models to compare with --model provider:model (or --env NAME), at least one") }
    }

    func run() async throws {
        let (registry, storage) = try await global.makeEngine()
        let text = try readPrompt(prompt)
        let recording = try await ConversationRecorder.record(text, system: generation.system, source: "compare", storage: storage,
                                                                filter: registry.configuration.security.filter)
        var options = generation.requestOptions
        options.conversationID = recording?.conversationID
        var targets = model.map { Target(model: $0, options: options) }
        for name in env {
            let deployment = try await global.resolve(environment: name, registry: registry, storage: storage)
            targets.append(Target(model: deployment.model, defaults: deployment.parameters, options: deployment.requestOptions(options),
                                  environment: name))
        }
        let requests = try targets.map { try generation.request(model: $0.model, prompt: text, defaults: $0.defaults) }
        var recorders: [AnswerRecorder?] = []
        for request in requests { recorders.append(try await recording?.recorder(for: request)) }
        let outcomes = await withTaskGroup(of: (Int, Result<GenerationResult, Ask.Failure>).self) { [recorders, targets] group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    (index, await Ask.answer(request, registry: registry, options: targets[index].options, stream: true, echo: nil,
                                             recorder: recorders[index]))
                }
            }
            var outcomes = [Result<GenerationResult, Ask.Failure>?](repeating: nil, count: requests.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.compactMap { $0 }
        }
        if json {
            let results: [[String: Any]] = zip(targets, outcomes).map { target, outcome in
                let id = target.model
                var object: [String: Any]
                switch outcome {
                case .success(let result): object = AnswerJSON.answer(result, asJSON: generation.expectJSON)
                case .failure(let failure):
                    object = ["provider": id.provider, "model": id.model, "error": AnswerJSON.error(failure.error, model: id)]
                    if !failure.partialText.isEmpty { object["text"] = failure.partialText }
                }
                if let environment = target.environment { object["environment"] = environment }
                return object
            }
            try Terminal.out(AnswerJSON.render(["results": results]) + "\n")
        } else {
            for (target, outcome) in zip(targets, outcomes) {
                let id = target.environment.map { "\($0): \(target.model)" } ?? target.model.description
                switch outcome {
                case .success(let result):
                    try Terminal.out("── \(id)\(result.isSimulated ? " (simulated)" : "") ──\n")
                    var answer = AnswerWriter(raw: raw)
                    try answer.write(result.text + (result.text.hasSuffix("\n") ? "" : "\n"))
                    try Terminal.out(Ask.summary(result) + "\n\n")
                    Ask.reportChecks(result, expectJSON: generation.expectJSON)
                case .failure(let failure):
                    try Terminal.out("── \(id) ──\n")
                    var answer = AnswerWriter(raw: raw)
                    if !failure.partialText.isEmpty { try answer.write(failure.partialText + "\n") }
                    try Terminal.out("error: \(failure.error)\n\n")
                }
            }
        }
        for outcome in outcomes {
            if case .failure(let failure) = outcome { throw ExitCode(AnswerJSON.exitCode(for: failure.error)) }
        }
    }
}

extension Compare {
    /// One model to ask: named with --model, or what an environment serves (its parameters as
    /// defaults, its version pinned in `options`).
    struct Target: Sendable {
        var model: ModelID
        var defaults = GenerationParameters()
        var options: RequestOptions
        var environment: String?
    }
}
