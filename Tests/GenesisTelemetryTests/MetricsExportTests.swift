import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GenesisEngine
import GenesisTelemetry
import Testing

@Suite("Prometheus metrics export")
struct MetricsExportTests {
    func engine() async throws -> (ModelRegistry, MetricsExporter) {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        configuration.prices.set(ModelPrice(provider: "sim", model: "deep", inputPerMillion: 1_000, outputPerMillion: 1_000))
        let exporter = MetricsExporter()
        let registry = ModelRegistry(configuration: configuration, ledger: ObservedLedger(ledger: nil, exporter: exporter))
        exporter.attach(registry)
        return (registry, exporter)
    }

    @Test("requests, errors, latency and TTFT histograms, tokens and cost appear with provider and model labels")
    func exposition() async throws {
        let (registry, exporter) = try await engine()
        _ = try await registry.generateText(provider: "sim", model: "deep", prompt: "hello there", maxTokens: 20)
        for try await _ in registry.streamGenerate(provider: "sim", model: "deep", prompt: "stream it", maxTokens: 10) {}
        _ = try? await registry.generateText(provider: "sim", model: "missing", prompt: "hi")
        let text = await exporter.render()
        #expect(text.contains(#"genesis_requests_total{provider="sim",model="deep",outcome="ok"} 2"#), "\(text)")
        #expect(text.contains(#"genesis_errors_total{provider="sim",model="missing",type="model_not_found"} 1"#))
        #expect(text.contains(#"genesis_request_duration_seconds_count{provider="sim",model="deep"} 2"#))
        #expect(text.contains(#"genesis_time_to_first_token_seconds_count{provider="sim",model="deep"} 1"#))
        #expect(text.contains(#"genesis_tokens_total{provider="sim",model="deep",direction="output"} 30"#))
        #expect(text.contains(#"genesis_cost_dollars_total{provider="sim",model="deep"}"#))
        #expect(text.contains(#"genesis_rate_limit_headroom_requests{provider="sim"} 57"#)) // 60 rpm, 3 used
        #expect(text.contains(#"genesis_provider_health_ratio{provider="sim"}"#))
        #expect(text.contains("# TYPE genesis_request_duration_seconds histogram"))
    }

    @Test("the server answers GET /metrics on 127.0.0.1 only, and 404 elsewhere")
    func server() async throws {
        let (registry, exporter) = try await engine()
        _ = try await registry.generateText(provider: "sim", model: "fast", prompt: "hi")
        let server = try await MetricsServer.start(port: 0, exporter: exporter)
        defer { Task { await server.stop() } }
        #expect(server.port > 0)
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(server.port)/metrics")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(String(decoding: data, as: UTF8.self).contains(#"genesis_requests_total{provider="sim",model="fast",outcome="ok"} 1"#))
        let (_, missing) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(server.port)/")!)
        #expect((missing as? HTTPURLResponse)?.statusCode == 404)
    }
}
