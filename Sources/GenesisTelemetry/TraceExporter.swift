import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// OpenTelemetry traces of every request, sent to a collector over OTLP/HTTP (swift-otel): one
/// span per request (`chat MODEL`, GenAI attributes), batched and flushed at the end.
///
/// Started once per process, and only when a collector is named, by the caller or by the
/// standard `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` variables (the
/// other `OTEL_*` settings, such as `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` or headers, apply too).
/// Logging and metrics stay Genesis's own: only the tracer is bootstrapped.
public final class TraceExporter: Sendable {
    private let group: ServiceGroup
    private let runner: Task<Void, Never>

    private static let started = Mutex(false)

    /// Whether `environment` names a collector.
    public static func isConfigured(endpoint: String?, environment: [String: String]) -> Bool {
        endpoint != nil || ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"].contains { !(environment[$0] ?? "").isEmpty }
    }

    /// Starts exporting to `endpoint` (a collector's base URL, e.g. `http://127.0.0.1:4318`;
    /// `/v1/traces` is added) or to what the environment names. Nil when neither names one,
    /// or when tracing was started already in this process.
    public static func start(endpoint: String?, environment: [String: String], serviceVersion: String,
                             logger: Logger) async throws -> TraceExporter? {
        guard isConfigured(endpoint: endpoint, environment: environment) else { return nil }
        guard started.withLock({ started in defer { started = true }; return !started }) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "genesis"
        configuration.resourceAttributes = ["service.version": serviceVersion]
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        if let endpoint {
            let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            configuration.traces.otlpExporter.endpoint = base.hasSuffix("/v1/traces") ? base : base + "/v1/traces"
        }
        configuration.traces.otlpExporter.timeout = .seconds(5)
        // A CLI run lasts seconds: export every second, and all that is left at the end.
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        configuration.traces.batchSpanProcessor.exportTimeout = .seconds(5)
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        let exporter = TraceExporter(service: backend.service, logger: logger)
        // A short command can end before the group has started; a shutdown asked of a group that
        // is not running yet finishes it without running its services, and the spans are lost.
        await exporter.running.wait()
        return exporter
    }

    private let running: Running

    private init(service: some Service, logger: Logger) {
        let running = Running()
        let group = ServiceGroup(services: [service, running], gracefulShutdownSignals: [], logger: logger)
        self.group = group
        self.running = running
        runner = Task { try? await group.run() }
    }

    /// A service that only says the group is running, then waits for the shutdown.
    private final class Running: Service, Sendable {
        private let (started, signal) = AsyncStream<Void>.makeStream()

        func run() async throws {
            signal.finish()
            try? await gracefulShutdown()
        }

        func wait() async {
            for await _ in started {}
        }
    }

    /// Sends every span still queued, then stops (call before the process exits).
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        await runner.value
    }
}
