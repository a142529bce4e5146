import ArgumentParser
import Synchronization
import Foundation
import GenesisEngine
import GenesisTelemetry

/// The process's trace exporter, when a collector is named; flushed before `genesis` exits.
enum TraceExport {
    private static let exporter = Mutex<TraceExporter?>(nil)

    static func started(_ new: TraceExporter) { exporter.withLock { $0 = new } }

    /// Sends what is queued and stops; a no-op without tracing.
    static func finish() async {
        guard let running = exporter.withLock({ current -> TraceExporter? in defer { current = nil }; return current }) else { return }
        await running.shutdown()
    }
}

extension GlobalOptions {
    /// Starts exporting traces when --otel-endpoint or OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT names a collector.
    func startTracing(_ configuration: GenesisConfiguration, keys: ProviderKeys) async throws {
        if let otelEndpoint {
            guard let url = URL(string: otelEndpoint), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--otel-endpoint \"\(otelEndpoint)\" is not an http(s) URL; write e.g. http://127.0.0.1:4318")
            }
        }
        do {
            if let exporter = try await TraceExporter.start(endpoint: otelEndpoint, environment: ProcessInfo.processInfo.environment,
                                                      serviceVersion: GenesisVersion.current, logger: logger(configuration, keys: keys)) {
                TraceExport.started(exporter)
            }
        } catch {
            throw ValidationError("OpenTelemetry tracing could not start: \(error); check the OTEL_* variables")
        }
    }
}
