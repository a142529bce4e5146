import Foundation
import GenesisEngine

/// One conformance check's outcome.
public struct ConformanceCheck: Sendable, Hashable {
    public var name: String
    public var passed: Bool
    public var duration: Duration
    public var detail: String
}

public struct ConformanceReport: Sendable, Hashable {
    public var model: ModelID
    public var checks: [ConformanceCheck]
    /// True only when every check passed.
    public var success: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }
}

/// A conformance run against a configured provider (the seed's `ModelTester`): does it list
/// models, answer whole and streamed with the same shape, report usage, stop at max tokens with
/// `length`, honour a stop sequence, and say "model not found" for a model that does not exist?
public struct ModelTester: Sendable {
    public let registry: ModelRegistry

    public init(registry: ModelRegistry) {
        self.registry = registry
    }

    static let options = RequestOptions(maxAttempts: 2, useFallbacks: false, cachePolicy: .never)

    public func runIntegrationTests(provider: String, model: String) async -> ConformanceReport {
        let id = ModelID(provider: provider, model: model)
        var checks: [ConformanceCheck] = []
        let clock = ContinuousClock()
        func check(_ name: String, _ body: () async throws -> (Bool, String)) async {
            let start = clock.now
            do {
                let (passed, detail) = try await body()
                checks.append(ConformanceCheck(name: name, passed: passed, duration: clock.now - start, detail: detail))
            } catch {
                checks.append(ConformanceCheck(name: name, passed: false, duration: clock.now - start, detail: "\(error)"))
            }
        }
        let greeting = GenerationRequest(model: id, prompt: "Reply with a short friendly greeting.",
                                         parameters: GenerationParameters(maxTokens: 64, temperature: 0))
        var whole: GenerationResult?
        var streamed: (deltas: String, result: GenerationResult)?

        await check("lists models") {
            let models = try await registry.listModels(provider: provider)
            guard !models.isEmpty else { return (false, "the model list is empty") }
            let listed = models.contains { $0.id.model == model }
            return (true, "\(models.count) model(s)" + (listed ? ", \(model) among them" : "; \(model) is not listed (an alias or a private model may still work)"))
        }
        await check("answers whole") {
            let result = try await registry.generate(greeting, options: Self.options)
            whole = result
            guard !result.text.isEmpty else { return (false, "the answer is empty") }
            return (true, "\(result.text.count) characters, finish \(result.finishReason.rawValue), \(result.latency.milliseconds) ms")
        }
        await check("answers streamed") {
            var deltas = "", count = 0
            var completed: GenerationResult?
            for try await event in registry.stream(greeting, options: Self.options) {
                if case .text(let delta) = event { deltas += delta; count += 1 }
                if case .completed(let result) = event { completed = result }
            }
            guard let completed else { return (false, "the stream ended without completing") }
            streamed = (deltas, completed)
            guard count > 0 else { return (false, "no text deltas arrived") }
            return (true, "\(count) deltas, TTFT \(completed.timeToFirstToken?.milliseconds ?? 0) ms")
        }
        await check("streamed has the shape of whole") {
            guard let whole, let streamed else { return (false, "needs both answers") }
            var problems: [String] = []
            if streamed.deltas != streamed.result.text { problems.append("the deltas do not add up to the streamed answer's text") }
            if streamed.result.text.isEmpty != whole.text.isEmpty { problems.append("one answer is empty, the other is not") }
            if streamed.result.finishReason != whole.finishReason {
                problems.append("finish reasons differ: streamed \(streamed.result.finishReason.rawValue), whole \(whole.finishReason.rawValue)")
            }
            if whole.rawFinishReason != nil, streamed.result.rawFinishReason == nil { problems.append("the stream never said why it ended (no finish reason)") }
            if streamed.result.usage.isEstimated != whole.usage.isEstimated { problems.append("usage is reported for one and estimated for the other") }
            return problems.isEmpty ? (true, "same finish reason, deltas add up, usage reported alike") : (false, problems.joined(separator: "; "))
        }
        await check("usage reported") {
            let results = [whole, streamed?.result].compactMap { $0 }
            guard !results.isEmpty else { return (false, "no answer to look at") }
            if let estimated = results.first(where: { $0.usage.isEstimated }) {
                return (false, "the provider reported no usage for the \(estimated.timeToFirstToken == nil ? "whole" : "streamed") answer; Genesis estimated it")
            }
            guard results.allSatisfy({ $0.usage.inputTokens > 0 && $0.usage.outputTokens > 0 }) else { return (false, "zero tokens reported") }
            return (true, results.map { "\($0.usage.inputTokens) in / \($0.usage.outputTokens) out" }.joined(separator: ", "))
        }
        await check("max tokens gives finish reason length") {
            let request = GenerationRequest(model: id, prompt: "Write a 300-word story about a lighthouse keeper.",
                                            parameters: GenerationParameters(maxTokens: 5, temperature: 0))
            let result = try await registry.generate(request, options: Self.options)
            guard result.finishReason == .length else { return (false, "finish reason \(result.finishReason.rawValue), expected length") }
            if !result.usage.isEstimated, result.usage.outputTokens > 5 { return (false, "\(result.usage.outputTokens) output tokens for a limit of 5") }
            return (true, "length after \(result.usage.outputTokens) tokens")
        }
        await check("stop sequence stops") {
            let request = GenerationRequest(model: id, prompt: "Write the word lighthouse three times, then explain what a lighthouse is.",
                                            parameters: GenerationParameters(maxTokens: 200, temperature: 0, stopSequences: ["lighthouse"]))
            let result = try await registry.generate(request, options: Self.options)
            guard !result.text.lowercased().contains("lighthouse") else { return (false, "the answer goes on past the stop sequence") }
            guard result.finishReason == .stop else { return (false, "finish reason \(result.finishReason.rawValue), expected stop") }
            return (true, "stopped after \(result.text.count) characters")
        }
        await check("unknown model is model-not-found") {
            let missing = GenerationRequest(model: ModelID(provider: provider, model: "genesis-no-such-model-\(UInt32.random(in: 1000...9999))"),
                                            prompt: "hi", parameters: GenerationParameters(maxTokens: 5))
            do {
                _ = try await registry.generate(missing, options: RequestOptions(maxAttempts: 1, useFallbacks: false, cachePolicy: .never))
                return (false, "the provider answered for a model that does not exist")
            } catch let error as ModelNotFoundError {
                return (true, "HTTP \(error.status.map(String.init) ?? "-"): model not found")
            } catch let error as any GenesisError {
                return (false, "got \(error.category.rawValue) instead of model_not_found: \(error)")
            }
        }
        return ConformanceReport(model: id, checks: checks)
    }
}
