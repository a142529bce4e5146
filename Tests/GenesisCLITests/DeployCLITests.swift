import Foundation
import Testing

@Suite("genesis deploy and --env")
struct DeployCLITests {
    @Test("deploy, ask --env, redeploy, roll back; deployments lists the history")
    func lifecycle() async throws {
        let env = try StorageCLITests.environment()
        #expect(try await CLI.run(["deploy", "sim:fast", "--env", "production", "--max-tokens", "7", "--note", "first"], environment: env).status == 0)
        var answer = try #require(try await CLI.run(["ask", "--env", "production", "--json", "hello"], environment: env).json)
        #expect(answer["model"] as? String == "fast")
        #expect((answer["usage"] as? [String: Any])?["output_tokens"] as? Int == 7) // the deployment's parameters apply
        #expect(try await CLI.run(["deploy", "sim:deep", "--env", "production"], environment: env).stdout == "production now serves sim:deep\n")
        answer = try #require(try await CLI.run(["ask", "--env", "production", "--json", "hello"], environment: env).json)
        #expect(answer["model"] as? String == "deep")
        let rolled = try await CLI.run(["deploy", "--env", "production", "--rollback"], environment: env)
        #expect(rolled.stdout == "production rolled back to sim:fast\n")
        let listing = try #require(try await CLI.run(["deployments", "--json"], environment: env).json)
        let production = try #require((listing["environments"] as? [[String: Any]])?.first)
        #expect((production["current"] as? [String: Any])?["model"] as? String == "fast")
        #expect((production["current"] as? [String: Any])?["note"] as? String == "first")
        // The rolled-back deployment is off the stack but stays in the log, with what it replaced.
        let log = try #require(production["log"] as? [[String: Any]])
        #expect(log.map { $0["action"] as? String } == ["deploy", "deploy", "rollback"])
        #expect(log.last?["from"] as? String == "sim:deep" && log.last?["to"] as? String == "sim:fast")
        let text = try await CLI.run(["deployments"], environment: env).stdout
        #expect(text.contains("rollback   sim:deep → sim:fast") && text.contains("deploy     sim:deep"))

        let compare = try #require(try await CLI.run(["compare", "--env", "production", "-m", "sim:tiny", "--json", "hi"], environment: env).json)
        #expect((compare["results"] as? [[String: Any]])?.map { $0["model"] as? String } == ["tiny", "fast"])
    }

    @Test("mistakes say what to do: an empty environment, rollback with no history, both --env and --model")
    func errors() async throws {
        let env = try StorageCLITests.environment()
        let missing = try await CLI.run(["ask", "--env", "staging", "hi"], environment: env)
        #expect(missing.status == 8 && missing.stderr.contains("environment \"staging\": nothing is deployed here") && missing.stderr.contains("genesis deploy"))
        let rollback = try await CLI.run(["deploy", "--env", "staging", "--rollback"], environment: env)
        #expect(rollback.status == 8 && rollback.stderr.contains("nothing is deployed"))
        let both = try await CLI.run(["ask", "--env", "staging", "-m", "sim:fast", "hi"], environment: env)
        #expect(both.status == 2 && both.stderr.contains("not both"))
        let canary = try await CLI.run(["deploy", "--env", "staging", "--canary", "sim:fast"], environment: env)
        #expect(canary.status == 2 && canary.stderr.contains("--weight"))
    }
}
