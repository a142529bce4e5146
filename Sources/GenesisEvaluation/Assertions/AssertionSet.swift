import GenesisEngine

/// promptfoo's `assert-set`: assertions scored as one (docs: expected-outputs, "Assert-Set").
/// Its score is the weighted mean of its assertions' scores; with a `threshold` it passes when
/// the score reaches it (0.5: half of equally weighted assertions), without one when every
/// assertion in it passes, as a test's assertions do. Its `weight` and `metric` count in the
/// test like any assertion's; its `config` is each assertion's, under the assertion's own.
extension SuiteLoader {
    static let assertionSetKeys: Set<String> = ["type", "assert", "threshold", "weight", "metric", "config"]

    static func assertionSet(_ object: [String: JSONValue], file: String, test: String, field: String, directory: String,
                             scripts: ScriptSettings) throws(SuiteError) -> Assertion {
        guard object["type"]?.string == "assert-set" else {
            throw SuiteError(file: file, test: test, field: "\(field).type", message: "an assert-set cannot be negated; negate the assertions in it")
        }
        for key in object.keys.sorted() where !assertionSetKeys.contains(key) {
            throw SuiteError(file: file, test: test, field: "\(field).\(key)", message: "unknown field; an assert-set has assert, threshold, weight, metric and config")
        }
        guard let items = object["assert"]?.array, !items.isEmpty else {
            throw SuiteError(file: file, test: test, field: "\(field).assert", message: "an assert-set needs a list of assertions under assert")
        }
        var set = Assertion(type: .assertSet)
        try scoring(object, into: &set, file: file, test: test, field: field)
        for (offset, item) in items.enumerated() {
            var child = item
            if let shared = object["config"]?.object, case .object(var fields) = item {
                fields["config"] = .object(shared.merging(item["config"]?.object ?? [:]) { $1 })
                child = .object(fields)
            }
            let inner = try assertion(child, file: file, test: test, field: "\(field).assert[\(offset)]", directory: directory, scripts: scripts)
            if inner.type == .selectBest {
                throw SuiteError(file: file, test: test, field: "\(field).assert[\(offset)]", message: "select-best compares outputs and cannot be in an assert-set")
            }
            set.children.append(inner)
        }
        return set
    }
}

extension AssertionEvaluator {
    func evaluateSet(_ set: Assertion, on output: AnswerOutput, context: AssertionContext) async -> AssertionResult {
        var results: [AssertionResult] = []
        for child in set.children { results.append(await evaluate(child, on: output, context: context)) }
        let (passed, score) = ModelEvaluator.verdict(results, threshold: set.threshold)
        let failing = results.filter { !$0.passed }
        let reason = failing.isEmpty ? "all \(results.count) passed"
            : "\(results.count - failing.count) of \(results.count) passed, score \(Self.figure(score))"
                + (set.threshold.map { " (needs \(Self.figure($0)))" } ?? "")
                + "; " + failing.map { "\($0.assertion.name): \($0.reason)" }.joined(separator: "; ")
        var result = finish(set, Outcome(passed, score, reason))
        result.children = results
        return result
    }

    private static func figure(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

extension AssertionResult {
    /// This result and those of the assertions in it, at every depth: metrics count them all.
    public var withChildren: [AssertionResult] { [self] + children.flatMap(\.withChildren) }
}

extension Assertion {
    /// This assertion and those in it, at every depth.
    public var withChildren: [Assertion] { [self] + children.flatMap(\.withChildren) }

    /// Changes this assertion and those in it, at every depth (a test's grader reaches into its
    /// assert-sets). Its error is `SuiteError`, not a generic `E`: Swift 6.3's optimiser breaks
    /// on this recursion when it is generic in its typed error (LLVM's verifier rejects the
    /// module, so `swift build -c release` failed).
    mutating func updateAll(_ change: (inout Assertion) throws(SuiteError) -> Void) throws(SuiteError) {
        try change(&self)
        for i in children.indices { try children[i].updateAll(change) }
    }
}
