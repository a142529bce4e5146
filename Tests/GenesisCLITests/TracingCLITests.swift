import Foundation
import GenesisTestSupport
import Testing

/// OpenTelemetry traces: a fake collector on loopback receives what `genesis` exports.
@Suite("OpenTelemetry traces")
struct TracingCLITests {
    func withCollector(_ body: (FakeServer) async throws -> Void) async throws {
        let collector = try await FakeServer { _ in .init(headers: [("content-type", "application/json")], chunks: [Array("{}".utf8)]) }
        do { try await body(collector) } catch { await collector.shutdown(); throw error }
        await collector.shutdown()
    }

    /// The spans of every export the collector received, from OTLP/JSON bodies.
    func spans(_ collector: FakeServer) -> [[String: Any]] {
        collector.requests.filter { $0.uri == "/v1/traces" }.flatMap { request -> [[String: Any]] in
            let json = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
            return (json?["resourceSpans"] as? [[String: Any]] ?? []).flatMap { ($0["scopeSpans"] as? [[String: Any]] ?? []) }
                .flatMap { $0["spans"] as? [[String: Any]] ?? [] }
        }
    }

    func attributes(_ span: [String: Any]) -> [String: Any] {
        Dictionary((span["attributes"] as? [[String: Any]] ?? []).compactMap { attribute -> (String, Any)? in
            guard let key = attribute["key"] as? String, let value = (attribute["value"] as? [String: Any])?.values.first else { return nil }
            return (key, value)
        }, uniquingKeysWith: { $1 })
    }

    @Test("--otel-endpoint exports a span per request in OTLP protobuf, flushed before the command exits")
    func protobufByDefault() async throws {
        try await withCollector { collector in
            let result = try await CLI.run(["ask", "-m", "sim:fast", "--no-history", "--otel-endpoint", collector.baseURL, "hi"],
                                           environment: ["GENESIS_SIM_SPEED": "20", "OTEL_EXPORTER_OTLP_TIMEOUT": "30000", "OTEL_BSP_EXPORT_TIMEOUT": "30000"])
            #expect(result.status == 0, "\(result.stderr)")
            let export = try #require(collector.requests.first { $0.uri == "/v1/traces" })
            #expect(export.method == "POST" && export.header("content-type") == "application/x-protobuf")
            let body = String(decoding: export.body, as: UTF8.self)
            #expect(body.contains("chat fast") && body.contains("gen_ai.usage.output_tokens") && body.contains("genesis"))
        }
    }

    @Test("the standard variables name the collector; a span carries the GenAI attributes, a failure its error type")
    func jsonFromTheEnvironment() async throws {
        try await withCollector { collector in
            // Export timeouts of 30 s, not 5: a full parallel test run on two cores has kept the
            // collector from answering in time, and a span that times out is dropped.
            let environment = ["OTEL_EXPORTER_OTLP_ENDPOINT": collector.baseURL, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                               "OTEL_EXPORTER_OTLP_TIMEOUT": "30000", "OTEL_BSP_EXPORT_TIMEOUT": "30000", "GENESIS_SIM_SPEED": "20"]
            let answer = try #require(try await CLI.run(["ask", "-m", "sim:fast", "--no-history", "--max-tokens", "7", "--json", "hi"],
                                                         environment: environment).json)
            let span = try #require(spans(collector).first)
            #expect(span["name"] as? String == "chat fast" && span["kind"] as? Int == 3) // SPAN_KIND_CLIENT
            let values = attributes(span)
            #expect(values["gen_ai.operation.name"] as? String == "chat" && values["gen_ai.provider.name"] as? String == "sim")
            #expect(values["gen_ai.request.model"] as? String == "fast" && values["gen_ai.request.max_tokens"] as? String == "7")
            let usage = try #require(answer["usage"] as? [String: Any])
            #expect(values["gen_ai.usage.output_tokens"] as? String == "\(usage["output_tokens"] as? Int ?? -1)")
            #expect((values["genesis.served_by"] as? String) == "sim:fast")

            let failed = try await CLI.run(["ask", "-m", "sim:no-such-model", "--no-history", "--retries", "0", "hi"], environment: environment)
            #expect(failed.status != 0)
            let failure = try #require(spans(collector).first { $0["name"] as? String == "chat no-such-model" })
            #expect(attributes(failure)["error.type"] as? String == "model_not_found")
            #expect((failure["status"] as? [String: Any])?["code"] as? Int == 2) // STATUS_CODE_ERROR
        }
    }

    @Test("an endpoint that is not a URL is refused before anything runs")
    func badEndpoint() async throws {
        let result = try await CLI.run(["ask", "-m", "sim:fast", "--otel-endpoint", "collector:4318", "hi"])
        #expect(result.status == 2 && result.stderr.contains("--otel-endpoint") && result.stderr.contains("http://127.0.0.1:4318"))
    }
}
