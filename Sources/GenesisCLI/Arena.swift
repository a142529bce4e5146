import ArgumentParser
import Foundation
import GenesisEngine
import GenesisEvaluation
import GenesisStore

/// `genesis arena`: anonymous answers, a vote, then the names.
struct Arena: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Blind comparison: models answer anonymously as A, B, ...; you vote; then the names are revealed.",
        discussion: """
        The side each model lands on is random. The vote is read from standard input: a letter for \
        the better answer, t for a tie, n for both bad (letters skip N and T). Votes are saved for \
        `genesis leaderboard`. A model that gave no answer is left out of the votes.
        """)

    @Option(name: .shortAndLong, help: ArgumentHelp("A model to compare (two or more).", valueName: "provider:model"))
    var model: [ModelID] = []

    @OptionGroup var generation: GenerationOptions

    @Flag(name: .long, help: """
        Print two JSON lines: before the vote {"answers": [{"label", "text", "answered"}], "choices"}, \
        after it {"answers", "vote", "recorded", "reveal": {"A": "provider:model", ...}}.
        """)
    var json = false

    @Flag(name: .long, help: AnswerWriter.rawHelp)
    var raw = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The prompt (standard input is for the vote).")
    var prompt: String

    func validate() throws {
        guard model.count >= 2 else { throw ValidationError("name at least two models with --model provider:model") }
        guard model.count <= ArenaChoice.maxAnswers else { throw ValidationError("at most \(ArenaChoice.maxAnswers) models") }
        guard Set(model).count == model.count else { throw ValidationError("the same model twice tells nothing; name different models") }
    }

    func run() async throws {
        let (registry, storage) = try await global.makeEngine()
        var sides = model
        sides.shuffle() // which label each model gets is random
        let labels = ArenaChoice.labels(count: sides.count)
        let recording = try await ConversationRecorder.record(prompt, system: generation.system, source: "arena", storage: storage,
                                                                filter: registry.configuration.security.filter)
        var options = generation.requestOptions
        options.conversationID = recording?.conversationID
        options.useFallbacks = false // a fallback's answer under another model's label would be a lie
        let requests = try sides.map { try generation.request(model: $0, prompt: prompt) }
        var recorders: [AnswerRecorder?] = []
        for request in requests { recorders.append(try await recording?.recorder(for: request)) }
        let outcomes = await withTaskGroup(of: (Int, Result<GenerationResult, Ask.Failure>).self) { [recorders, options] group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, await Ask.answer(request, registry: registry, options: options, stream: false, echo: nil, recorder: recorders[index])) }
            }
            var results = [Result<GenerationResult, Ask.Failure>?](repeating: nil, count: requests.count)
            for await (index, outcome) in group { results[index] = outcome }
            return results.compactMap { $0 }
        }
        let answered = outcomes.map { if case .success = $0 { true } else { false } }
        let texts = outcomes.map { outcome -> String in
            switch outcome {
            case .success(let result): result.text
            case .failure(let failure): "(no answer: \((failure.error as? any GenesisError)?.category.rawValue ?? "error"))"
            }
        }
        let answers: JSONValue = .array(zip(labels, texts).enumerated().map { ["label": .string($1.0), "text": .string($1.1), "answered": .bool(answered[$0])] })
        let reveal = JSONValue.object(Dictionary(uniqueKeysWithValues: zip(labels, sides.map { .string($0.description) })))
        // The answers come first, whole, so that a person or a script can read them and then vote.
        if json {
            try Terminal.out(AnswerJSON.render(["answers": answers, "choices": .array((labels.map { $0.lowercased() } + ["t", "n"]).map(JSONValue.string))]) + "\n")
        } else {
            for (label, text) in zip(labels, texts) {
                try Terminal.out("── \(label) ──\n")
                var answer = AnswerWriter(raw: raw)
                try answer.write(text + (text.hasSuffix("\n") ? "" : "\n") + "\n")
            }
        }
        guard answered.filter({ $0 }).count >= 2 else {
            Terminal.err("genesis: fewer than two models answered, so there is nothing to vote on (nothing was recorded)\n")
            if json { try Terminal.out(AnswerJSON.render(["answers": answers, "vote": .null, "recorded": 0, "reveal": reveal]) + "\n") }
            else { for (label, id) in zip(labels, sides) { try Terminal.out("\(label) was \(id)\n") } }
            throw ExitCode(AnswerJSON.exitCode(for: outcomes.compactMap { if case .failure(let f) = $0 { f.error } else { nil } }.first
                                               ?? ProviderError(.server, provider: "arena", model: "*", message: "no answers")))
        }
        Terminal.err("Which is better? \(ArenaChoice.prompt(labels: labels)): ")
        let line = readLine() ?? ""
        guard let choice = ArenaChoice.parse(line, labels: labels) else {
            throw ValidationError("\"\(line.trimmingCharacters(in: .whitespaces))\" is not a vote; answer \(ArenaChoice.prompt(labels: labels)) (nothing was recorded)")
        }
        if case .better(let index) = choice, !answered[index] {
            throw ValidationError("\(labels[index]) gave no answer, so it cannot be the better one (nothing was recorded)")
        }
        let votes = choice.votes(sides, answered: answered)
        try await storage?.recordVotes(votes, conversationID: recording?.conversationID)
        let said = choice.description(labels: labels)
        if json {
            try Terminal.out(AnswerJSON.render(["answers": answers, "vote": .string(said), "recorded": .integer(votes.count), "reveal": reveal]) + "\n")
        } else {
            try Terminal.out("vote: \(said)\(answered.contains(false) ? " (models with no answer were left out)" : "")\n")
            for (label, id) in zip(labels, sides) { try Terminal.out("\(label) was \(id)\n") }
        }
    }
}

/// `genesis leaderboard`: ratings from every vote.
struct Leaderboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ratings from the arena's votes: Bradley-Terry with 95% bootstrap intervals, and online Elo.")

    @Option(name: .long, help: "Bootstrap rounds for the intervals.")
    var bootstrap = 200

    @Flag(name: .long, help: "Print {\"votes\", \"models\": [{\"provider\", \"model\", \"rating\", \"ci_low\", \"ci_high\", \"elo\", \"wins\", \"losses\", \"ties\"}]}.")
    var json = false

    @Flag(name: .long, help: "Ratings from judges' verdicts (`compare --judge`, the console's /judge) instead of people's votes; the two are never mixed.")
    var judge = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...10_000).contains(bootstrap) else { throw ValidationError("--bootstrap must be from 0 to 10000, got \(bootstrap)") }
    }

    func run() async throws {
        let storage = try global.requireStorage()
        let votes = judge ? try await storage.judgeVotes() : try await storage.votes()
        let board = Ratings.leaderboard(votes, bootstrapRounds: bootstrap)
        if json {
            try Terminal.out(AnswerJSON.render(["votes": .integer(votes.count), "models": .array(board.map { r -> JSONValue in
                ["provider": .string(r.model.provider), "model": .string(r.model.model), "rating": .number((r.rating * 10).rounded() / 10),
                 "ci_low": .nullable(r.lower.map { ($0 * 10).rounded() / 10 }), "ci_high": .nullable(r.upper.map { ($0 * 10).rounded() / 10 }),
                 "elo": .number((r.elo * 10).rounded() / 10), "wins": .integer(r.wins), "losses": .integer(r.losses), "ties": .integer(r.ties)]
            })]) + "\n")
            return
        }
        try Terminal.out(Ratings.table(board, votes: votes.count))
    }
}
