import Foundation
import GenesisEngine

extension ModelEvaluator {
    /// Settles `select-best` assertions once every answer is in: for each test and repeat, the
    /// outputs of every prompt and model that answered go to the grader in one list, and the
    /// one it picks passes while the others fail (promptfoo's `matchesSelectBest`).
    func settleSelectBest(_ results: inout [[[RunResult?]]], cases: [EvaluationCase], models: [ModelID], checker: AssertionEvaluator) async {
        let tests = Dictionary(grouping: cases.indices, by: { cases[$0].test.index })
        for (_, caseIndices) in tests.sorted(by: { $0.key < $1.key }) {
            let assertions = cases[caseIndices[0]].test.assertions
            for k in assertions.indices where assertions[k].type == .selectBest {
                for run in 0..<(results.first?.first?.count ?? 0) {
                    var places: [(m: Int, c: Int)] = []
                    for m in models.indices {
                        for c in caseIndices where results[m][c][run]?.error == nil && results[m][c][run] != nil { places.append((m, c)) }
                    }
                    let outputs = places.map { results[$0.m][$0.c][run]?.text ?? "" }
                    let verdicts = await checker.selectBest(assertions[k], outputs: outputs, test: cases[caseIndices[0]].test)
                    for (place, verdict) in zip(places, verdicts) {
                        guard var result = results[place.m][place.c][run], k < result.assertions.count else { continue }
                        result.assertions[k] = verdict
                        (result.passed, result.score) = Self.verdict(result.assertions, threshold: cases[place.c].test.threshold)
                        results[place.m][place.c][run] = result
                    }
                }
            }
        }
    }
}

extension AssertionEvaluator {
    /// One verdict per output: the grader's pick passes with score 1, the others fail with 0.
    func selectBest(_ a: Assertion, outputs: [String], test: TestCase) async -> [AssertionResult] {
        func all(_ outcome: Outcome) -> [AssertionResult] { outputs.map { _ in finish(a, outcome) } }
        guard outputs.count >= 2 else {
            return all(Outcome.error("select-best needs at least two outputs to compare: run the suite on several models (-m a -m b) or with several prompts"))
        }
        guard let request = graderRequest(for: a) else {
            return all(Outcome.error("select-best needs a grader: pass --grader provider:model, or set provider on the assertion or defaultTest.options.provider"))
        }
        let criteria = (try? Self.renderValue(a.value, test.templateVariables))??.string ?? a.value?.string ?? ""
        let model = request.model
        let reply: String
        do {
            reply = try await request.ask(a.rubricPrompt ?? .string(GradingPrompts.selectBest),
                                          ["criteria": .string(criteria), "outputs": .array(outputs.map(JSONValue.string))], test: test.templateVariables)
        } catch {
            return all(Outcome.error(error.message))
        }
        guard let match = reply.range(of: "[0-9]+", options: .regularExpression), let pick = Int(reply[match]), outputs.indices.contains(pick) else {
            return all(Outcome.error("the grader \(model) did not answer with the index of one of the \(outputs.count) outputs: \"\(short(reply))\""))
        }
        return outputs.indices.map { i in
            finish(a, i == pick ? Outcome(true, 1, "selected as the best of \(outputs.count): \(criteria)") : Outcome(false, 0, "not selected (output \(pick) was, of \(outputs.count)): \(criteria)"))
        }
    }
}
