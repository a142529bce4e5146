import Clocks
@testable import GenesisEngine
import Testing

@Suite("Simulated provider")
struct SimulatedProviderTests {
    let sim = SimulatedProvider(speed: 0)

    func request(_ model: String = "balanced", prompt: String = "Explain circuit breakers in distributed systems",
                 _ parameters: GenerationParameters = .init(temperature: 0)) -> ProviderRequest {
        ProviderRequest(model: model, messages: [.user(prompt)], parameters: parameters)
    }

    func request(_ parameters: GenerationParameters) -> ProviderRequest {
        request("balanced", prompt: "Explain circuit breakers in distributed systems", parameters)
    }

    @Test func itAnswersFromThePromptsOwnWordsInMarkdown() async throws {
        let answer = try await sim.generate(request("deep")).text
        #expect(answer.contains("circuit"))
        #expect(answer.contains("## "))
        #expect(answer.contains("- **"))
        #expect(answer.contains("```swift"))
    }

    @Test func temperatureZeroIgnoresTheSeed() async throws {
        let a = try await sim.generate(request(.init(temperature: 0, seed: 1))).text
        let b = try await sim.generate(request(.init(temperature: 0, seed: 2))).text
        #expect(a == b)
    }

    @Test func aSeedRepeatsItsAnswerAndAnotherSeedVaries() async throws {
        let a = try await sim.generate(request(.init(temperature: 1, seed: 7))).text
        let again = try await sim.generate(request(.init(temperature: 1, seed: 7))).text
        let other = try await sim.generate(request(.init(temperature: 1, seed: 8))).text
        #expect(a == again && a != other)
    }

    @Test func maxTokensCutsTheAnswerWithFinishReasonLength() async throws {
        let response = try await sim.generate(request(.init(maxTokens: 7, temperature: 0)))
        #expect(response.finishReason == .length)
        #expect(response.usage?.outputTokens == 7)
    }

    @Test func aStopSequenceEndsTheAnswerBeforeIt() async throws {
        let full = try await sim.generate(request()).text
        let stop = "##"
        let stopped = try await sim.generate(request(.init(temperature: 0, stopSequences: [stop])))
        #expect(!stopped.text.contains(stop) && full.hasPrefix(stopped.text) && stopped.finishReason == .stop)
    }

    @Test func streamedTextAndUsageMatchTheWholeAnswer() async throws {
        let whole = try await sim.generate(request())
        var text = "", deltas = 0, usage: Usage?, finish: FinishReason?
        for try await event in try await sim.stream(request()) {
            switch event {
            case .text(let t): text += t; deltas += 1
            case .usage(let u): usage = u
            case .finish(let f, _): finish = f
            default: break
            }
        }
        #expect(text == whole.text)
        #expect(usage == whole.usage && usage?.outputTokens == deltas && usage?.isEstimated == false)
        #expect(finish == .stop)
    }

