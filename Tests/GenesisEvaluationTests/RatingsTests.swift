import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Testing

@Suite("Arena ratings: Bradley-Terry, bootstrap intervals, Elo")
struct RatingsTests {
    let a: ModelID = "x:a", b: ModelID = "x:b", c: ModelID = "x:c"

    func votes(_ list: [(ModelID, ModelID, ArenaVote.Outcome, Int)]) -> [ArenaVote] {
        list.flatMap { first, second, outcome, count in Array(repeating: ArenaVote(modelA: first, modelB: second, outcome: outcome), count: count) }
    }

    @Test("two models, 2 wins to 1: the maximum-likelihood odds are 2:1, i.e. 400·log10(2) = 120.4 points apart")
    func handComputedPair() {
        let ratings = Ratings.bradleyTerry(votes([(a, b, .a, 2), (a, b, .b, 1)]), prior: 0)
        #expect(abs(ratings[a]! - ratings[b]! - 400 * log10(2)) < 1e-6)
        #expect(abs((ratings[a]! + ratings[b]!) / 2 - 1000) < 1e-9)
    }

    @Test("a tie is half a win each: 1 win, 1 loss and 2 ties leave two models level")
    func ties() {
        let ratings = Ratings.bradleyTerry(votes([(a, b, .a, 1), (a, b, .b, 1), (a, b, .tie, 1), (b, a, .bothBad, 1)]), prior: 0)
        #expect(abs(ratings[a]! - ratings[b]!) < 1e-6)
    }

    @Test("three models: the fit satisfies the likelihood equations (expected wins equal observed wins)")
    func likelihoodEquations() {
        let all = votes([(a, b, .a, 7), (a, b, .b, 3), (b, c, .a, 6), (b, c, .b, 4), (a, c, .a, 8), (a, c, .b, 2), (a, c, .tie, 2)])
        let ratings = Ratings.bradleyTerry(all, prior: 0)
        for model in [a, b, c] {
            var observed = 0.0, expected = 0.0
            for vote in all where vote.modelA == model || vote.modelB == model {
                let other = vote.modelA == model ? vote.modelB : vote.modelA
                observed += vote.modelA == model ? vote.scoreA : 1 - vote.scoreA
                expected += 1 / (1 + pow(10, (ratings[other]! - ratings[model]!) / 400))
            }
            #expect(abs(observed - expected) < 1e-6, "\(model): observed \(observed), expected \(expected)")
        }
        #expect(ratings[a]! > ratings[b]! && ratings[b]! > ratings[c]!)
    }

    @Test("an unbeaten model stays finite with the prior")
    func unbeaten() {
        let ratings = Ratings.bradleyTerry(votes([(a, b, .a, 5)]))
        #expect(ratings[a]!.isFinite && ratings[a]! > ratings[b]! && ratings[a]! - ratings[b]! < 800)
    }

    @Test("bootstrap intervals contain the estimate, are reproducible, and narrow with more votes")
    func bootstrap() {
        let few = votes([(a, b, .a, 6), (a, b, .b, 4)])
        let many = votes([(a, b, .a, 60), (a, b, .b, 40)])
        let point = Ratings.bradleyTerry(few)
        let small = Ratings.bootstrap(few, rounds: 300), large = Ratings.bootstrap(many, rounds: 300)
        #expect(small[a]!.lower <= point[a]! && point[a]! <= small[a]!.upper)
        #expect(large[a]!.upper - large[a]!.lower < small[a]!.upper - small[a]!.lower)
        let again = Ratings.bootstrap(few, rounds: 300)
        #expect(again[a]!.lower == small[a]!.lower && again[a]!.upper == small[a]!.upper)
    }

    @Test("online Elo: from 1000 each, a win moves K/2 = 2 points each way")
    func elo() {
        let ratings = Ratings.elo([ArenaVote(modelA: a, modelB: b, outcome: .a)])
        #expect(ratings[a] == 1002 && ratings[b] == 998)
        let second = Ratings.elo([ArenaVote(modelA: a, modelB: b, outcome: .a), ArenaVote(modelA: a, modelB: b, outcome: .tie)])
        #expect(abs(second[a]! - (1002 + 4 * (0.5 - 1 / (1 + pow(10, -4.0 / 400))))) < 1e-9)
    }

    @Test("a vote among three answers: the winner beats both others; a tie ties every pair")
    func pairwise() {
        let winner = ArenaVote.pairwise([a, b, c], winner: 1)
        #expect(winner == [ArenaVote(modelA: a, modelB: b, outcome: .b), ArenaVote(modelA: b, modelB: c, outcome: .a)])
        #expect(ArenaVote.pairwise([a, b, c], winner: nil, bothBad: true).map(\.outcome) == [.bothBad, .bothBad, .bothBad])
    }

    @Test("the leaderboard is best first with records")
    func leaderboard() {
        let board = Ratings.leaderboard(votes([(a, b, .a, 3), (c, a, .a, 2), (b, c, .tie, 1)]), bootstrapRounds: 50)
        // Bradley-Terry by hand (ties as half wins), strengths summing to 1: c 0.745, a 0.217, b 0.038.
        #expect(board.map(\.model) == [c, a, b])
        let recordA = board.first { $0.model == a }!
        #expect(recordA.wins == 3 && recordA.losses == 2 && recordA.ties == 0 && recordA.lower != nil)
    }
}
