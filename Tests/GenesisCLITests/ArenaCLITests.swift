import Foundation
import Testing

@Suite("genesis arena and leaderboard")
struct ArenaCLITests {
    @Test("answers are anonymous until the vote; the vote is saved and the leaderboard ranks the winner first")
    func voteAndReveal() async throws {
        let env = try StorageCLITests.environment()
        let text = try await CLI.run(["arena", "-m", "sim:fast", "-m", "sim:deep", "Explain caching"], stdin: "b\n", environment: env)
        #expect(text.status == 0, "\(text.stderr)")
        let beforeVote = text.stdout.components(separatedBy: "vote:")[0]
        #expect(beforeVote.contains("── A ──") && beforeVote.contains("── B ──"))
        #expect(!beforeVote.contains("sim:fast") && !beforeVote.contains("sim:deep"), "names are hidden until the vote")
        #expect(text.stderr.contains("Which is better? a/b for that answer, t tie, n both bad"))
        let reveal = text.stdout.components(separatedBy: "vote: B\n").last ?? ""
        let winner = try #require(reveal.split(separator: "\n").first { $0.hasPrefix("B was ") }).dropFirst("B was ".count)

        for _ in 0..<2 {
            let json = try #require(try await CLI.run(["arena", "-m", "sim:fast", "-m", "sim:deep", "--json", "Explain queues"], stdin: "t\n", environment: env).json)
            #expect(json["vote"] as? String == "tie")
            #expect(Set((json["reveal"] as? [String: String])?.values.map { $0 } ?? []) == ["sim:fast", "sim:deep"])
        }
        let board = try #require(try await CLI.run(["leaderboard", "--json"], environment: env).json)
        #expect(board["votes"] as? Int == 3)
        let models = try #require(board["models"] as? [[String: Any]])
        #expect(models.map { "\($0["provider"]!):\($0["model"]!)" }.first == String(winner))
        #expect(models.first?["wins"] as? Int == 1 && models.first?["ties"] as? Int == 2)
        let low = try #require(models.first?["ci_low"] as? Double), high = try #require(models.first?["ci_high"] as? Double)
        let rating = try #require(models.first?["rating"] as? Double)
        #expect(low <= rating && rating <= high)
    }

    @Test("a vote that is not a, b, t or n records nothing")
    func badVote() async throws {
        let env = try StorageCLITests.environment()
        let result = try await CLI.run(["arena", "-m", "sim:fast", "-m", "sim:deep", "hi"], stdin: "maybe\n", environment: env)
        #expect(result.status == 2 && result.stderr.contains("not a vote"))
        #expect(try await CLI.run(["leaderboard", "--json"], environment: env).json?["votes"] as? Int == 0)
        let one = try await CLI.run(["arena", "-m", "sim:fast", "hi"], stdin: "a\n", environment: env)
        #expect(one.status == 2 && one.stderr.contains("at least two models"))
    }
}
