import Foundation
import GenesisEngine

/// A model asked to compare answers to one prompt, pairwise, each pair twice with the order
/// swapped, as Chatbot Arena's judges and promptfoo's `llm-rubric` do: a judge that prefers
/// whatever comes first (position bias) agrees with itself only on a tie.
public struct Judge: Sendable {
    public let model: ModelID
    let registry: ModelRegistry
    let options: RequestOptions

    public init(model: ModelID, registry: ModelRegistry, options: RequestOptions = .init()) {
        self.model = model
        self.registry = registry
        self.options = options
    }

    /// The instructions the judge is given; its answer must be exactly the JSON object named.
    public static let instructions = """
        You are an impartial judge. You are shown a question and two answers to it, A and B. \
        Decide which answer is better: more correct, more helpful, clearer. Do not let the order \
        of the answers, their length or the names of their authors sway you. Reply with exactly \
        one JSON object and nothing else: {"winner": "A", "reason": "..."}, where winner is "A", \
        "B" or "tie" and reason is one or two sentences.
        """

    static func question(_ prompt: String, first: String, second: String) -> String {
        "[Question]\n\(prompt)\n\n[Answer A]\n\(first)\n[End of answer A]\n\n[Answer B]\n\(second)\n[End of answer B]"
    }

    /// Judges every pair of `answers` (in order: 1-2, 1-3, ..., 2-3, ...), both orders of a pair
    /// at once. The judge's own requests go through the registry, so they are limited, retried,
    /// priced and counted like any other.
    public func judge(prompt: String, answers: [(model: ModelID, text: String)]) async throws -> Judgement {
        var pairs: [(Int, Int)] = []
        for i in answers.indices { for j in answers.indices where j > i { pairs.append((i, j)) } }
        var judged: [JudgedPair] = []
        for (i, j) in pairs {
            let (a, b) = (answers[i], answers[j])
            async let forward = verdict(prompt, first: a.text, second: b.text, order: .ab)
            async let backward = verdict(prompt, first: b.text, second: a.text, order: .ba)
            judged.append(JudgedPair(a: a.model, b: b.model, verdicts: [try await forward, try await backward]))
        }
        return Judgement(judge: model, models: answers.map(\.model), pairs: judged)
    }

    func verdict(_ prompt: String, first: String, second: String, order: JudgeVerdict.Order) async throws -> JudgeVerdict {
        var parameters = GenerationParameters(maxTokens: 400, temperature: 0)
        parameters.responseFormat = .json
        let request = GenerationRequest(model: model, prompt: Self.question(prompt, first: first, second: second),
                                        system: Self.instructions, parameters: parameters)
        let result = try await registry.generate(request, options: options)
        return JudgeVerdict(order: order, judgeAnswer: result.text, cost: result.cost?.dollars)
    }
}

/// One of the judge's two looks at a pair.
public struct JudgeVerdict: Sendable, Hashable {
    public enum Order: String, Sendable, Hashable {
        /// The pair's first model shown as A.
        case ab
        /// Swapped: the pair's second model shown as A.
        case ba
    }

    public var order: Order
    /// The winner in the pair's own terms (its first or second model), whichever letter the
    /// judge saw it under.
    public var winner: PairOutcome
    public var reason: String
    public var cost: Double?

    public init(order: Order, winner: PairOutcome, reason: String, cost: Double? = nil) {
        self.order = order
        self.winner = winner
        self.reason = reason
        self.cost = cost
    }

