import Foundation
import GenesisEngine

/// The outcome of one assertion on one answer.
public struct AssertionResult: Sendable, Hashable {
    public var assertion: Assertion
    public var passed: Bool
    /// 0 to 1; weighted into the case's score.
    public var score: Double
    public var reason: String
    /// The assertion could not be checked (no price for `cost`, no or a failed grader, a schema
    /// or pattern that does not parse). It fails, and a `not-` prefix does not turn it into a pass.
    public var isError: Bool = false
    /// An `assert-set`'s results, one per assertion in it.
    public var children: [AssertionResult] = []
}

/// What an assertion looks at: the answer's text and figures.
public struct AnswerOutput: Sendable, Hashable {
    public var text: String
    public var latency: Duration
    public var cost: Cost?

    public init(text: String, latency: Duration, cost: Cost?) {
        self.text = text
        self.latency = latency
        self.cost = cost
    }
}

/// Checks assertions the way promptfoo defines them. `llm-rubric` asks a grader model;
/// `javascript` and `python` run the suite author's code in a child process.
public struct AssertionEvaluator: Sendable {
    public let registry: ModelRegistry?
    public let grader: SuiteProvider?
    public let scripts: ScriptSettings
    /// The suite's `nunjucksFilters`, for templates in assertion values.
    public let filters: CustomFilters?

    public init(registry: ModelRegistry? = nil, grader: SuiteProvider? = nil, scripts: ScriptSettings = .fromEnvironment, filters: CustomFilters? = nil) {
        self.registry = registry
        self.grader = grader
        self.scripts = scripts
        self.filters = filters
    }

    public func evaluate(_ assertion: Assertion, on output: AnswerOutput, context: AssertionContext = .init()) async -> AssertionResult {
        if assertion.type == .assertSet { return await evaluateSet(assertion, on: output, context: context) }
        var rendered = assertion
        // Code is left as written: it reads the variables from context.vars, and a `{{` in
        // Python or JavaScript is the language's own.
        if assertion.type != .javascript, assertion.type != .python {
            let variables = context.test?.templateVariables ?? [:]
            do {
                if let filters {
                    rendered.value = try await filters.render({ (round: FilterRound) throws(TemplateError) in
                        try Self.renderValue(assertion.value, variables, filters: round)
                    }, or: { $0 })
                } else {
                    rendered.value = try Self.renderValue(assertion.value, variables)
                }
            } catch {
                return finish(assertion, Outcome.error("its value is a template that does not render: \(error)"))
            }
        }
        var seen = output
        if let transform = assertion.transform {
            switch await self.transform(transform, output.text, context: context, name: "\(assertion.name) transform") {
            case .success(let text): seen.text = text
            case .failure(let problem): return finish(assertion, Outcome.error(problem.message))
            }
        }
        return finish(assertion, await check(rendered, seen, context))
    }

    /// The result of a check: an error stays an error; `not-` inverts; weight 0 never fails.
    func finish(_ assertion: Assertion, _ outcome: Outcome) -> AssertionResult {
        var (passed, score, reason) = (outcome.passed, outcome.score, outcome.reason)
        if outcome.isError {
            return AssertionResult(assertion: assertion, passed: false, score: 0, reason: reason, isError: true)
        }
        if assertion.negated {
            passed.toggle()
            score = 1 - score
            reason = passed ? "as required, not: \(reason)" : "should not hold, but: \(reason)"
        }
        if assertion.weight == 0, !passed { // promptfoo: weight 0 is a metric only, and never fails a case
            passed = true
            reason = "weight 0, so it passes (a metric only): \(reason)"
        }
        return AssertionResult(assertion: assertion, passed: passed, score: score, reason: reason)
    }

    /// An assertion's value with its templates rendered over the test's variables, as promptfoo
    /// renders a text value (`equals: "{{ expected }}"`) and each text of a list.
    static func renderValue(_ value: JSONValue?, _ variables: [String: JSONValue], filters: FilterRound? = nil) throws(TemplateError) -> JSONValue? {
        switch value {
        case .string(let text)?: return .string(try NunjucksTemplate.render(text, variables, filters: filters))
        case .array(let items)?:
            var rendered: [JSONValue] = []
            for item in items { rendered.append(try renderValue(item, variables, filters: filters) ?? .null) }
            return .array(rendered)
        default: return value
        }
    }

