import Clocks
import GenesisEngine
import Testing

@Suite("Cache")
struct CacheTests {
    let clock = TestClock<Duration>()
    let request = GenerationRequest(model: "sim:fast", prompt: "hello", parameters: .init(maxTokens: 10, temperature: 0))

    func result(_ text: String) -> GenerationResult {
        GenerationResult(model: "sim:fast", text: text, finishReason: .stop, usage: Usage(inputTokens: 1, outputTokens: 1),
                         cost: Cost(dollars: 0.5), latency: .seconds(1))
    }

    @Test func theKeyIsStableAcrossProcesses() {
        // A literal: a change to the key's recipe must be deliberate (it invalidates persistent caches).
        #expect(CacheKey(request).digest == CacheKey(request).digest)
        #expect(CacheKey(canonical: "").digest == "6c62272e07bb014262b821756295c58d") // FNV-1a 128 offset basis
        #expect(CacheKey(canonical: "a").digest == "d228cb696f1a8caf78912b704e4a8964") // published FNV-1a 128 test vector
    }

    @Test func anyDifferenceInTheRequestChangesTheKey() {
        var other = request
        other.parameters.temperature = 0.1
        #expect(CacheKey(other) != CacheKey(request))
        other = request
        other.messages.insert(.system("be brief"), at: 0)
        #expect(CacheKey(other) != CacheKey(request))
        other = request
        other.model = "sim:deep"
        #expect(CacheKey(other) != CacheKey(request))
    }

    @Test func aStoredAnswerIsReturnedUntilItExpires() async {
        let cache = CacheManager(capacity: 10, ttl: .seconds(60), clock: AnyClock(clock))
        await cache.set(CacheKey(request), result("cached"))
        #expect(await cache.get(CacheKey(request))?.text == "cached")
        await clock.advance(by: .seconds(61))
        #expect(await cache.get(CacheKey(request)) == nil)
    }

    @Test func theLeastRecentlyUsedEntryGoesFirst() async {
        let cache = CacheManager(capacity: 2, ttl: .seconds(60), clock: AnyClock(clock))
        let a = CacheKey(canonical: "a"), b = CacheKey(canonical: "b"), c = CacheKey(canonical: "c")
        await cache.set(a, result("a"))
        await cache.set(b, result("b"))
        _ = await cache.get(a) // a is now the most recent
        await cache.set(c, result("c"))
        #expect(await cache.get(b) == nil)
        #expect(await cache.get(a)?.text == "a")
        #expect(await cache.count == 2)
    }

    @Test func theRegistryCachesDeterministicRequestsOnly() async throws {
        let fake = ScriptedProvider(["m": [.answer("one"), .answer("two"), .answer("three")]])
        let registry = try await makeRegistry([fake]) { $0.prices.set(ModelPrice(provider: "fake", model: "m", inputPerMillion: 1, outputPerMillion: 1)) }
        let deterministic = GenerationRequest(model: "fake:m", prompt: "hi", parameters: .init(temperature: 0))
        let first = try await registry.generate(deterministic)
        let second = try await registry.generate(deterministic)
        #expect(first.text == "one" && second.text == "one" && second.isCached && !first.isCached)
        #expect(second.cost?.dollars == 0) // a cached answer costs nothing
        let creative = GenerationRequest(model: "fake:m", prompt: "hi", parameters: .init(temperature: 0.8))
        #expect(try await registry.generate(creative).text == "two")
        #expect(fake.calls("m") == 2)
    }

    @Test func cachePolicyCanBeChangedPerRequest() async throws {
        let fake = ScriptedProvider(["m": [.answer("one"), .answer("two")]])
        let registry = try await makeRegistry([fake])
        let request = GenerationRequest(model: "fake:m", prompt: "hi", parameters: .init(temperature: 0))
        _ = try await registry.generate(request, options: RequestOptions(cachePolicy: .never))
        #expect(try await registry.generate(request, options: RequestOptions(cachePolicy: .never)).text == "two")
    }

    @Test func aCachedAnswerStreamsAsOneDelta() async throws {
        let fake = ScriptedProvider(["m": [.answer("one two")]])
        let registry = try await makeRegistry([fake])
        let request = GenerationRequest(model: "fake:m", prompt: "hi", parameters: .init(temperature: 0))
        _ = try await registry.generate(request)
        var texts: [String] = []
        for try await event in registry.stream(request) { if case .text(let t) = event { texts.append(t) } }
        #expect(texts == ["one two"])
    }
}
