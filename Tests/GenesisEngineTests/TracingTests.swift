import GenesisEngine
import InMemoryTracing
import Testing
import Tracing

/// Each request is one client span, named and labelled after OpenTelemetry's GenAI conventions.
@Suite("Request spans")
struct TracingTests {
    @Test("a request is a client span with GenAI attributes, ended before its completion is announced")
    func spanPerRequest() async throws {
        let tracer = InMemoryTracer()
        let fake = ScriptedProvider(["m": [.answer("hello there", usage: Usage(inputTokens: 3, outputTokens: 2))]])
        let registry = try await makeRegistry([fake])
        var endedBeforeCompletion = false
        try await withTracer(tracer) {
            let request = GenerationRequest(model: "fake:m", prompt: "hi", parameters: GenerationParameters(maxTokens: 50, temperature: 0.2))
            for try await event in registry.stream(request) {
                // A caller that exits on completion (a CLI run flushing its traces) must find the span ended.
                if case .completed = event { endedBeforeCompletion = tracer.finishedSpans.count == 1 }
            }
        }
        #expect(endedBeforeCompletion)
        let span = try #require(tracer.finishedSpans.first)
        #expect(span.operationName == "chat m" && span.kind == .client)
        #expect(span.attributes.get("gen_ai.operation.name") == .string("chat") && span.attributes.get("gen_ai.provider.name") == .string("fake"))
        #expect(span.attributes.get("gen_ai.request.model") == .string("m") && span.attributes.get("gen_ai.request.max_tokens") == .int64(50))
        #expect(span.attributes.get("gen_ai.usage.input_tokens") == .int64(3) && span.attributes.get("gen_ai.usage.output_tokens") == .int64(2))
        #expect(span.attributes.get("gen_ai.response.finish_reasons") == .stringArray(["stop"]))
        #expect(span.attributes.get("genesis.served_by") == .string("fake:m") && span.attributes.get("genesis.streaming") == .bool(true))
        #expect(span.status == nil || span.status?.code != .error)
    }

    @Test("a failed request's span has status error, its error type and the exception; retries are events")
    func failedRequest() async throws {
        let tracer = InMemoryTracer()
        let registry = try await makeRegistry([ScriptedProvider([:])]) // knows no model
        await withTracer(tracer) {
            _ = try? await registry.generate(GenerationRequest(model: "fake:missing", prompt: "hi"))
        }
        let span = try #require(tracer.finishedSpans.first)
        #expect(span.operationName == "chat missing" && span.status?.code == .error)
        #expect(span.attributes.get("error.type") == .string("model_not_found"))
        #expect(!span.errors.isEmpty)
    }
}
