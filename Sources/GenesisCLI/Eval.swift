import ArgumentParser
import Foundation
import GenesisEngine
import GenesisEvaluation
import GenesisStore

/// `genesis eval FILE --model P:M ...`: a promptfoo suite on several models, as a matrix.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a promptfoo-format test suite (YAML or JSON) on models and show a cases x models matrix.",
        discussion: """
        Every case runs on every model concurrently, within the rate limits. The run is saved; \
        `genesis eval --compare A B` shows what regressed or was fixed between two runs, per model \
        and version. Exits 0 when every case passed, 1 when some failed.
        """)

    @Argument(help: "The suite file (promptfoo's format: prompts, tests, defaultTest, assert).")
    var file: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("A model to evaluate (repeat for each); without one, the suite's own providers: list.", valueName: "provider:model"))
    var model: [ModelID] = []

    @Option(name: .long, help: "Run each case N times; reports pass rates and flags unstable cases.")
    var `repeat` = 1

    @Option(name: .long, help: ArgumentHelp("The model that grades llm-rubric assertions (default: the suite's defaultTest.options.provider).", valueName: "provider:model"))
    var grader: ModelID?

    @Option(name: .long, help: "Requests in flight at once (the rate limits still apply).")
    var concurrency = 8

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Compare two saved runs: what regressed and what was fixed.", valueName: "run"))
    var compare: [Int64] = []

    @Flag(name: .long, help: "List the saved runs.")
    var runs = false

    @Flag(name: .long, help: "Print one JSON object: {\"run\", \"models\": [{\"provider\", \"model\", \"score\", \"passed\", \"failed\", \"cost_usd\", \"latency_ms\": {\"p50\", \"p95\"}, \"metrics\": [...], \"derived_metrics\": [...], \"cases\": [...]}]}.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("How hard reasoning models think: none, minimal, low, medium, high, xhigh or max.", valueName: "level"))
    var reasoning: ReasoningLevel?

    @OptionGroup var metrics: MetricsOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if runs || !compare.isEmpty {
            if !compare.isEmpty, compare.count != 2 { throw ValidationError("--compare takes two run numbers, the earlier first") }
            return
        }
        guard file != nil else { throw ValidationError("name the suite file: genesis eval suite.yaml --model sim:fast") }
        guard (1...1000).contains(`repeat`) else { throw ValidationError("--repeat must be from 1 to 1000, got \(`repeat`)") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 256, got \(concurrency)") }
    }

    func run() async throws {
        if runs { return try await listRuns() }
        if compare.count == 2 { return try await compareRuns(compare[0], compare[1]) }
        let suite = try SuiteLoader.load(file: file!)
        // --model overrides the suite's providers, as promptfoo's --providers does.
        let targets = model.isEmpty ? suite.providers : model.map(SuiteProvider.init)
        guard !targets.isEmpty else {
            throw ValidationError("name the models to evaluate with --model provider:model, or list them under providers: in the suite")
        }
        let exporter = try await metrics.start()
        let (registry, storage) = try await global.makeEngine(exporter: exporter?.0)
        for target in targets + suite.tests.compactMap(\.provider) where !registry.providerNames.contains(target.model.provider) {
            let key = registry.configuration.kinds.named(target.model.provider)?.keyVariables.first.map { "set \($0), " } ?? ""
            throw ValidationError("\(file!): provider \"\(target.id)\" needs a Genesis provider named \"\(target.model.provider)\", and the configuration has none (it has \(registry.providerNames.joined(separator: ", "))); \(key)add [providers.\(target.model.provider)] to the configuration, or pass --model")
        }
        defer { if let server = exporter?.1 { Task { await server.stop() } } }
        let showProgress = Terminal.stderrIsTerminal && !json
        let report = await ModelEvaluator(registry: registry, grader: grader, concurrency: concurrency,
                                          parameters: GenerationParameters(reasoning: reasoning))
            .run(suite, targets: targets, repeats: `repeat`) { done, total in
                // Genesis's own line erase, written as it is (Terminal.err would clean it away).
                if showProgress { try? Terminal.write("\r\u{1B}[Kevaluating: \(done)/\(total) answers", to: 2) }
            }
        if showProgress { try? Terminal.write("\r\u{1B}[K", to: 2) }
        let run = try await storage?.saveEvaluation(report, file: file)
        if json {
            var object = EvalFormat.json(report)
            object["run"] = run.map { .number(Double($0)) } ?? .null
            try Terminal.out(AnswerJSON.render(.object(object)) + "\n")
        } else {
            try Terminal.out(report.matrix())
            if let run { try Terminal.out("saved as run \(run)" + (run > 1 ? "; compare with the one before: genesis eval --compare \(run - 1) \(run)\n" : "\n")) }
        }
        if report.models.contains(where: { $0.failed > 0 }) { throw ExitCode(1) }
    }

    func listRuns() async throws {
        let storage = try global.requireStorage()
        let list = try await storage.evaluationRuns()
        if json {
            try Terminal.out(AnswerJSON.render(["runs": .array(list.map {
                ["run": .number(Double($0.id)), "time": .string(ConversationFormat.iso($0.time)), "suite": .nullable($0.suite)]
            })]) + "\n")
            return
        }
        for run in list { try Terminal.out("\(run.id)  \(Conversation.listingDate(run.time))  \(run.suite ?? "")\n") }
    }

    func compareRuns(_ a: Int64, _ b: Int64) async throws {
        let storage = try global.requireStorage()
        let base = try await storage.evaluation(a), head = try await storage.evaluation(b)
        let comparisons = EvaluationComparison.compare(base: base, head: head)
        if json {
            func strings(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }
            try Terminal.out(AnswerJSON.render(["base": .number(Double(a)), "head": .number(Double(b)), "models": .array(comparisons.map { c -> JSONValue in
                ["provider": .string(c.model.provider), "model": .string(c.model.model), "base_versions": strings(c.baseVersions),
                 "head_versions": strings(c.headVersions), "score": ["base": .number(c.baseScore), "head": .number(c.headScore)],
                 "regressed": strings(c.regressed), "fixed": strings(c.fixed), "added": strings(c.added), "removed": strings(c.removed)]
            })]) + "\n")
            return
        }
        if comparisons.isEmpty { try Terminal.out("runs \(a) and \(b) have no model in common\n") }
        for c in comparisons {
            let versions = c.baseVersions == c.headVersions ? "" : " (version \(c.baseVersions.joined(separator: ",")) → \(c.headVersions.joined(separator: ",")))"
            try Terminal.out(String(format: "%@%@: score %.2f → %.2f\n", c.model.description, versions, c.baseScore, c.headScore))
            for name in c.regressed { try Terminal.out("  regressed  \(name)\n") }
            for name in c.fixed { try Terminal.out("  fixed      \(name)\n") }
            for name in c.added { try Terminal.out("  new        \(name)\n") }
            for name in c.removed { try Terminal.out("  gone       \(name)\n") }
            if c.regressed.isEmpty && c.fixed.isEmpty { try Terminal.out("  no change in pass/fail\n") }
        }
        if comparisons.contains(where: { !$0.regressed.isEmpty }) { throw ExitCode(1) }
    }
}

