import ArgumentParser
import Foundation
import GenesisEngine
import GenesisEvaluation
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

    @Flag(name: .long, help: "After the answers, a word diff of the first two ([-only in the first-]{+only in the second+}, coloured on a terminal); with more models, each against the majority. With --json: \"diff\" and \"majority\".")
    var diff = false

    @Option(name: .long, help: ArgumentHelp("After the answers, ask this model to judge them pairwise, each pair in both orders (a pair whose two verdicts disagree is a tie). With --json: \"judgement\".", valueName: "provider:model"))
    var judge: ModelID?

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
        let judgement = await judgeAnswers(text, Self.answered(targets, outcomes), registry: registry, storage: storage,
                                           conversationID: recording?.conversationID)
        if json {
            let results: [JSONValue] = zip(targets, outcomes).map { target, outcome in
                let id = target.model
                var object: [String: JSONValue]
                switch outcome {
                case .success(let result): object = AnswerJSON.answer(result, asJSON: generation.expectJSON)
                case .failure(let failure):
                    object = ["provider": .string(id.provider), "model": .string(id.model),
                              "error": .object(AnswerJSON.error(failure.error, model: id))]
                    if !failure.partialText.isEmpty { object["text"] = .string(failure.partialText) }
                }
                if let environment = target.environment { object["environment"] = .string(environment) }
                return .object(object)
            }
            var object: [String: JSONValue] = ["results": .array(results)]
            if diff {
                let compared = CompareDiff(answers: Self.answered(targets, outcomes))
                object["diff"] = compared.json(pair: compared.pair)
                object["majority"] = compared.json(majority: compared.majority)
            }
            if let judge, let judgement {
                switch judgement {
                case .success(let judgement): object["judgement"] = JudgementText.json(judgement)
                case .failure(let error): object["judgement"] = ["judge": .string(judge.description), "error": .object(AnswerJSON.error(error, model: judge))]
                }
            }
            try Terminal.out(AnswerJSON.render(object) + "\n")
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
            if diff {
                let colour = Terminal.colours(1)
                // Each piece of model text is cleaned in `text`; the colours are Genesis's own.
                try Terminal.write(CompareDiff(answers: Self.answered(targets, outcomes)).text(colour: colour, sanitizer: Sanitizer(Terminal.mode(for: 1))), to: 1)
            }
            switch judgement {
            case .success(let judgement)?: try Terminal.out(JudgementText.text(judgement))
            case .failure(let error)?: Terminal.err("genesis: error: the judge \(judge?.description ?? ""): \(error)\n")
            case nil: break
            }
        }
        for outcome in outcomes {
            if case .failure(let failure) = outcome { throw ExitCode(AnswerJSON.exitCode(for: failure.error)) }
        }
        if case .failure(let error)? = judgement { throw ExitCode(AnswerJSON.exitCode(for: error)) }
    }

    /// With --judge and two answers or more: the judge's verdicts, recorded beside the conversation.
    func judgeAnswers(_ prompt: String, _ answers: [(model: ModelID, text: String)], registry: ModelRegistry, storage: Storage?,
                      conversationID: String?) async -> Result<Judgement, any Error>? {
        guard let judge else { return nil }
        guard answers.count >= 2 else {
            return .failure(ValidationError("fewer than two models answered, so there is nothing to judge"))
        }
        do {
            let judgement = try await Judge(model: judge, registry: registry).judge(prompt: prompt, answers: answers)
            try await storage?.recordJudgement(judgement, conversationID: conversationID)
            return .success(judgement)
        } catch {
            return .failure(error)
        }
    }
}

extension Compare {
    /// The models that answered, in --model order, with their answers.
    static func answered(_ targets: [Target], _ outcomes: [Result<GenerationResult, Ask.Failure>]) -> [(model: ModelID, text: String)] {
        zip(targets, outcomes).compactMap { target, outcome in
            if case .success(let result) = outcome { (target.model, result.text) } else { nil }
        }
    }

    /// One model to ask: named with --model, or what an environment serves (its parameters as
    /// defaults, its version pinned in `options`).
    struct Target: Sendable {
        var model: ModelID
        var defaults = GenerationParameters()
        var options: RequestOptions
        var environment: String?
    }
}
