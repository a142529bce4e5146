import Foundation
import GenesisEngine

/// One answer to one case, checked.
public struct RunResult: Sendable, Hashable {
    public var text: String
    public var passed: Bool
    /// The weighted score of the assertions, 0 to 1.
    public var score: Double
    public var latency: Duration
    public var cost: Cost?
    public var servedVersion: String?
    public var assertions: [AssertionResult]
    /// The request failed: the case fails with score 0.
    public var error: String?
}

/// A case on one model, over every repeat.
public struct CaseResult: Sendable, Hashable {
    public var test: TestCase
    public var prompt: PromptTemplate
    public var runs: [RunResult]
    /// How the row names its prompt: the label or first words; nil when the suite has one
    /// prompt, unlabelled (nothing to tell apart).
    public var promptName: String? = nil

    public var passRate: Double { runs.isEmpty ? 0 : Double(runs.filter(\.passed).count) / Double(runs.count) }
    /// Passed in every run.
    public var passed: Bool { !runs.isEmpty && runs.allSatisfy(\.passed) }
    /// Passed in some runs and failed in others.
    public var isUnstable: Bool { runs.count > 1 && passRate > 0 && passRate < 1 }
    public var score: Double { runs.isEmpty ? 0 : runs.map(\.score).reduce(0, +) / Double(runs.count) }
    public var latency: Duration { runs.isEmpty ? .zero : runs.map(\.latency).reduce(.zero, +) / runs.count }
    /// Dollars over every run; nil when any run's cost is unknown.
    public var cost: Double? {
        runs.reduce(Optional(0.0)) { total, run in total.flatMap { t in run.cost.map { t + $0.dollars } } }
    }
    public var name: String { test.name + (promptName.map { " [\($0)]" } ?? "") }
}

/// A named metric over a model's run (promptfoo's named scores).
public struct MetricSummary: Sendable, Hashable {
    public var name: String
    /// The mean score of the assertions that carry it, 0 to 1.
    public var score: Double
    public var passed: Int
    public var total: Int
}

/// Every case on one model.
public struct ModelReport: Sendable, Hashable {
    public var model: ModelID
    /// The suite provider's label, when it gave one.
    public var label: String? = nil
    /// The versions that served, when the provider named them.
    public var versions: [String]
    public var cases: [CaseResult]

    public var score: Double { cases.isEmpty ? 0 : cases.map(\.score).reduce(0, +) / Double(cases.count) }
    public var passed: Int { cases.filter(\.passed).count }
    public var failed: Int { cases.count - passed }
    public var unstable: Int { cases.filter(\.isUnstable).count }
    public var costDollars: Double { cases.compactMap(\.cost).reduce(0, +) }
    public var unpricedCases: Int { cases.filter { $0.cost == nil }.count }
    /// The named metrics (assertions' `metric:`): each one's mean score and how many of its
    /// assertions passed, over every case and run, by name.
    public var metrics: [MetricSummary] {
        var byName: [String: [AssertionResult]] = [:]
        for result in cases.flatMap(\.runs).flatMap(\.assertions).flatMap(\.withChildren) {
            if let metric = result.assertion.metric { byName[metric, default: []].append(result) }
        }
        return byName.keys.sorted().map { name in
            let results = byName[name] ?? []
            return MetricSummary(name: name, score: results.map(\.score).reduce(0, +) / Double(max(1, results.count)),
                                 passed: results.filter(\.passed).count, total: results.count)
        }
    }
    /// Latency percentile over every run, in milliseconds.
    public func latency(percentile: Double) -> Int {
        let all = cases.flatMap(\.runs).map { $0.latency.milliseconds }.sorted()
        guard !all.isEmpty else { return 0 }
        let rank = max(1, Int((percentile / 100 * Double(all.count)).rounded(.up))) // nearest rank
        return all[min(all.count, rank) - 1]
    }
}

public struct EvaluationReport: Sendable, Hashable {
    public var suite: String?
    public var models: [ModelReport]
    public var repeats: Int
    /// The suite's `derivedMetrics`, computed per model by ``ModelReport/derived(_:)``.
    public var derivedMetrics: [DerivedMetric] = []
}