    /// What a check found, before any `not-` is applied.
    struct Outcome {
        var passed: Bool
        var score: Double
        var reason: String
        var isError = false

        init(_ passed: Bool, _ score: Double, _ reason: String) {
            (self.passed, self.score, self.reason) = (passed, score, reason)
        }

        static func error(_ reason: String) -> Outcome {
            var outcome = Outcome(false, 0, reason)
            outcome.isError = true
            return outcome
        }
    }

    private func check(_ a: Assertion, _ output: AnswerOutput, _ context: AssertionContext) async -> Outcome {
        let text = output.text
        func binary(_ ok: Bool, _ yes: String, _ no: String) -> Outcome { Outcome(ok, ok ? 1 : 0, ok ? yes : no) }
        let value = a.value?.string ?? ""
        let list = a.value?.array?.compactMap(\.string) ?? [a.value?.string].compactMap { $0 }
        // contains-any/-all (and their i- forms) take a list, or one string of comma-separated
        // values, as promptfoo does ("cat, dog" is two values, trimmed).
        let values = a.value?.array != nil ? list
            : list.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        switch a.type {
        case .equals:
            if let expected = a.value, expected.string == nil {
                let parsed = JSONValue.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
                return binary(parsed == expected, "the JSON equals the expected value", "the output is not the expected JSON value")
            }
            return binary(text == value, "the output equals \"\(short(value))\"", "expected \"\(short(value))\", got \"\(short(text))\"")
        case .contains:
            return binary(text.contains(value), "contains \"\(short(value))\"", "does not contain \"\(short(value))\"")
        case .icontains:
            return binary(text.lowercased().contains(value.lowercased()), "contains \"\(short(value))\" (any case)", "does not contain \"\(short(value))\" in any case")
        case .containsAny, .icontainsAny:
            let fold = a.type == .icontainsAny
            let found = values.first { (fold ? text.lowercased() : text).contains(fold ? $0.lowercased() : $0) }
            return binary(found != nil, "contains \"\(short(found ?? ""))\"", "contains none of \(values.map { "\"\(short($0))\"" }.joined(separator: ", "))")
        case .containsAll, .icontainsAll:
            let fold = a.type == .icontainsAll
            let missing = values.filter { !(fold ? text.lowercased() : text).contains(fold ? $0.lowercased() : $0) }
            return binary(missing.isEmpty, "contains all \(values.count)", "missing \(missing.map { "\"\(short($0))\"" }.joined(separator: ", "))")
        case .regex:
            guard let regex = try? BoundedRegex(value) else { return Outcome.error("/\(value)/ is not a valid regular expression") }
            do {
                return binary(try regex.matches(text), "matches /\(value)/", "does not match /\(value)/")
            } catch {
                return Outcome.error("/\(value)/ \(error.explanation) and gave up; nested repetition such as (a+)+ backtracks exponentially, so simplify the pattern")
            }
        case .startsWith:
            return binary(text.hasPrefix(value), "starts with \"\(short(value))\"", "does not start with \"\(short(value))\"")
        case .isJSON:
            guard let json = JSONValue.parse(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                return Outcome(false, 0, "the output is not valid JSON")
            }
            return schemaResult(json, a.value)
        case .containsJSON:
            let candidates = Self.jsonCandidates(in: text)
            guard !candidates.isEmpty else { return Outcome(false, 0, "the output contains no JSON object or array") }
            var last = Outcome(false, 0, "")
            for candidate in candidates {
                last = schemaResult(candidate, a.value)
                if last.passed || last.isError { return last }
            }
            return last
        case .latency:
            let limit = a.threshold ?? 0, ms = Double(output.latency.milliseconds)
            return binary(ms <= limit, "\(Int(ms)) ms is within \(Int(limit)) ms", "\(Int(ms)) ms is over \(Int(limit)) ms")
        case .cost:
            let limit = a.threshold ?? 0
            guard let cost = output.cost else { return Outcome.error("the cost is unknown (no price for this model); set one under [prices] or drop the cost assertion") }
            return binary(cost.dollars <= limit, "\(Cost.format(cost.dollars)) is within \(Cost.format(limit))", "\(Cost.format(cost.dollars)) is over \(Cost.format(limit))")
        case .levenshtein:
            let limit = Int(a.threshold ?? 5), distance = TextSimilarity.levenshtein(text, value)
            return binary(distance <= limit, "edit distance \(distance) ≤ \(limit)", "edit distance \(distance) > \(limit)")
        case .similar:
            let limit = a.threshold ?? 0.75
            if let embedding = a.embeddingProvider { return await embeddingSimilarity(text, list, model: embedding, threshold: limit) }
            let best = list.map { TextSimilarity.cosine(text, $0) }.max() ?? 0
            return Outcome(best >= limit, best, String(format: "similarity %.2f %@ %.2f", best, best >= limit ? "≥" : "<", limit))
        case .llmRubric:
            return await rubric(a, output, context)
        case .javascript:
            return await script(a, language: .javascript, output, context: context)
        case .python:
            return await script(a, language: .python, output, context: context)
        case .assertSet: // evaluated as a whole by `evaluateSet`
            return Outcome.error("an assert-set is scored from its assertions")
        case .closedQA, .factuality, .gEval, .answerRelevance, .contextFaithfulness, .contextRecall, .contextRelevance:
            return await modelGraded(a, output, context)
        case .selectBest:
            // Settled once every output of the test is in (ModelEvaluator.selectBest).
            return Outcome(false, 0, "select-best: waiting for the other outputs")
        }
    }

    /// `similar` with an embedding model: the output's vector against each expected text's, the
    /// best cosine against the threshold, as promptfoo's `similar` does.
    private func embeddingSimilarity(_ text: String, _ expected: [String], model: ModelID, threshold: Double) async -> Outcome {
        guard let registry else { return Outcome.error("similar with the embedding model \(model) needs a registry to ask it") }
        do {
            let vectors = try await registry.embed(model, texts: [text] + expected)
            let best = expected.indices.map { VectorSimilarity.cosine(vectors[0], vectors[$0 + 1]) }.max() ?? 0
            return Outcome(best >= threshold, max(0, best), String(format: "%@ similarity %.2f %@ %.2f", model.description, best, best >= threshold ? "≥" : "<", threshold))
        } catch {
            return Outcome.error("the embedding model \(model) failed: \(error)")
        }
    }

    private func schemaResult(_ json: JSONValue, _ schema: JSONValue?) -> Outcome {
        guard let schema else { return Outcome(true, 1, "valid JSON") }
        var parsed = schema
        if let text = schema.string {
            // A schema given as text must be JSON; anything else (e.g. a file:// reference, not
            // loaded here) would otherwise accept every document.
            guard let document = JSONValue.parse(text) else {
                return Outcome.error("the schema is not a JSON schema (\"\(short(text))\"); give it inline as a mapping or as JSON text")
            }
            parsed = document
        }
        if let problem = JSONSchemaCheck.violation(of: parsed, by: json) { return Outcome(false, 0, "JSON does not fit the schema: \(problem)") }
        return Outcome(true, 1, "valid JSON that fits the schema")
    }

    /// Balanced `{...}` and `[...]` spans of `text` that parse as JSON, first to last.
    static func jsonCandidates(in text: String) -> [JSONValue] {
        let characters = Array(text)
        var found: [JSONValue] = []
        var start = 0
        while start < characters.count {
            guard characters[start] == "{" || characters[start] == "[" else { start += 1; continue }
            var depth = 0, inString = false, escaped = false, end: Int?
            for i in start..<characters.count {
                let c = characters[i]
                if inString {
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                    continue
                }
                if c == "\"" { inString = true } else if c == "{" || c == "[" { depth += 1 } else if c == "}" || c == "]" {
                    depth -= 1
                    if depth == 0 { end = i; break }
                }
            }
            if let end, let json = JSONValue.parse(String(characters[start...end])) {
                found.append(json)
                start = end + 1
            } else {
                start += 1
            }
        }
        return found
    }

    /// Asks the grader twice, rubric and output in both orders, and passes only when both pass.
    /// With the suite's own grading prompt (`rubricPrompt`), it is asked once, as the author
    /// wrote it, with `output`, `rubric` and the test's variables, and its first JSON object is
    /// read as promptfoo reads it (`pass` defaults to true, `score` to the pass).
    private func rubric(_ a: Assertion, _ output: AnswerOutput, _ context: AssertionContext) async -> Outcome {
        guard let grading = graderRequest(for: a) else {
            return Outcome.error("llm-rubric needs a grader: pass --grader provider:model, or set provider on the assertion or defaultTest.options.provider")
        }
        let model = grading.model
        let rubricText = a.value?.string ?? ""
        if let custom = a.rubricPrompt {
            do {
                let reply = try await grading
                    .ask(custom, ["output": JSONValue.parse(output.text) ?? .string(output.text), "rubric": .string(rubricText)], test: context.test?.templateVariables ?? [:])
                guard let object = Self.jsonCandidates(in: reply).first?.object else {
                    return Outcome.error("the grader \(model) answered no JSON object: \"\(short(reply))\"")
                }
                var passed = object["pass"]?.bool ?? object["pass"].map { ["true", "yes", "pass", "y"].contains(SuiteLoader.text($0).lowercased()) } ?? true
                let score = object["score"]?.double ?? object["score"]?.string.flatMap(Double.init) ?? (passed ? 1 : 0)
                if let threshold = a.threshold { passed = passed && score >= threshold }
                return Outcome(passed, min(1, max(0, score)), object["reason"]?.string ?? (passed ? "grading passed" : "grading failed"))
            } catch {
                return Outcome.error(error.message)
            }
        }
        let system = """
            You grade an output against a rubric. The output passes if the rubric's statement is true of it. \
            Answer with only a JSON object: {"reason": string, "pass": boolean, "score": number from 0 to 1}.
            """
        let outputPart = "<Output>\n\(output.text)\n</Output>", rubricPart = "<Rubric>\n\(rubricText)\n</Rubric>"
        var verdicts: [(Bool, Double, String)] = []
        for prompt in [outputPart + "\n" + rubricPart, rubricPart + "\n" + outputPart] {
            let request = GenerationRequest(model: model, prompt: prompt, system: system,
                                            parameters: grading.parameters(maxTokens: 512, responseFormat: .json))
            do {
                let answer = try await grading.registry.generate(request, options: RequestOptions(cachePolicy: .never))
                guard let verdict = Self.parseVerdict(answer.text) else {
                    return Outcome.error("the grader \(model) did not answer with {\"pass\": true|false, \"score\": 0..1, \"reason\": \"...\"}: \"\(short(answer.text))\"")
                }
                verdicts.append(verdict)
            } catch {
                return Outcome.error("the grader \(model) failed: \(error)")
            }
        }
        let passed = verdicts.allSatisfy(\.0)
        let score = verdicts.map(\.1).reduce(0, +) / Double(verdicts.count)
        let threshold = a.threshold ?? 0
        let disagreement = verdicts[0].0 != verdicts[1].0 ? " (the two orders disagreed)" : ""
        return Outcome(passed && score >= threshold, score, verdicts.map(\.2).joined(separator: " / ") + disagreement)
    }

    /// `{"pass": bool, "score": number, "reason": string}` and nothing else around it.
    static func parseVerdict(_ text: String) -> (Bool, Double, String)? {
        guard let json = JSONValue.parse(text.trimmingCharacters(in: .whitespacesAndNewlines)), let object = json.object,
              let pass = object["pass"]?.bool else { return nil }
        let score = object["score"]?.double ?? (pass ? 1 : 0)
        guard (0...1).contains(score), object["reason"].map({ $0.string != nil }) ?? true else { return nil }
        return (pass, score, object["reason"]?.string ?? (pass ? "pass" : "fail"))
    }
}

func short(_ text: String) -> String {
    let single = text.replacingOccurrences(of: "\n", with: " ")
    return single.count > 60 ? String(single.prefix(59)) + "…" : single
}
