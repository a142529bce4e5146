import Clocks
import GenesisEngine
import Testing

@Suite("Fallbacks and retries through the registry")
struct FallbackTests {
    let primary = ModelID(provider: "fake", model: "primary")
    let backup = ModelID(provider: "fake", model: "backup")

    @Test func anOverloadedModelIsRetriedThenHandedToItsFallback() async throws {
        let fake = ScriptedProvider(["primary": [.fail(ProviderError.overloaded("primary"))], "backup": [.answer("from backup")]])
        let registry = try await makeRegistry([fake]) { $0.retry = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)) }
        registry.fallbacks.addFallback(primary: primary, fallback: backup)
        let result = try await registry.generate(GenerationRequest(model: primary, prompt: "hi"))
        #expect(result.text == "from backup")
        #expect(result.model == backup)
        #expect(result.failedAttempts.map(\.attempt) == [1, 2])
        #expect(result.failedAttempts.allSatisfy { $0.model == primary && $0.category == .overloaded && $0.status == 503 })
        #expect(fake.calls("primary") == 2)
    }

    @Test func aRetrySucceedsWithoutFallingBack() async throws {
        let fake = ScriptedProvider(["primary": [.fail(ProviderError.overloaded("primary")), .answer("second try")]])
        let registry = try await makeRegistry([fake])
        let result = try await registry.generateText(provider: "fake", model: "primary", prompt: "hi")
        #expect(result.text == "second try" && result.failedAttempts.count == 1)
    }

    @Test func retryAfterIsWaitedOnTheEnginesClock() async throws {
        let clock = TestClock<Duration>()
        let limited = RateLimitError(provider: "fake", model: "primary", limit: .tokens, retryAfter: .seconds(9), message: "slow down")
        let fake = ScriptedProvider(["primary": [.fail(limited), .answer("ok")]])
        let registry = try await makeRegistry([fake], clock: AnyClock(clock))
        let request = Task { try await registry.generateText(provider: "fake", model: "primary", prompt: "hi") }
        await settle()
        await clock.advance(by: .seconds(8))
        await settle()
        #expect(fake.calls("primary") == 1) // still waiting at 8 s
        await clock.advance(by: .seconds(1))
        #expect(try await request.value.text == "ok")
        #expect(fake.calls("primary") == 2)
    }

    @Test func authenticationFailuresDoNotFallBackByDefault() async throws {
        let fake = ScriptedProvider(["primary": [.fail(ProviderError.auth("primary"))], "backup": [.answer("never")]])
        let registry = try await makeRegistry([fake])
        registry.fallbacks.addFallback(primary: primary, fallback: backup)
        await #expect(throws: ProviderError.auth("primary")) { try await registry.generate(GenerationRequest(model: primary, prompt: "hi")) }
        #expect(fake.calls("primary") == 1 && fake.calls("backup") == 0)
    }

    @Test func theFallbackPolicyDecidesWhichFailuresMoveOn() async throws {
        let fake = ScriptedProvider(["primary": [.fail(ProviderError.auth("primary"))], "backup": [.answer("backup")]])
        let registry = try await makeRegistry([fake])
        registry.fallbacks.addFallback(primary: primary, fallback: backup)
        registry.fallbacks.setPolicy([.authentication])
        #expect(try await registry.generate(GenerationRequest(model: primary, prompt: "hi")).text == "backup")
    }

    @Test func aContextTooLongFailureFallsBackToABiggerModel() async throws {
        let tooLong = ProviderError(.contextTooLong, provider: "fake", model: "primary", status: 400, message: "maximum context length is 8192")
        let fake = ScriptedProvider(["primary": [.fail(tooLong)], "backup": [.answer("bigger window")]])
        let registry = try await makeRegistry([fake])
        registry.fallbacks.addFallback(primary: primary, fallback: backup)
        let result = try await registry.generate(GenerationRequest(model: primary, prompt: "hi"))
        #expect(result.text == "bigger window" && fake.calls("primary") == 1) // not retried: it would fail again
    }

    @Test func chainsAreFollowedTransitivelyWithoutLoops() async throws {
        let fallbacks = FallbackManager()
        let a = ModelID(provider: "p", model: "a"), b = ModelID(provider: "p", model: "b"), c = ModelID(provider: "q", model: "c")
        fallbacks.addFallback(primary: a, fallback: b)
        fallbacks.addFallback(primary: b, fallback: c)
        fallbacks.addFallback(primary: c, fallback: a)
        #expect(fallbacks.chain(for: a) == [a, b, c])
        #expect(fallbacks.chain(for: c) == [c, a, b])
    }

    @Test func aStreamThatFailsAfterTextKeepsItAndIsNeverRestarted() async throws {
        let fake = ScriptedProvider(["primary": [.failAfter("partial answer", ProviderError.overloaded("primary"))], "backup": [.answer("x")]])
        let registry = try await makeRegistry([fake])
        registry.fallbacks.addFallback(primary: primary, fallback: backup)
        var shown = ""
        await #expect(throws: ProviderError.overloaded("primary")) {
            for try await event in registry.stream(GenerationRequest(model: primary, prompt: "hi")) {
                if case .text(let delta) = event { shown += delta }
            }
        }
        #expect(shown == "partial answer")
        #expect(fake.calls("primary") == 1 && fake.calls("backup") == 0)
        let metrics = await registry.modelMetrics(provider: "fake", model: "primary")
        #expect(metrics.errors[.overloaded] == 1 && metrics.outputTokens > 0) // the partial answer is accounted
    }

    @Test func streamsAnnounceRetriesAndFallbacksBeforeAnyText() async throws {
        let fake = ScriptedProvider(["primary": [.fail(ProviderError.overloaded("primary"))], "backup": [.answer("hello there", usage: Usage(inputTokens: 3, outputTokens: 2))]])
        let registry = try await makeRegistry([fake]) { $0.retry = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(20)) }
        registry.fallbacks.addFallback(primary: primary, fallback: backup)
        var events: [GenerationEvent] = []
        for try await event in registry.stream(GenerationRequest(model: primary, prompt: "hi")) { events.append(event) }
        #expect(events.count == 10)
        #expect(events[0] == .started(model: primary, attempt: 1))
        guard case .retry(let retry) = events[1] else { Issue.record("expected a retry, got \(events[1])"); return }
        #expect(retry.attempt == 1 && retry.delay == .milliseconds(10)) // half of the 20 ms ceiling: jitter is 0.5
        #expect(events[2] == .started(model: primary, attempt: 2))
        guard case .fallback(let fallback) = events[3] else { Issue.record("expected a fallback"); return }
        #expect(fallback.from == primary && fallback.to == backup && fallback.category == .overloaded)
        #expect(events[4] == .started(model: backup, attempt: 1))
        #expect(events[5] == .text("hello") && events[6] == .text(" there"))
        #expect(events[7] == .usage(Usage(inputTokens: 3, outputTokens: 2)))
        guard case .completed(let result) = events.last else { Issue.record("expected completion"); return }
        #expect(result.text == "hello there" && result.failedAttempts.count == 2)
    }

    @Test func aFailingModelIsCooledDownAndSkippedThenProbedBack() async throws {
        let clock = TestClock<Duration>()
        let fake = ScriptedProvider(clock: AnyClock(clock), ["primary": [.fail(ProviderError.overloaded("primary"))], "backup": [.answer("backup")]])
        let registry = try await makeRegistry([fake], clock: AnyClock(clock)) {
            $0.retry = .none
            $0.breaker = CircuitBreaker.Settings(minimumRequests: 3, failureRateThreshold: 0.5, coolDown: .seconds(30), probes: 1)
        }
        registry.fallbacks.addFallback(primary: primary, fallback: backup)
        for _ in 0..<3 { _ = try await registry.generate(GenerationRequest(model: primary, prompt: "hi")) }
        #expect(fake.calls("primary") == 3)
        #expect(registry.fallbacks.isCoolingDown(primary))
        let skipped = try await registry.generate(GenerationRequest(model: primary, prompt: "hi"))
        #expect(fake.calls("primary") == 3) // not even tried
        #expect(skipped.failedAttempts.first?.message.contains("circuit breaker open") == true)
        #expect(await registry.modelMetrics(provider: "fake", model: "primary").health == .down)
        await clock.advance(by: .seconds(30))
        _ = try await registry.generate(GenerationRequest(model: primary, prompt: "hi"))
        #expect(fake.calls("primary") == 4) // probed after the cool-down
    }

    @Test func oneDeadlineCoversEveryAttemptAndFallback() async throws {
        let clock = TestClock<Duration>()
        let fake = ScriptedProvider(clock: AnyClock(clock), ["primary": [.slow(.seconds(600), "late")], "backup": [.slow(.seconds(600), "late")]])
        let registry = try await makeRegistry([fake], clock: AnyClock(clock)) { $0.timeout = .seconds(10) }
        registry.fallbacks.addFallback(primary: primary, fallback: backup)
        let request = Task { try await registry.generate(GenerationRequest(model: primary, prompt: "hi")) }
        await settle()
        await clock.advance(by: .seconds(10))
        do {
            _ = try await request.value
            Issue.record("expected a timeout")
        } catch let error as ProviderError {
            #expect(error.category == .timeout)
            #expect(error.description.contains("deadline of 10 s"))
        }
        #expect(fake.calls("backup") == 0) // no time was left to try it
    }

    @Test func theRequestsOwnFallbacksFollowTheConfiguredChain() async throws {
        let fake = ScriptedProvider(["primary": [.fail(ProviderError.overloaded("primary"))], "backup": [.answer("extra")]])
        let registry = try await makeRegistry([fake]) { $0.retry = .none }
        let result = try await registry.generate(GenerationRequest(model: primary, prompt: "hi"), options: RequestOptions(extraFallbacks: [backup]))
        #expect(result.model == backup)
    }

    @Test func aFallbackOnAnUnconfiguredProviderIsSkippedNotFatal() async throws {
        let fake = ScriptedProvider(["primary": [.fail(ProviderError.overloaded("primary"))], "backup": [.answer("second fallback")]])
        let registry = try await makeRegistry([fake]) { $0.retry = .none }
        let result = try await registry.generate(GenerationRequest(model: primary, prompt: "hi"),
                                                 options: RequestOptions(extraFallbacks: [ModelID(provider: "nowhere", model: "x"), backup]))
        #expect(result.model == backup)
        #expect(result.failedAttempts.map(\.category) == [.overloaded, .configuration])
    }
}