    @Test func wideCharactersSurviveTokenisation() async throws {
        var found = false
        for word in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa"] {
            let text = try await sim.generate(request("balanced", prompt: "Tell me about \(word) testing and release engineering")).text
            if text.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation || ("\u{3040}"..."\u{30FF}").contains($0) }) { found = true }
        }
        #expect(found)
    }

    @Test func anUnknownModelIsNotFoundWithTheModelsItKnows() async throws {
        do {
            _ = try await sim.generate(request("gpt-17"))
            Issue.record("expected ModelNotFoundError")
        } catch let error as ModelNotFoundError {
            #expect(error.model == "gpt-17" && error.available.contains("balanced"))
        }
    }

    @Test func theTinyModelRefusesAPromptOverItsContextWindow() async throws {
        let long = String(repeating: "token bucket ", count: 1000)
        await #expect(throws: ProviderError.self) { try await sim.generate(request("tiny", prompt: long)) }
        do { _ = try await sim.generate(request("tiny", prompt: long)) } catch let error as ProviderError {
            #expect(error.category == .contextTooLong && error.status == 400)
        }
    }

    @Test func theFlakyModelFailsSometimesAndSucceedsSometimes() async throws {
        var outcomes: [String: Int] = [:]
        for i in 0..<60 {
            do {
                var text = ""
                for try await event in try await sim.stream(request("flaky", prompt: "question \(i)")) { if case .text(let t) = event { text += t } }
                outcomes["ok", default: 0] += 1
            } catch let error as RateLimitError {
                #expect(error.retryAfter == .seconds(1) && error.status == 429)
                outcomes["429", default: 0] += 1
            } catch let error as ProviderError {
                outcomes[error.category.rawValue, default: 0] += 1
            }
        }
        #expect(outcomes["ok", default: 0] > 20)
        #expect(outcomes["429", default: 0] > 0 && outcomes["overloaded_error", default: 0] > 0 && outcomes["broken_stream", default: 0] > 0)
    }

    @Test func itTakesItsTimeOnTheClockItIsGiven() async throws {
        let clock = ImmediateClock<Duration>()
        let timed = SimulatedProvider(speed: 1, clock: AnyClock(clock))
        let start = clock.now
        let response = try await timed.generate(request("fast", .init(maxTokens: 16, temperature: 0)))
        let expected = Duration.milliseconds(120) + .seconds(1) / 160 * 16
        #expect(start.duration(to: clock.now) == expected && response.usage?.outputTokens == 16)
    }

    @Test func everyModelIsListedAsSimulated() async throws {
        let models = try await sim.listModels()
        #expect(models.map(\.id.model) == ["fast", "balanced", "deep", "flaky", "tiny", "thinker", "echo"])
        #expect(models.allSatisfy { $0.isSimulated && $0.summary?.hasPrefix("simulated") == true })
        #expect(sim.isSimulated)
    }

    @Test func theThinkerStreamsItsReasoningBeforeItsAnswerAndCountsItInItsUsage() async throws {
        var reasoning = "", text = "", usage: Usage?, reasoningAfterText = false
        for try await event in try await sim.stream(request("thinker")) {
            switch event {
            case .reasoning(let delta): reasoning += delta; reasoningAfterText = reasoningAfterText || !text.isEmpty
            case .text(let delta): text += delta
            case .usage(let reported): usage = reported
            default: break
            }
        }
        #expect(reasoning.contains("circuit") && !reasoningAfterText, "reasoning from the prompt's words, all of it first: \(reasoning)")
        #expect(!text.contains(reasoning) && text.contains("circuit"))
        let whole = try await sim.generate(request("thinker"))
        #expect(whole.reasoning == reasoning && whole.text == text, "streamed and whole answers agree")
        let tokens = try #require(usage?.reasoningTokens)
        #expect(tokens == SimulatedTokenizer.count(reasoning) && usage?.outputTokens == tokens + SimulatedTokenizer.count(text))
    }

    @Test(arguments: [(ReasoningLevel.off, 0.0), (.low, 0.5), (.high, 2.0)])
    func theThinkerThinksAsLongAsTheReasoningLevelAsks(level: ReasoningLevel, scale: Double) async throws {
        let usual = try #require(try await sim.generate(request("thinker")).usage?.reasoningTokens)
        let response = try await sim.generate(request("thinker", .init(temperature: 0, reasoning: level)))
        let tokens = try #require(response.usage?.reasoningTokens)
        // Whole sentences, so a little more or less than the planned share.
        #expect(abs(Double(tokens) - Double(usual) * scale) <= Double(usual) * scale * 0.25, "about \(scale) times \(usual), got \(tokens)")
        #expect(response.reasoning.isEmpty == (level == .off) && !response.text.isEmpty)
    }

    @Test func modelsThatDoNotReasonReportNoReasoning() async throws {
        let response = try await sim.generate(request("balanced"))
        #expect(response.reasoning.isEmpty && response.usage?.reasoningTokens == nil)
    }

    @Test(arguments: [nil, Duration.milliseconds(50)])
    func withReadPacingTokensComeInBurstsAtTheSameRate(pacing: Duration?) async throws {
        let clock = AnyClock(ImmediateClock<Duration>())
        let interval = Duration.seconds(1) / 90
        let start = clock.now
        var schedule = SimulatedProvider.TokenSchedule(clock: clock, interval: interval, pacing: pacing.map { ($0, start) })
        var times: [Duration] = []
        for _ in 0...90 {
            try await schedule.waitForNext()
            times.append(start.duration(to: clock.now))
        }
        for (k, time) in times.enumerated() {
            #expect(time >= interval * k && time < interval * k + (pacing ?? .milliseconds(1)), "token \(k) at \(time)")
        }
        // Unpaced, a wake-up per token; paced, one per 50 ms tick (0, 50, ... 1000 ms), the ticks
        // every stream of the provider shares.
        #expect(Set(times).count == (pacing == nil ? 91 : 21))
        if let pacing { #expect(times.allSatisfy { ($0 / pacing).rounded() == $0 / pacing }) }
    }
}
