import Foundation
import GenesisEngine
import Synchronization
import Testing

/// A deployment log in memory.
final class MemoryDeploymentLog: DeploymentLog {
    private let stored = Mutex<[DeploymentEvent]>([])
    func append(_ event: DeploymentEvent) async throws { stored.withLock { $0.append(event) } }
    func events() async throws -> [DeploymentEvent] { stored.withLock { $0 } }
}

@Suite("Deployments: environments, history, rollback, canaries")
struct DeploymentTests {
    @Test("deploying, redeploying and rolling back move what an environment serves; history keeps every deployment")
    func deployAndRollback() async throws {
        let orchestrator = DeploymentOrchestrator()
        try await orchestrator.deployModel(provider: "openai", model: "gpt-4", environment: "production", version: "0613",
                                           parameters: GenerationParameters(temperature: 0.2))
        try await orchestrator.deployModel(provider: "anthropic", model: "claude-sonnet-4-5", environment: "production")
        try await orchestrator.deployModel(provider: "sim", model: "fast", environment: "staging")
        #expect(try await orchestrator.resolve(environment: "production").model == "anthropic:claude-sonnet-4-5")
        let back = try await orchestrator.rollback(environment: "production")
        #expect(back.label == "openai:gpt-4@0613" && back.parameters.temperature == 0.2)
        #expect(try await orchestrator.resolve(environment: "staging").model == "sim:fast")
        let error = await #expect(throws: DeploymentError.self) { try await orchestrator.rollback(environment: "production") }
        #expect(error?.description.contains("no earlier deployment") == true)
        await #expect(throws: DeploymentError.self) { _ = try await orchestrator.resolve(environment: "qa") }
        await #expect(throws: DeploymentError.self) { _ = try await orchestrator.deployModel(provider: "sim", model: "fast", environment: "bad name!") }
    }

    @Test("a canary at weight 0.1 takes about 10% of 10,000 requests; promoting makes it live")
    func canarySplit() async throws {
        let state = Mutex(SplitMix64(seed: 7))
        let orchestrator = DeploymentOrchestrator(random: { state.withLock { $0.unit() } })
        try await orchestrator.deployModel(provider: "sim", model: "balanced", environment: "production")
        try await orchestrator.setCanary(provider: "sim", model: "deep", environment: "production", weight: 0.1)
        var canary = 0
        for _ in 0..<10_000 where try await orchestrator.resolve(environment: "production").model == "sim:deep" { canary += 1 }
        // Binomial(10000, 0.1): standard deviation 30; 5 deviations either way.
        #expect((850...1150).contains(canary), "\(canary) of 10000")
        try await orchestrator.promoteCanary(environment: "production")
        #expect(try await orchestrator.resolve(environment: "production").model == "sim:deep")
        #expect(try await orchestrator.environments()["production"]?.canary == nil)
        await #expect(throws: DeploymentError.self) {
            try await orchestrator.setCanary(provider: "sim", model: "fast", environment: "production", weight: 1.5)
        }
    }

    @Test("state is rebuilt from the log; a resolved deployment pins its version for its own requests only")
    func persistence() async throws {
        let log = MemoryDeploymentLog()
        try await DeploymentOrchestrator(log: log).deployModel(provider: "openai", model: "gpt-4", environment: "production", version: "0613")
        let reopened = DeploymentOrchestrator(log: log)
        let deployment = try await reopened.resolve(environment: "production")
        #expect(deployment.version == "0613")
        #expect(deployment.requestOptions(RequestOptions(maxAttempts: 2)).versions == ["openai:gpt-4": "0613"])
        #expect(deployment.requestOptions().maxAttempts == nil && Deployment(model: "openai:gpt-4").requestOptions().versions.isEmpty)
        #expect(try await reopened.history().map(\.action) == [.deploy])
    }

    @Test("a change made through another orchestrator on the same log is seen at the next resolve")
    func changesFromElsewhere() async throws {
        let log = MemoryDeploymentLog()
        let console = DeploymentOrchestrator(log: log), command = DeploymentOrchestrator(log: log)
        try await command.deployModel(provider: "sim", model: "fast", environment: "production")
        #expect(try await console.resolve(environment: "production").model == "sim:fast")
        try await command.deployModel(provider: "sim", model: "deep", environment: "production")
        #expect(try await console.resolve(environment: "production").model == "sim:deep")
        try await console.rollback(environment: "production")
        #expect(try await command.resolve(environment: "production").model == "sim:fast")
    }
}
