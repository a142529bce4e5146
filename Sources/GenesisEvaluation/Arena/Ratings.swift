import Foundation
import GenesisEngine

/// Chatbot Arena's ratings: a Bradley-Terry fit (maximum likelihood; a tie is half a win for
/// each side) on the Elo scale, 95% intervals from bootstrap rounds, and online Elo.
public enum Ratings {
    /// Strengths on the Elo scale, mean 1000. `prior` adds that many virtual ties of every model
    /// against an average opponent, which keeps unbeaten or winless models finite (0: pure MLE).
    public static func bradleyTerry(_ votes: [ArenaVote], prior: Double = 0.5, iterations: Int = 2000) -> [ModelID: Double] {
        let models = Array(Set(votes.flatMap { [$0.modelA, $0.modelB] })).sorted { $0.description < $1.description }
        guard !models.isEmpty else { return [:] }
        let index = Dictionary(uniqueKeysWithValues: models.enumerated().map { ($1, $0) })
        let n = models.count
        var wins = [Double](repeating: prior / 2, count: n)
        var games = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for vote in votes {
            // `index` holds every model of every vote (built from `votes` above), so both lookups succeed.
            guard let a = index[vote.modelA], let b = index[vote.modelB], a != b else { continue }
            wins[a] += vote.scoreA
            wins[b] += 1 - vote.scoreA
            games[a][b] += 1
            games[b][a] += 1
        }
        // Minorization-maximization (Hunter 2004); the virtual opponent has strength 1.
        var strength = [Double](repeating: 1, count: n)
        for _ in 0..<iterations {
            var next = strength
            var change = 0.0
            for i in 0..<n {
                var denominator = prior / (strength[i] + 1)
                for j in 0..<n where games[i][j] > 0 { denominator += games[i][j] / (strength[i] + strength[j]) }
                next[i] = denominator > 0 ? max(wins[i], 1e-12) / denominator : 1
            }
            // Without a prior the scale is free: fix the geometric mean at 1.
            let logMean = next.map { log($0) }.reduce(0, +) / Double(n)
            for i in 0..<n {
                let value = prior > 0 ? next[i] : next[i] / exp(logMean)
                change = max(change, abs(log(value) - log(strength[i])))
                next[i] = value
            }
            strength = next
            if change < 1e-10 { break }
        }
        let logs = strength.map { 400 * log10($0) }
        let mean = logs.reduce(0, +) / Double(n)
        return Dictionary(uniqueKeysWithValues: models.enumerated().map { ($1, 1000 + logs[$0] - mean) })
    }

    /// 95% intervals: the 2.5th and 97.5th percentiles of the fit over `rounds` resamplings of
    /// the votes (with replacement), from a seeded generator so a leaderboard is reproducible.
    public static func bootstrap(_ votes: [ArenaVote], rounds: Int = 200, seed: UInt64 = 42, prior: Double = 0.5) -> [ModelID: (lower: Double, upper: Double)] {
        guard !votes.isEmpty, rounds > 0 else { return [:] }
        var generator = SplitMix64(seed: seed)
        var samples: [ModelID: [Double]] = [:]
        for _ in 0..<rounds {
            let sample = (0..<votes.count).map { _ in votes[Int(generator.next() % UInt64(votes.count))] }
            for (model, rating) in bradleyTerry(sample, prior: prior, iterations: 500) { samples[model, default: []].append(rating) }
        }
        return samples.mapValues { values in
            let sorted = values.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count - 1)).rounded())))] }
            return (percentile(0.025), percentile(0.975))
        }
    }

    /// Online Elo in vote order: K points at stake per vote, starting at `initial`.
    public static func elo(_ votes: [ArenaVote], k: Double = 4, initial: Double = 1000) -> [ModelID: Double] {
        var ratings: [ModelID: Double] = [:]
        for vote in votes where vote.modelA != vote.modelB {
            let a = ratings[vote.modelA] ?? initial, b = ratings[vote.modelB] ?? initial
            let expectedA = 1 / (1 + pow(10, (b - a) / 400))
            ratings[vote.modelA] = a + k * (vote.scoreA - expectedA)
            ratings[vote.modelB] = b + k * ((1 - vote.scoreA) - (1 - expectedA))
        }
        return ratings
    }

    /// The leaderboard: ratings with intervals, Elo and records, best first.
    public static func leaderboard(_ votes: [ArenaVote], bootstrapRounds: Int = 200) -> [Rating] {
        let strengths = bradleyTerry(votes)
        let intervals = bootstrap(votes, rounds: bootstrapRounds)
        let online = elo(votes)
        return strengths.map { model, rating in
            var wins = 0, losses = 0, ties = 0
            for vote in votes where vote.modelA == model || vote.modelB == model {
                let score = vote.modelA == model ? vote.scoreA : 1 - vote.scoreA
                if score == 1 { wins += 1 } else if score == 0 { losses += 1 } else { ties += 1 }
            }
            return Rating(model: model, rating: rating, lower: intervals[model]?.lower, upper: intervals[model]?.upper,
                          elo: online[model] ?? 1000, wins: wins, losses: losses, ties: ties)
        }.sorted { $0.rating > $1.rating }
    }
}

extension Ratings {
    /// The leaderboard as text: rank, model, rating, interval, Elo and record.
    public static func table(_ board: [Rating], votes: Int) -> String {
        guard !board.isEmpty else { return "No votes yet. Vote with: genesis arena -m sim:fast -m sim:deep \"a prompt\" (or /arena in the console)\n" }
        var out = "rank  model                          rating  95% interval      elo     W-L-T\n"
        for (rank, r) in board.enumerated() {
            let interval = r.lower.map { String(format: "%4.0f to %4.0f", $0, r.upper ?? $0) } ?? "-"
            out += String(format: "%4d  %@ %6.0f  %@  %6.0f  %d-%d-%d\n", rank + 1, r.model.description.padding(toLength: 30, withPad: " ", startingAt: 0),
                          r.rating, interval.padding(toLength: 16, withPad: " ", startingAt: 0), r.elo, r.wins, r.losses, r.ties)
        }
        return out + "\(votes) pairwise vote(s)\n"
    }
}