    /// Reads the judge's answer: exactly `{"winner": "A"|"B"|"tie", "reason": "..."}` (a Markdown
    /// code fence around it is tolerated). Anything else is a tie, with the reason saying what
    /// the judge wrote instead.
    init(order: Order, judgeAnswer text: String, cost: Double?) {
        self.order = order
        self.cost = cost
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("```") {
            body = body.drop { $0 != "\n" }.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
            if body.hasSuffix("```") { body = String(body.dropLast(3)).trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        guard let object = JSONValue.parse(body)?.object, let said = object["winner"]?.string,
              let letter = ["a": "A", "b": "B", "tie": "tie"][said.lowercased()] else {
            winner = .tie
            reason = "the judge did not answer {\"winner\": \"A\"|\"B\"|\"tie\", \"reason\": ...}; it wrote: \(text.prefix(200))"
            return
        }
        reason = object["reason"]?.string ?? ""
        switch (letter, order) {
        case ("A", .ab), ("B", .ba): winner = .a
        case ("B", .ab), ("A", .ba): winner = .b
        default: winner = .tie
        }
    }
}

/// Which of a pair won: its first model, its second, or neither.
public enum PairOutcome: String, Sendable, Hashable {
    case a, b, tie
}

/// A pair judged in both orders. Its result stands only when both verdicts agree; otherwise the
/// judge contradicted itself when the order changed, and the pair is a tie.
public struct JudgedPair: Sendable, Hashable {
    public var a: ModelID
    public var b: ModelID
    public var verdicts: [JudgeVerdict]

    public init(a: ModelID, b: ModelID, verdicts: [JudgeVerdict]) {
        self.a = a
        self.b = b
        self.verdicts = verdicts
    }

    public var result: PairOutcome {
        guard let first = verdicts.first?.winner, verdicts.allSatisfy({ $0.winner == first }) else { return .tie }
        return first
    }

    /// What `outcome` names in this pair: its first model, its second, or `tie`.
    public func name(_ outcome: PairOutcome) -> String {
        switch outcome {
        case .a: a.description
        case .b: b.description
        case .tie: "tie"
        }
    }

    /// The model that won the pair, or nil for a tie.
    public var winner: ModelID? {
        switch result {
        case .a: a
        case .b: b
        case .tie: nil
        }
    }
}

/// Every pair's verdicts, and the model that won the most pairs (nil when none won more than
/// every other).
public struct Judgement: Sendable, Hashable {
    public var judge: ModelID
    public var models: [ModelID]
    public var pairs: [JudgedPair]

    public init(judge: ModelID, models: [ModelID], pairs: [JudgedPair]) {
        self.judge = judge
        self.models = models
        self.pairs = pairs
    }

    public var winner: ModelID? {
        let wins = Dictionary(grouping: pairs.compactMap(\.winner), by: { $0 }).mapValues(\.count)
        guard let best = wins.values.max() else { return nil }
        let leaders = wins.filter { $0.value == best }
        return leaders.count == 1 ? leaders.first?.key : nil
    }

    /// The verdicts as lines of text, as `compare --judge` prints them and the console shows
    /// them: each pair's result, each of its two verdicts with its reason, then the winner and
    /// what the judge cost.
    public var lines: [String] {
        var lines: [String] = []
        for pair in pairs {
            let disagree = pair.result == .tie && Set(pair.verdicts.map(\.winner)).count > 1
            lines.append("\(pair.a) vs \(pair.b): \(pair.name(pair.result))\(disagree ? " (the verdicts disagree when the order is swapped)" : "")")
            for verdict in pair.verdicts {
                let shown = verdict.order == .ab ? "\(pair.a) as A" : "\(pair.b) as A"
                lines.append("  \(shown): \(pair.name(verdict.winner)): \(verdict.reason)")
            }
        }
        lines.append("winner: \(winner?.description ?? "tie")\(cost > 0 ? " · the judge cost \(Cost.format(cost))" : "")")
        return lines
    }

    /// What the judge's requests cost, where the judge is priced.
    public var cost: Double {
        pairs.flatMap(\.verdicts).compactMap(\.cost).reduce(0, +)
    }

    /// The pairs as arena votes, for a leaderboard of the judge's own.
    public var votes: [ArenaVote] {
        pairs.map { pair in
            let outcome: ArenaVote.Outcome = switch pair.result {
            case .a: .a
            case .b: .b
            case .tie: .tie
            }
            return ArenaVote(modelA: pair.a, modelB: pair.b, outcome: outcome)
        }
    }
}