/// The matrix and the JSON of an evaluation report.
enum EvalFormat {
    static func json(_ report: EvaluationReport) -> [String: JSONValue] {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        // An assert-set's results are under its own, as "assert".
        func assertion(_ result: AssertionResult) -> JSONValue {
            var object: [String: JSONValue] = [
                "type": .string(result.assertion.name), "passed": .bool(result.passed), "score": .number(result.score),
                "weight": .number(result.assertion.weight), "reason": .string(result.reason), "error": .bool(result.isError),
                "metric": optional(result.assertion.metric)]
            if !result.children.isEmpty { object["assert"] = .array(result.children.map(assertion)) }
            return .object(object)
        }
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        return ["suite": optional(report.suite), "repeats": .number(Double(report.repeats)), "models": .array(report.models.map { model in
            ["provider": .string(model.model.provider), "model": .string(model.model.model), "label": optional(model.label), "versions": .array(model.versions.map(JSONValue.string)),
             "score": .number(model.score), "passed": .number(Double(model.passed)), "failed": .number(Double(model.failed)),
             "unstable": .number(Double(model.unstable)), "cost_usd": .number(model.costDollars),
             "unpriced_cases": .number(Double(model.unpricedCases)),
             "latency_ms": ["p50": .number(Double(model.latency(percentile: 50))), "p95": .number(Double(model.latency(percentile: 95)))],
             "metrics": .array(model.metrics.map {
                 ["name": .string($0.name), "score": .number($0.score), "passed": .number(Double($0.passed)), "total": .number(Double($0.total))]
             }),
             "derived_metrics": .array(model.derived(report.derivedMetrics).map {
                 ["name": .string($0.name), "value": number($0.value.flatMap { $0.isFinite ? $0 : nil }), "error": optional($0.problem)]
             }),
             "cases": .array(model.cases.map { item in
                 ["name": .string(item.name), "description": optional(item.test.description), "prompt": .string(item.prompt.label),
                  "prompt_name": .string(item.promptName ?? item.prompt.displayName), "vars": .object(item.test.vars.mapValues(JSONValue.string)),
                  "metadata": .object(item.test.metadata),
                  "passed": .bool(item.passed), "score": .number(item.score), "pass_rate": .number(item.passRate), "unstable": .bool(item.isUnstable),
                  "latency_ms": .number(Double(item.latency.milliseconds)), "cost_usd": number(item.cost),
                  "error": optional(item.runs.compactMap(\.error).first), "text": .string(item.runs.first?.text ?? ""),
                  "assertions": .array((item.runs.first?.assertions ?? []).map(assertion))]
             })]
        })]
    }
}

