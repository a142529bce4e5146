import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Testing

/// The matrix: rows name their prompt so several can be told apart; named metrics add rows.
@Suite("Evaluation matrix")
struct ReportTests {
    @Test("rows of several unlabelled prompts name each by its first words, kept when the row is cut; named metrics get a row each")
    func promptsAndMetrics() async throws {
        let suite = try SuiteFixtures.load("report/metrics.yaml")
        let registry = try await SuiteFixtures.registry(answering: "Le chat")
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        let cases = report.models[0].cases
        #expect(cases.map(\.name) == ["#1 word=cat [Translate to French, in one wor…]", "#2 word=dog [Translate to French, in one wor…]",
                                      "#1 word=cat [Give the French for {{word}}, a…]", "#2 word=dog [Give the French for {{word}}, a…]"])
        #expect(report.models[0].metrics == [MetricSummary(name: "accuracy", score: 0.5, passed: 2, total: 4),
                                             MetricSummary(name: "brevity", score: 1, passed: 2, total: 2)])
        let lines = report.matrix().split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("metric accuracy") && $0.contains("0.50 2/4") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("metric brevity") && $0.contains("1.00 2/2") })
        // Cut to the column, a row keeps its prompt's part.
        let cut = EvaluationReport.rowName(cases[2], width: 24)
        #expect(cut == "#1 word=… [Give the Fr…]", "\(cut)")
    }

    @Test("one unlabelled prompt needs no name; a labelled one keeps its label")
    func singlePrompt() async throws {
        let registry = try await SuiteFixtures.registry(answering: "ok")
        let plain = try SuiteLoader.parse("prompts: [\"Say {{x}}\"]\ntests: [{vars: {x: a}}]")
        #expect(await ModelEvaluator(registry: registry).run(plain, models: ["fixed:answer"]).models[0].cases[0].name == "#1 x=a")
        let labelled = try SuiteLoader.parse("prompts: [{raw: \"Say {{x}}\", label: terse}]\ntests: [{vars: {x: a}}]")
        #expect(await ModelEvaluator(registry: registry).run(labelled, models: ["fixed:answer"]).models[0].cases[0].name == "#1 x=a [terse]")
    }

    @Test("derived metrics are computed from the named metrics' sums, in order, and shown under the matrix")
    func derivedMetrics() async throws {
        let suite = try SuiteFixtures.load("report/derived.yaml")
        let registry = try await SuiteFixtures.registry(answering: "Positive")
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        let derived = report.models[0].derived(report.derivedMetrics)
        #expect(derived.map(\.name) == ["accuracy", "odds_squared", "accuracy_percent"])
        #expect(derived.compactMap(\.value).map { ($0 * 1000).rounded() / 1000 } == [0.667, 4, 66.667])
        let lines = report.matrix().split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("derived accuracy ") && $0.contains("0.6667") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("derived odds_squared") && $0.contains("4") })
    }

    @Test("derived metrics that cannot be computed are refused when the suite loads, by name", arguments: [
        ("[{name: ratio, value: correct / missing}]", "it uses missing, which is not a metric"),
        ("[{name: f, value: \"(namedScores) => namedScores.correct\"}]", "JavaScript functions are not supported"),
        ("[{name: f, value: file://metric.js}]", "JavaScript functions are not supported"),
        ("[{value: correct}]", "derivedMetrics[0].name"),
        ("[{name: later, value: first}, {name: first, value: correct}]", "it uses first, which is not a metric"),
        ("[{name: bad, value: 'correct +'}]", "an expression ends too early"),
    ])
    func derivedRefusals(derived: String, message: String) {
        let error = #expect(throws: SuiteError.self) {
            _ = try SuiteLoader.parse("prompts: [hi]\ntests: [{assert: [{type: contains, value: x, metric: correct}]}]\nderivedMetrics: \(derived)")
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
}
