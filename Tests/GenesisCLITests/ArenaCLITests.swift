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
        #expect(text.stderr.contains("Which is better? a/b for the better answer, t for a tie, n if both are bad"))
        let reveal = text.stdout.components(separatedBy: "vote: B is better\n").last ?? ""
        let winner = try #require(reveal.split(separator: "\n").first { $0.hasPrefix("B was ") }).dropFirst("B was ".count)

        for _ in 0..<2 {
            // Two JSON lines: the anonymous answers before the vote is read, then the vote and the reveal.
            let lines = try await CLI.run(["arena", "-m", "sim:fast", "-m", "sim:deep", "--json", "Explain queues"], stdin: "t\n", environment: env).jsonLines
            try #require(lines.count == 2)
            #expect((lines[0]["answers"] as? [[String: Any]])?.map { $0["label"] as? String } == ["A", "B"])
            #expect(lines[0]["reveal"] == nil && lines[0]["choices"] as? [String] == ["a", "b", "t", "n"])
            #expect(lines[1]["vote"] as? String == "a tie" && lines[1]["recorded"] as? Int == 1)
            #expect(Set((lines[1]["reveal"] as? [String: String])?.values.map { $0 } ?? []) == ["sim:fast", "sim:deep"])
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

    @Test("a model that gives no answer is left out of the votes; with fewer than two answers nothing is asked or recorded")
    func failedAnswers() async throws {
        let env = try StorageCLITests.environment()
        let three = try await CLI.run(["arena", "-m", "sim:fast", "-m", "sim:deep", "-m", "sim:no-such-model", "--json", "hi"], stdin: "t\n", environment: env)
        #expect(three.status == 0, "\(three.stderr)")
        let lines = three.jsonLines
        try #require(lines.count == 2)
        #expect((lines[0]["answers"] as? [[String: Any]])?.filter { $0["answered"] as? Bool == false }.count == 1)
        #expect(lines[1]["recorded"] as? Int == 1) // fast against deep; the missing model neither tied nor lost
        let board = try #require(try await CLI.run(["leaderboard", "--json"], environment: env).json)
        #expect(Set((board["models"] as? [[String: Any]] ?? []).compactMap { $0["model"] as? String }) == ["fast", "deep"])

        let two = try await CLI.run(["arena", "-m", "sim:fast", "-m", "sim:no-such-model", "hi"], stdin: "a\n", environment: env)
        #expect(two.status != 0 && two.stderr.contains("fewer than two models answered"))
        #expect(!two.stderr.contains("Which is better?"))
        #expect(try await CLI.run(["leaderboard", "--json"], environment: env).json?["votes"] as? Int == 1)
    }
}
