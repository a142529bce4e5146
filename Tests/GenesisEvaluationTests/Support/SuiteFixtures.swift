import Foundation
import Testing
import GenesisEngine
@testable import GenesisEvaluation

/// The fixture corpus: suites in promptfoo's format, written from its documentation.
enum SuiteFixtures {
    // The test bundle is built with its Fixtures folder; without it nothing here can run.
    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func load(_ name: String, scripts: ScriptSettings = .fromEnvironment) throws -> EvaluationSuite {
        try SuiteLoader.load(file: path(name), scripts: scripts)
    }

    /// A registry whose model `fixed:answer` always answers `text`.
    static func registry(answering text: String) async throws -> ModelRegistry {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "fixed", provider: ScriptProvider(name: "fixed") { _, _ in text })
        return registry
    }

    /// A registry whose provider `record` answers "ok" and keeps every request's messages.
    static func recording() async throws -> (ModelRegistry, RecordingProvider) {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let registry = ModelRegistry(configuration: configuration)
        let recorder = RecordingProvider()
        try await registry.addProvider(name: "record", provider: recorder)
        return (registry, recorder)
    }

    /// Each case's verdict, by test description, on the model `fixed:answer`.
    static func verdicts(_ suite: EvaluationSuite, answer: String, scripts: ScriptSettings = .fromEnvironment) async throws -> [String: Bool] {
        let registry = try await registry(answering: answer)
        let report = await ModelEvaluator(registry: registry, scripts: scripts).run(suite, models: ["fixed:answer"])
        return Dictionary(report.models[0].cases.map { ($0.test.description ?? $0.name, $0.passed) }, uniquingKeysWith: { $0 && $1 })
    }

    /// Why `yaml` is refused, or nil (and an issue recorded) when it loads.
    static func refusal(_ yaml: String) -> SuiteError? {
        do {
            _ = try SuiteLoader.parse(yaml)
            Issue.record("loaded: \(yaml)")
            return nil
        } catch {
            return error
        }
    }
}