/// Runs suites on models (the seed's `ModelEvaluator`): every case on every model, concurrently
/// within the registry's rate limits, each answer checked by its assertions.
public struct ModelEvaluator: Sendable {
    public let registry: ModelRegistry
    /// The grader `--grader` names, over the suite's (a model with no settings of its own).
    public let grader: SuiteProvider?
    /// Requests in flight at once, across models (the rate limiters still apply).
    public let concurrency: Int
    /// Settings every evaluated answer is asked with (e.g. the reasoning level), over the
    /// configuration's defaults.
    public let parameters: GenerationParameters
    /// Where `javascript` and `python` assertions find their interpreters, and their limits.
    public let scripts: ScriptSettings

    public init(registry: ModelRegistry, grader: ModelID? = nil, concurrency: Int = 8, parameters: GenerationParameters = .init(),
                scripts: ScriptSettings = .fromEnvironment) {
        self.registry = registry
        self.grader = grader.map(SuiteProvider.init)
        self.concurrency = max(1, concurrency)
        self.parameters = parameters
        self.scripts = scripts
    }

    /// Scores one model on test cases whose `vars.prompt` is the prompt (or on a suite's cases).
    public func evaluateModel(provider: String, model: String, testCases: [TestCase],
                              prompt: PromptTemplate = PromptTemplate(label: "prompt", template: "{{prompt}}")) async -> ModelReport {
        let suite = EvaluationSuite(prompts: [prompt], tests: testCases)
        return await run(suite, models: [ModelID(provider: provider, model: model)]).models[0]
    }

    public func evaluateModel(provider: String, model: String, suite: EvaluationSuite) async -> ModelReport {
        await run(suite, models: [ModelID(provider: provider, model: model)]).models[0]
    }

