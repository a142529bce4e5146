import Clocks
import GenesisEngine
import Testing

@Suite("Batch generation")
struct BatchTests {
    @Test func resultsComeBackInInputOrderWithFailuresInPlace() async throws {
        let registry = try await makeRegistry([]) { $0.simulatorSpeed = 0 }
        let prompts = ["first prompt", "second prompt", "third prompt", "fourth prompt"]
        let results = await registry.batchGenerate(provider: "sim", model: "fast", prompts: prompts, batchSize: 2, temperature: 0)
        #expect(results.count == 4)
        for (prompt, result) in zip(prompts, results) {
            let text = try result.get().text
            #expect(text.lowercased().contains(prompt.split(separator: " ")[0]))
        }
        let mixed = await registry.batchGenerate([GenerationRequest(model: "sim:fast", prompt: "ok"), GenerationRequest(model: "sim:nope", prompt: "ok")])
        #expect((try? mixed[0].get()) != nil)
        #expect(throws: ModelNotFoundError.self) { try mixed[1].get() }
    }

    @Test func noMoreThanTheBatchSizeRunAtOnce() async throws {
        let clock = TestClock<Duration>()
        let fake = ScriptedProvider(clock: AnyClock(clock), ["m": [.slow(.seconds(1), "done")]])
        let registry = try await makeRegistry([fake], clock: AnyClock(clock))
        let batch = Task { await registry.batchGenerate(provider: "fake", model: "m", prompts: Array(repeating: "p", count: 10), batchSize: 3) }
        for _ in 0..<10 {
            await settle()
            await clock.advance(by: .seconds(1))
        }
        let results = await batch.value
        #expect(results.count == 10 && results.allSatisfy { (try? $0.get()) != nil })
        #expect(fake.maxInFlight == 3)
    }
}
