import Foundation
import GenesisEngine
import GenesisEvaluation
import GenesisStore

/// What `genesis report` shows of a recorded conversation (a `compare`, an arena round or a
/// console session): its rounds, each a prompt and the answers to it, the judge's verdicts, the
/// arena's votes and the totals. A value built from the store; `html` and `markdown` render it.
public struct ConversationReport: Sendable {
    /// A prompt and the answers to it, one per model, in the order they were asked.
    public struct Round: Sendable {
        public var prompt: String
        public var answers: [StoredMessage]
    }

    /// One model's answers over the whole conversation, added up.
    public struct Total: Sendable, Hashable {
        public var model: String
        public var answers = 0
        public var inputTokens = 0, outputTokens = 0, reasoningTokens = 0
        /// Dollars; nil when an answer's cost is unknown.
        public var cost: Double? = 0
    }

    public var conversation: Conversation
    public var rounds: [Round]
    public var judgements: [(judge: ModelID, pair: JudgedPair)]
    public var votes: [ArenaVote]

    public init(conversation: Conversation, messages: [StoredMessage], judgements: [(judge: ModelID, pair: JudgedPair)] = [],
                votes: [ArenaVote] = []) {
        self.conversation = conversation
        self.judgements = judgements
        self.votes = votes
        var rounds: [Round] = []
        for message in messages {
            switch message.role {
            case .user: rounds.append(Round(prompt: message.content, answers: []))
            case .assistant:
                if rounds.isEmpty { rounds.append(Round(prompt: "", answers: [])) }
                rounds[rounds.count - 1].answers.append(message)
            case .system: break // the conversation's system prompt is shown once, at the top
            }
        }
        self.rounds = rounds
    }

    /// Reads the conversation (an id or the start of one), its judged pairs and its votes.
    public static func load(_ reference: String, from storage: Storage) async throws -> ConversationReport {
        let conversation = try await storage.conversation(reference)
        return ConversationReport(conversation: conversation, messages: try await storage.messages(in: conversation.id),
                                  judgements: try await storage.judgedPairs(of: conversation.id),
                                  votes: try await storage.votes(in: conversation.id))
    }

    /// Per model, in the order the models first answered.
    public var totals: [Total] {
        var totals: [Total] = []
        for answer in rounds.flatMap(\.answers) {
            let model = answer.model?.description ?? "assistant"
            if !totals.contains(where: { $0.model == model }) { totals.append(Total(model: model)) }
            guard let index = totals.firstIndex(where: { $0.model == model }) else { continue } // appended above
            totals[index].answers += 1
            totals[index].inputTokens += answer.usage?.inputTokens ?? 0
            totals[index].outputTokens += answer.usage?.outputTokens ?? 0
            totals[index].reasoningTokens += answer.usage?.reasoningTokens ?? 0
            totals[index].cost = answer.cost.flatMap { cost in totals[index].cost.map { $0 + cost } }
        }
        return totals
    }
}

/// An answer's figures as the report prints them.
struct AnswerFigures {
    var model: String
    var ttft: String, tokensPerSecond: String, tokens: String, reasoningTokens: String, cost: String, finish: String

    init(_ answer: StoredMessage) {
        var model = answer.model?.description ?? "assistant"
        if let servedBy = answer.servedBy { model += " (answered by \(servedBy))" }
        if answer.status != .complete { model += " (\(answer.status.rawValue))" }
        self.model = model
        ttft = answer.ttftMs.map { "\($0) ms" } ?? "–"
        let output = answer.usage?.outputTokens
        let reasoning = answer.usage?.reasoningTokens ?? 0
        // Tokens over the time spent writing them: from the first token to the last when both are known.
        let writing = answer.latencyMs.map { latency in answer.ttftMs.map { latency - $0 }.flatMap { $0 > 0 ? $0 : nil } ?? latency }
        if let output, let writing, writing > 0 {
            tokensPerSecond = String(format: "%.1f", Double(output) / (Double(writing) / 1000))
        } else {
            tokensPerSecond = "–"
        }
        tokens = output.map { "\($0 - min(reasoning, $0)) out, \(answer.usage?.inputTokens ?? 0) in" } ?? "–"
        reasoningTokens = reasoning > 0 ? "\(reasoning)" : "–"
        cost = answer.status == .complete ? answer.cost.map(Cost.format) ?? "unknown" : "–"
        finish = answer.finishReason ?? answer.status.rawValue
    }

    static let headings = ["Model", "TTFT", "Tokens/s", "Tokens", "Reasoning tokens", "Cost", "Finish"]
    var cells: [String] { [model, ttft, tokensPerSecond, tokens, reasoningTokens, cost, finish] }
}

extension ConversationReport.Total {
    static let headings = ["Model", "Answers", "Input tokens", "Output tokens", "Reasoning tokens", "Cost"]
    var cells: [String] {
        [model, "\(answers)", "\(inputTokens)", "\(outputTokens)", "\(reasoningTokens)", cost.map(Cost.format) ?? "unknown"]
    }
}

extension ArenaVote.Outcome {
    func text(_ vote: ArenaVote) -> String {
        switch self {
        case .a: "\(vote.modelA) wins"
        case .b: "\(vote.modelB) wins"
        case .tie: "tie"
        case .bothBad: "both bad"
        }
    }
}

extension JudgedPair {
    var resultText: String { winner.map { "\($0) wins" } ?? "tie" }
}

extension JudgeVerdict {
    func text(_ pair: JudgedPair) -> String {
        let shownFirst = order == .ab ? pair.a : pair.b
        let winnerText = switch winner { // in the pair's own terms, whichever was shown first
        case .a: "\(pair.a) wins"
        case .b: "\(pair.b) wins"
        case .tie: "tie"
        }
        return "\(shownFirst) shown first: \(winnerText)"
    }
}
