import Foundation
import GenesisTestSupport
import Testing

/// `genesis compare --judge`: a model compares the answers pairwise, each pair in both orders.
@Suite("compare --judge")
struct JudgeCLITests {
    static let prompt = "Why is the sky blue?"

    /// A fake OpenAI judge. `pick` sees the two answers as shown (A, then B) and says which won.
    static func judge(_ pick: @escaping @Sendable (_ a: String, _ b: String) -> String) async throws -> FakeServer {
        try await FakeServer { request in
            guard request.uri == "/v1/chat/completions",
                  let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                  let messages = body["messages"] as? [[String: Any]], let question = messages.last?["content"] as? String
            else { return .init(status: 404, chunks: [Array("no route".utf8)]) }
            func between(_ start: String, _ end: String) -> String {
                guard let from = question.range(of: start), let to = question.range(of: end, range: from.upperBound..<question.endIndex)
                else { return "" }
                return String(question[from.upperBound..<to.lowerBound])
            }
            let verdict = #"{"winner": "\#(pick(between("[Answer A]\n", "\n[End of answer A]"), between("[Answer B]\n", "\n[End of answer B]")))", "reason": "it reads better"}"#
            let answer: [String: Any] = [
                "id": "j", "object": "chat.completion", "model": "judge-1",
                "choices": [["index": 0, "message": ["role": "assistant", "content": verdict], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 200, "completion_tokens": 20, "total_tokens": 220],
            ]
            return .init(headers: [("content-type", "application/json")], chunks: [Array(try! JSONSerialization.data(withJSONObject: answer))])
        }
    }

    static func environment(_ server: FakeServer) throws -> [String: String] {
        var environment = try StorageCLITests.environment()
        environment["OPENAI_API_KEY"] = "sk-test-0123456789abcdef"
        environment["OPENAI_BASE_URL"] = server.baseURL + "/v1"
        environment["GENESIS_DISCOVER_LOCAL"] = "0"
        return environment
    }

    static let arguments = ["compare", "-m", "sim:fast", "-m", "sim:balanced", "--temperature", "0", "--judge", "openai:gpt-4o-mini", "--json", prompt]

    @Test("a judge that always says A contradicts itself when the order is swapped: the pair is a tie")
    func positionBiasIsATie() async throws {
        let server = try await Self.judge { _, _ in "A" }
        defer { Task { await server.shutdown() } }
        let environment = try Self.environment(server)
        let result = try await CLI.run(Self.arguments, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let judgement = try #require(result.json?["judgement"] as? [String: Any])
        #expect(judgement["judge"] as? String == "openai:gpt-4o-mini")
        #expect(judgement["winner"] as? String == "tie")
        let pairs = try #require(judgement["pairs"] as? [[String: Any]])
        #expect(pairs.count == 1)
        #expect(pairs[0]["a"] as? String == "sim:fast" && pairs[0]["b"] as? String == "sim:balanced")
        #expect(pairs[0]["result"] as? String == "tie")
        let verdicts = try #require(pairs[0]["verdicts"] as? [[String: Any]])
        #expect(verdicts.map { $0["order"] as? String } == ["ab", "ba"])
        #expect(verdicts.map { $0["winner"] as? String } == ["sim:fast", "sim:balanced"])
        #expect(verdicts.allSatisfy { $0["reason"] as? String == "it reads better" })
        #expect((judgement["cost_usd"] as? Double ?? 0) > 0) // the judge's own requests are priced
        #expect(server.requests.count { $0.uri == "/v1/chat/completions" } == 2)

        // The judge's tie is its own leaderboard's; people's votes hold nothing.
        let judges = try await CLI.run(["leaderboard", "--judge", "--json"], environment: environment)
        let models = try #require(judges.json?["models"] as? [[String: Any]])
        #expect(judges.json?["votes"] as? Int == 1)
        #expect(models.allSatisfy { $0["ties"] as? Int == 1 })
        #expect(try await CLI.run(["leaderboard", "--json"], environment: environment).json?["votes"] as? Int == 0)
    }

    @Test("a judge that prefers the longer answer in both orders names it the winner, and says so as text")
    func consistentVerdictStands() async throws {
        let server = try await Self.judge { a, b in a.count >= b.count ? "A" : "B" }
        defer { Task { await server.shutdown() } }
        let environment = try Self.environment(server)
        let result = try await CLI.run(Self.arguments, environment: environment)
        let json = try #require(result.json)
        let texts = ((json["results"] as? [[String: Any]]) ?? []).map { $0["text"] as? String ?? "" }
        let longer = texts[0].count >= texts[1].count ? "sim:fast" : "sim:balanced"
        let judgement = try #require(json["judgement"] as? [String: Any])
        #expect(judgement["winner"] as? String == longer)
        #expect((judgement["pairs"] as? [[String: Any]])?.first?["result"] as? String == longer)

        let text = try await CLI.run(Array(Self.arguments.filter { $0 != "--json" }), environment: environment)
        #expect(text.stdout.contains("── judge: openai:gpt-4o-mini ──"))
        #expect(text.stdout.contains("sim:fast vs sim:balanced: \(longer)\n"))
        #expect(text.stdout.contains("winner: \(longer)"))
    }

    @Test("a judge whose answer is not the JSON asked for gives a tie that says what it wrote")
    func unreadableVerdict() async throws {
        let server = try await Self.judge { _, _ in #"A", "oops"# } // breaks the JSON
        defer { Task { await server.shutdown() } }
        let result = try await CLI.run(Self.arguments, environment: try Self.environment(server))
        let pair = try #require(((result.json?["judgement"] as? [String: Any])?["pairs"] as? [[String: Any]])?.first)
        #expect(pair["result"] as? String == "tie")
        let reasons = ((pair["verdicts"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(reasons.count == 2 && reasons.allSatisfy { $0.hasPrefix("the judge did not answer {\"winner\"") })
    }

    @Test("an unknown judge fails with its own error and exit code, after the answers")
    func unknownJudge() async throws {
        let result = try await CLI.run(["compare", "-m", "sim:fast", "-m", "sim:balanced", "--judge", "nosuch:judge", Self.prompt],
                                       environment: try StorageCLITests.environment())
        #expect(result.status != 0)
        #expect(result.stdout.contains("── sim:fast"))
        #expect(result.stderr.contains("the judge nosuch:judge"))
    }
}
