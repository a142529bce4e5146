import GenesisEngine

/// promptfoo's transforms: code that turns a model's output into what the assertions see: a
/// test's `options.transform` (before every assertion, and what the matrix shows) or an
/// assertion's `transform` (for that assertion only). JavaScript (an expression, a function
/// body, or `file://x.js[:fn]`) runs with node; `file://x.py[:fn]` with python3
/// (`get_transform` by default). `output` and `context` (vars, prompt) are in scope.
public struct OutputTransform: Sendable, Hashable {
    public var language: ScriptLanguage
    /// Inline code, or `file://` with an absolute path.
    public var code: String

    public init(language: ScriptLanguage, code: String) {
        self.language = language
        self.code = code
    }
}

extension AssertionEvaluator {
    /// The transformed output: text as the code returned it, anything else as JSON text.
    func transform(_ transform: OutputTransform, _ output: String, context: AssertionContext, name: String) async -> Result<String, ScriptProblem> {
        let contextJSON: JSONValue = .object(["vars": context.test?.varsJSON ?? .object([:]), "prompt": .string(context.prompt)])
        switch await run(transform.code, language: transform.language, output: output, context: contextJSON) {
        case .failure(let problem): return .failure(ScriptProblem("\(name): \(problem.message)"))
        case .success(let finished):
            switch Self.returned(finished, name: name, limits: scripts.limits) {
            case .failure(let problem): return .failure(problem)
            case .success(nil): return .failure(ScriptProblem("\(name) returned nothing; return the new output"))
            case .success(.string(let text)?): return .success(text)
            case .success(let value?): return .success(JSONWriter.string(value))
            }
        }
    }
}
