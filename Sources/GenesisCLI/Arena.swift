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
        the better answer, t for a tie, n for both bad. Votes are saved for `genesis leaderboard`.
        """)

    @Option(name: .shortAndLong, help: ArgumentHelp("A model to compare (two or more).", valueName: "provider:model"))
    var model: [ModelID] = []

    @OptionGroup var generation: GenerationOptions

    @Flag(name: .long, help: "Print the anonymous answers and the reveal as JSON: {\"answers\": [{\"label\", \"text\"}], \"vote\", \"reveal\": {\"A\": \"provider:model\", ...}}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The prompt (standard input is for the vote).")
    var prompt: String

    func validate() throws {
        guard model.count >= 2 else { throw ValidationError("name at least two models with --model provider:model") }
        guard model.count <= 26 else { throw ValidationError("at most 26 models") }
        guard Set(model).count == model.count else { throw ValidationError("the same model twice tells nothing; name different models") }
    }

    func run() async throws {
        let (registry, storage) = try await global.makeEngine()
        var sides = model
        sides.shuffle() // which label each model gets is random
        let labels = sides.indices.map { String(UnicodeScalar(UInt8(65 + $0))) }
        let recording = try await Recording.start(storage, prompt: prompt, system: generation.system, source: "arena",
                                                     filter: registry.configuration.security.filter)
        var options = generation.requestOptions
        options.conversationID = recording?.conversation.id
        options.useFallbacks = false // a fallback's answer under another model's label would be a lie
        let requests = try sides.map { try generation.request(model: $0, prompt: prompt) }
        var recorders: [AnswerRecorder?] = []
        for request in requests { recorders.append(try await recording?.recorder(for: request)) }
        let outcomes = await withTaskGroup(of: (Int, Result<GenerationResult, Ask.Failure>).self) { [recorders, options] group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, await Ask.answer(request, registry: registry, options: options, stream: false, echo: false, recorder: recorders[index])) }
            }
            var results = [Result<GenerationResult, Ask.Failure>?](repeating: nil, count: requests.count)
            for await (index, outcome) in group { results[index] = outcome }
            return results.compactMap { $0 }
        }
        let texts = outcomes.map { outcome -> String in
            switch outcome {
            case .success(let result): result.text
            case .failure(let failure): "(no answer: \((failure.error as? any GenesisError)?.category.rawValue ?? "error"))"
            }
        }
        if !json {
            for (label, text) in zip(labels, texts) { Terminal.out("── \(label) ──\n\(text)\(text.hasSuffix("\n") ? "" : "\n")\n") }
        }
        let choices = labels.map { $0.lowercased() }.joined(separator: "/")
        Terminal.err("Which is better? \(choices) for that answer, t tie, n both bad: ")
        let line = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let votes: [ArenaVote]
        let said: String
        if let index = labels.firstIndex(where: { $0.lowercased() == line }) {
            votes = ArenaVote.pairwise(sides, winner: index)
            said = labels[index]
        } else if line == "t" || line == "tie" {
            votes = ArenaVote.pairwise(sides, winner: nil)
            said = "tie"
        } else if line == "n" || line == "both bad" {
            votes = ArenaVote.pairwise(sides, winner: nil, bothBad: true)
            said = "both bad"
        } else {
            throw ValidationError("\"\(line)\" is not a vote; answer \(choices), t or n (nothing was recorded)")
        }
        try await storage?.recordVotes(votes, conversationID: recording?.conversation.id)
        if json {
            Terminal.out(AnswerJSON.render([
                "answers": zip(labels, texts).map { ["label": $0, "text": $1] },
                "vote": said, "reveal": Dictionary(uniqueKeysWithValues: zip(labels, sides.map(\.description))),
            ] as [String: Any]) + "\n")
        } else {
            Terminal.out("vote: \(said)\n")
            for (label, id) in zip(labels, sides) { Terminal.out("\(label) was \(id)\n") }
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

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...10_000).contains(bootstrap) else { throw ValidationError("--bootstrap must be from 0 to 10000, got \(bootstrap)") }
    }

    func run() async throws {
        let votes = try await global.requireStorage().votes()
        let board = Ratings.leaderboard(votes, bootstrapRounds: bootstrap)
        if json {
            Terminal.out(AnswerJSON.render(["votes": votes.count, "models": board.map { r -> [String: Any] in
                ["provider": r.model.provider, "model": r.model.model, "rating": (r.rating * 10).rounded() / 10,
                 "ci_low": r.lower.map { ($0 * 10).rounded() / 10 as Any } ?? NSNull(), "ci_high": r.upper.map { ($0 * 10).rounded() / 10 as Any } ?? NSNull(),
                 "elo": (r.elo * 10).rounded() / 10, "wins": r.wins, "losses": r.losses, "ties": r.ties]
            }] as [String: Any]) + "\n")
            return
        }
        Terminal.out(Ratings.table(board, votes: votes.count))
    }
}
