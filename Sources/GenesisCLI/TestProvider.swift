import ArgumentParser
import Foundation
import GenesisEngine
import GenesisEvaluation

/// `genesis test-provider P:M`: the conformance checks against a configured provider.
struct TestProvider: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-provider",
        abstract: "Check that a provider behaves as Genesis expects: models, whole and streamed answers, usage, max tokens, stop sequences, unknown models.",
        discussion: "Exits 0 when every check passed, 1 otherwise. The requests are real (and cost a few tokens) on a real provider.")

    @Argument(help: ArgumentHelp("The provider and a model to test with.", valueName: "provider:model"))
    var model: ModelID

    @Flag(name: .long, help: "Print {\"success\", \"provider\", \"model\", \"checks\": [{\"name\", \"passed\", \"ms\", \"detail\"}]}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let (registry, _) = try await global.makeEngine()
        let report = await ModelTester(registry: registry).runIntegrationTests(provider: model.provider, model: model.model)
        if json {
            try Terminal.out(AnswerJSON.render([
                "success": .bool(report.success), "provider": .string(model.provider), "model": .string(model.model),
                "checks": .array(report.checks.map {
                    ["name": .string($0.name), "passed": .bool($0.passed), "ms": .integer($0.duration.milliseconds), "detail": .string($0.detail)]
                }),
            ]) + "\n")
        } else {
            for check in report.checks {
                try Terminal.out("\(check.passed ? "pass" : "FAIL")  \(check.name.padding(toLength: 38, withPad: " ", startingAt: 0)) \(EvaluationReport.milliseconds(check.duration.milliseconds).padding(toLength: 8, withPad: " ", startingAt: 0)) \(check.detail)\n")
            }
            try Terminal.out(report.success ? "\(model): all \(report.checks.count) checks passed\n"
                                        : "\(model): \(report.checks.filter { !$0.passed }.count) of \(report.checks.count) checks failed\n")
        }
        if !report.success { throw ExitCode(1) }
    }
}
