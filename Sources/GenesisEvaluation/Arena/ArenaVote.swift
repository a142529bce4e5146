import GenesisEngine

/// One blind comparison: which of two models answered better.
public struct ArenaVote: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        case a, b, tie
        case bothBad = "both_bad"
    }

    public var modelA: ModelID
    public var modelB: ModelID
    public var outcome: Outcome

    public init(modelA: ModelID, modelB: ModelID, outcome: Outcome) {
        self.modelA = modelA
        self.modelB = modelB
        self.outcome = outcome
    }

    /// A's share of the win: 1, 0, or ½ for a tie (both bad counts as a tie, as in Chatbot Arena).
    public var scoreA: Double {
        switch outcome {
        case .a: 1
        case .b: 0
        case .tie, .bothBad: 0.5
        }
    }

    /// Pairwise votes from a vote among several anonymous answers: the winner beats each of the
    /// others; a tie or "all bad" ties every pair.
    public static func pairwise(_ models: [ModelID], winner: Int?, bothBad: Bool = false) -> [ArenaVote] {
        var votes: [ArenaVote] = []
        for i in models.indices {
            for j in models.indices where j > i {
                let outcome: Outcome
                if let winner {
                    guard winner == i || winner == j else { continue } // two losers: says nothing about each other
                    outcome = winner == i ? .a : .b
                } else {
                    outcome = bothBad ? .bothBad : .tie
                }
                votes.append(ArenaVote(modelA: models[i], modelB: models[j], outcome: outcome))
            }
        }
        return votes
    }
}

/// A model's standing on the leaderboard.
public struct Rating: Sendable, Hashable {
    public var model: ModelID
    /// Bradley-Terry strength on the Elo scale (400 points = 10:1 odds), mean 1000.
    public var rating: Double
    /// 95% interval from bootstrap rounds; nil without them.
    public var lower: Double?
    public var upper: Double?
    /// Online Elo over the votes in order (the simple view).
    public var elo: Double
    public var wins: Int
    public var losses: Int
    public var ties: Int
    public var votes: Int { wins + losses + ties }
}