    /// Every case on every model, `repeats` times each. `progress` hears (done, total) after each answer.
    public func run(_ suite: EvaluationSuite, models: [ModelID], repeats: Int = 1,
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> EvaluationReport {
        await run(suite, targets: models.map { SuiteProvider(id: $0.description, model: $0) }, repeats: repeats, progress: progress)
    }

    /// Every case on every target (a model with its label and settings, such as a suite's
    /// `providers:`), `repeats` times each.
    public func run(_ suite: EvaluationSuite, targets: [SuiteProvider], repeats: Int = 1,
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> EvaluationReport {
        let cases = suite.cases
        let repeats = max(1, repeats)
        if let filters = suite.filters { await filters.prepare(cases) }
        struct Job: Sendable { var model: Int; var item: Int; var run: Int }
        // A prompt that reads `_conversation` is a conversation: its tests run in order on each
        // model (per conversationId and repeat), each seeing the turns before it, as promptfoo
        // runs them; everything else runs alone, concurrently.
        var chains: [[Job]] = [], conversations: [String: Int] = [:]
        for m in targets.indices {
            for c in cases.indices {
                for r in 0..<repeats {
                    let job = Job(model: m, item: c, run: r)
                    guard cases[c].prompt.usesConversation else { chains.append([job]); continue }
                    let conversation = cases[c].test.metadata["conversationId"].map { SuiteLoader.text($0) } ?? ""
                    let key = "\(m) \(suite.prompts.firstIndex(of: cases[c].prompt) ?? 0) \(r) \(conversation)"
                    if let chain = conversations[key] { chains[chain].append(job) } else { conversations[key] = chains.count; chains.append([job]) }
                }
            }
        }
        let total = chains.map(\.count).reduce(0, +)
        let checker = AssertionEvaluator(registry: registry, grader: grader ?? suite.grader, scripts: scripts, filters: suite.filters)
        var results = [[[RunResult?]]](repeating: [[RunResult?]](repeating: [RunResult?](repeating: nil, count: repeats), count: cases.count),
                                        count: targets.count)
        await withTaskGroup(of: [(Job, RunResult)].self) { group in
            var next = 0, done = 0
            func start() {
                let chain = chains[next]
                next += 1
                group.addTask {
                    var finished: [(Job, RunResult)] = []
                    var history: [JSONValue]? = cases[chain[0].item].prompt.usesConversation ? [] : nil
                    for job in chain {
                        let (result, turn) = await self.answer(cases[job.item], target: targets[job.model], system: suite.system, checker: checker,
                                                               conversation: history)
                        if let turn { history?.append(turn) }
                        finished.append((job, result))
                    }
                    return finished
                }
            }
            for _ in 0..<min(concurrency, chains.count) { start() }
            while let finished = await group.next() {
                for (job, result) in finished {
                    results[job.model][job.item][job.run] = result
                    done += 1
                    progress(done, total)
                }
                if next < chains.count { start() }
            }
        }
        await settleSelectBest(&results, cases: cases, models: targets.map(\.model), checker: checker)
        let reports = targets.indices.map { m in
            let caseResults = cases.indices.map { c in
                CaseResult(test: cases[c].test, prompt: cases[c].prompt, runs: results[m][c].compactMap { $0 },
                           promptName: suite.prompts.count > 1 || cases[c].prompt.isLabelled ? cases[c].prompt.displayName : nil)
            }
            let versions = Array(Set(caseResults.flatMap(\.runs).compactMap(\.servedVersion))).sorted()
            return ModelReport(model: targets[m].model, label: targets[m].label, versions: versions, cases: caseResults)
        }
        return EvaluationReport(suite: suite.description, models: reports, repeats: repeats, derivedMetrics: suite.derivedMetrics)
    }

    /// The answer to one case, checked, asked with the target's own settings (its `config`) over
    /// the evaluator's; and, for a conversation (`conversation` holds the turns so far), this
    /// turn: `{prompt, input, output}` as promptfoo's `_conversation` has them.
    func answer(_ item: EvaluationCase, target: SuiteProvider, system: String?, checker: AssertionEvaluator,
                conversation: [JSONValue]? = nil) async -> (RunResult, JSONValue?) {
        let target = item.test.provider ?? target
        let model = target.model
        let prompt: String, messages: [ChatMessage]
        do {
            var variables = item.test.templateVariables
            if let conversation { variables["_conversation"] = .array(conversation) }
            if let filters = checker.filters {
                (prompt, messages) = try await filters.render({ (round: FilterRound) throws(SuiteError) in
                    try item.template.rendered(variables, filters: round)
                }, or: { SuiteError(field: "nunjucksFilters", message: $0.message) })
            } else {
                (prompt, messages) = try item.template.rendered(variables)
            }
        } catch {
            return (RunResult(text: "", passed: false, score: 0, latency: .zero, cost: nil, assertions: [], error: "\(error)"), nil)
        }
        let request = GenerationRequest(model: model, messages: (system.map { [.system($0)] } ?? []) + messages,
                                        parameters: target.parameters.filled(from: parameters))
        let clock = ContinuousClock(), start = clock.now
        do {
            // The model itself is evaluated: no fallback answers for it, and no cached answers.
            let result = try await registry.generate(request, options: RequestOptions(useFallbacks: false, cachePolicy: .never))
            // Time waiting for our own rate limiter is not the model's: a suite run at full
            // concurrency would otherwise fail latency checks that it passes alone.
            let latency = max(.zero, result.latency - result.queueWait)
            let context = AssertionContext(prompt: prompt, test: item.test, model: model)
            var text = result.text
            if let transform = item.test.transform {
                switch await checker.transform(transform, text, context: context, name: "options.transform") {
                case .success(let transformed): text = transformed
                case .failure(let problem):
                    return (RunResult(text: result.text, passed: false, score: 0, latency: latency, cost: result.cost, servedVersion: result.servedVersion,
                                      assertions: [], error: problem.message), nil)
                }
            }
            let output = AnswerOutput(text: text, latency: latency, cost: result.cost)
            var checked: [AssertionResult] = []
            for assertion in item.test.assertions { checked.append(await checker.evaluate(assertion, on: output, context: context)) }
            let (passed, score) = Self.verdict(checked, threshold: item.test.threshold)
            let sent: JSONValue = item.template.isChat || messages.count > 1
                ? .array(messages.map { .object(["role": .string($0.role.rawValue), "content": .string($0.text)]) }) : .string(prompt)
            let turn: JSONValue = .object(["prompt": sent, "input": .string(messages.last { $0.role == .user }?.text ?? prompt), "output": .string(result.text)])
            return (RunResult(text: text, passed: passed, score: score, latency: latency, cost: result.cost,
                              servedVersion: result.servedVersion, assertions: checked), turn)
        } catch {
            return (RunResult(text: "", passed: false, score: 0, latency: clock.now - start, cost: nil, assertions: [], error: "\(error)"), nil)
        }
    }

    /// The weighted score; a case passes when it reaches the threshold, or, without one, when
    /// every assertion passed. A case with no assertions passes when the model answered.
    public static func verdict(_ results: [AssertionResult], threshold: Double?) -> (passed: Bool, score: Double) {
        let weight = results.map(\.assertion.weight).reduce(0, +)
        let score = weight > 0 ? results.map { $0.assertion.weight * $0.score }.reduce(0, +) / weight : (results.allSatisfy(\.passed) ? 1 : 0)
        if let threshold { return (score >= threshold - 1e-9, score) }
        return (results.allSatisfy(\.passed), score)
    }
}
