import Tracing

/// A span per request, named and labelled after OpenTelemetry's GenAI conventions
/// (`chat gpt-4o`, `gen_ai.*` attributes), with Genesis's own figures under `genesis.*`.
/// Without a tracer bootstrapped (the default) this is a no-op span.
extension ModelRegistry {
    func traced(_ request: GenerationRequest, streaming: Bool,
                            _ body: () async throws -> GenerationResult) async throws -> GenerationResult {
        // Without a tracer there is nothing to record: no span, no context to carry.
        let tracer = InstrumentationSystem.tracer
        if tracer is NoOpTracer { return try await body() }
        return try await tracer.withSpan("chat \(request.model.model)", ofKind: .client) { span in
            if span.isRecording { Self.describe(request, streaming: streaming, on: span) }
            do {
                let result = try await body()
                if span.isRecording { Self.describe(result, on: span) }
                return result
            } catch {
                if span.isRecording { span.attributes["error.type"] = (error as? any GenesisError)?.category.rawValue ?? "\(type(of: error))" }
                throw error
            }
        }
    }

    static func describe(_ request: GenerationRequest, streaming: Bool, on span: any Span) {
        span.updateAttributes { attributes in
            attributes["gen_ai.operation.name"] = "chat"
            attributes["gen_ai.provider.name"] = request.model.provider
            attributes["gen_ai.request.model"] = request.model.model
            if let maxTokens = request.parameters.maxTokens { attributes["gen_ai.request.max_tokens"] = maxTokens }
            if let temperature = request.parameters.temperature { attributes["gen_ai.request.temperature"] = temperature }
            if let topP = request.parameters.topP { attributes["gen_ai.request.top_p"] = topP }
            if !request.parameters.stopSequences.isEmpty { attributes["gen_ai.request.stop_sequences"] = request.parameters.stopSequences }
            attributes["genesis.streaming"] = streaming
        }
    }

    static func describe(_ result: GenerationResult, on span: any Span) {
        span.updateAttributes { attributes in
            attributes["gen_ai.response.model"] = result.servedVersion ?? result.model.model
            attributes["gen_ai.response.finish_reasons"] = [result.finishReason.rawValue]
            attributes["gen_ai.usage.input_tokens"] = result.usage.inputTokens
            attributes["gen_ai.usage.output_tokens"] = result.usage.outputTokens
            attributes["genesis.served_by"] = result.model.description
            attributes["genesis.cached"] = result.isCached
            attributes["genesis.simulated"] = result.isSimulated
            attributes["genesis.failed_attempts"] = result.failedAttempts.count
            attributes["genesis.latency_ms"] = result.latency.milliseconds
            if let ttft = result.timeToFirstToken { attributes["genesis.time_to_first_token_ms"] = ttft.milliseconds }
            if result.queueWait > .zero { attributes["genesis.rate_limit_wait_ms"] = result.queueWait.milliseconds }
            if let cost = result.cost { attributes["genesis.cost_usd"] = cost.dollars }
        }
        for failure in result.failedAttempts {
            span.addEvent(SpanEvent(name: "attempt failed", attributes: [
                "genesis.model": .string(failure.model.description), "genesis.attempt": .int64(Int64(failure.attempt)),
                "error.type": .string(failure.category.rawValue),
            ]))
        }
    }
}
