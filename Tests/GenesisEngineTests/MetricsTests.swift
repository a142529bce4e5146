import Clocks
@testable import GenesisEngine
import Testing

@Suite("Metrics and health")
struct MetricsTests {
    @Test func latencyPercentilesComeFromTheWholeDistribution() throws {
        var metrics = ModelMetrics()
        for seconds in (1...100).shuffled() {
            metrics.recordSuccess(GenerationResult(model: "p:m", text: "x", finishReason: .stop, usage: Usage(inputTokens: 1, outputTokens: 100),
                                                   cost: nil, latency: .seconds(seconds), timeToFirstToken: .milliseconds(seconds * 10)))
        }
        let snapshot = metrics.snapshot(model: "p:m", breakerOpen: false, rateLimit: .unlimited)
        let latency = try #require(snapshot.latency), ttft = try #require(snapshot.timeToFirstToken)
        #expect(abs(latency.p50.seconds - 50) <= 0.05)
        #expect(abs(latency.p95.seconds - 95) <= 0.1)
        #expect(abs(latency.p99.seconds - 99) <= 0.1)
        #expect(abs(ttft.p95.seconds - 0.95) <= 0.001)
        #expect(snapshot.requests == 100 && snapshot.health == .ok)
    }

    @Test func errorsAreCountedByKindAndMoveTheHealthState() async throws {
        let fake = ScriptedProvider(["m": [.answer("ok"), .answer("ok"), .answer("ok"), .fail(ProviderError.overloaded("m"))]])
        let registry = try await makeRegistry([fake]) { $0.retry = .none }
        for _ in 0..<3 { _ = try await registry.generateText(provider: "fake", model: "m", prompt: "hi") }
        #expect(await registry.modelMetrics(provider: "fake", model: "m").health == .ok)
        _ = try? await registry.generateText(provider: "fake", model: "m", prompt: "hi")
        var metrics = await registry.modelMetrics(provider: "fake", model: "m")
        #expect(metrics.errors == [.overloaded: 1])
        #expect(metrics.health == .degraded) // 1 of 4 recent requests failed
        for _ in 0..<4 { _ = try? await registry.generateText(provider: "fake", model: "m", prompt: "hi") }
        metrics = await registry.modelMetrics(provider: "fake", model: "m")
        #expect(metrics.health == .down)
        #expect(metrics.lastError?.contains("HTTP 503") == true)
    }

    @Test func aBadRequestSaysNothingAboutHealth() async throws {
        let bad = InvalidRequestError(provider: "fake", model: "m", status: 400, message: "bad", hint: "fix it")
        let fake = ScriptedProvider(["m": [.fail(bad)]])
        let registry = try await makeRegistry([fake])
        for _ in 0..<5 { _ = try? await registry.generateText(provider: "fake", model: "m", prompt: "hi") }
        let metrics = await registry.modelMetrics(provider: "fake", model: "m")
        #expect(metrics.errors[.invalidRequest] == 5 && metrics.health == .unknown)
    }

    @Test func tokensAndCostAddUpFromReportedUsage() async throws {
        let fake = ScriptedProvider(["gpt-4o": [.answer("ok", usage: Usage(inputTokens: 1000, outputTokens: 500))]])
        let registry = try await makeRegistry([fake]) {
            $0.prices.set(ModelPrice(provider: "fake", model: "gpt-4o", inputPerMillion: 2.5, outputPerMillion: 10))
        }
        for _ in 0..<2 { _ = try await registry.generateText(provider: "fake", model: "gpt-4o", prompt: "hi", temperature: 1) }
        let metrics = await registry.providerMetrics("fake")
        #expect(metrics.inputTokens == 2000 && metrics.outputTokens == 1000)
        #expect(abs(metrics.costDollars - 0.015) < 1e-12) // 2 x (1000 x 2.5 + 500 x 10) / 1e6
        #expect(metrics.models.map(\.model.model) == ["gpt-4o"])
    }

    @Test func aModelWithoutAPriceCountsAsUnpricedNotFree() async throws {
        let fake = ScriptedProvider(["mystery": [.answer("ok")]])
        let registry = try await makeRegistry([fake])
        let result = try await registry.generateText(provider: "fake", model: "mystery", prompt: "hi")
        #expect(result.cost == nil)
        #expect(await registry.modelMetrics(provider: "fake", model: "mystery").unpricedRequests == 1)
    }

    @Test func monitorModelPublishesASnapshotAfterEachRequest() async throws {
        let fake = ScriptedProvider(["m": [.answer("ok")]])
        let registry = try await makeRegistry([fake])
        var snapshots = registry.monitorModel(provider: "fake", model: "m").makeAsyncIterator()
        #expect(await snapshots.next()?.requests == 0) // the current state first
        _ = try await registry.generateText(provider: "fake", model: "m", prompt: "hi", temperature: 1)
        #expect(await snapshots.next()?.requests == 1)
        _ = try await registry.generateText(provider: "fake", model: "m", prompt: "hi", temperature: 1)
        #expect(await snapshots.next()?.successes == 2)
    }

    @Test func rateLimitHeadroomIsPartOfTheSnapshot() async throws {
        let registry = try await makeRegistry([]) { $0.simulatorSpeed = 0 }
        _ = try await registry.generateText(provider: "sim", model: "fast", prompt: "hi", maxTokens: 20)
        let metrics = await registry.providerMetrics("sim")
        #expect(metrics.rateLimit.requestsPerMinute == 60 && metrics.rateLimit.requestsInLastMinute == 1)
        #expect(metrics.rateLimit.tokensInLastMinute == metrics.inputTokens + metrics.outputTokens) // reconciled with usage
    }
}
