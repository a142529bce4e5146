import Foundation
import GenesisEngine
import GenesisProcess

/// What a script assertion sees beside the output, as promptfoo's `context`: the prompt as sent,
/// the test (its vars among it), and the model that answered.
public struct AssertionContext: Sendable, Hashable {
    public var prompt: String
    public var test: TestCase?
    public var model: ModelID?

    public init(prompt: String = "", test: TestCase? = nil, model: ModelID? = nil) {
        self.prompt = prompt
        self.test = test
        self.model = model
    }

    /// `{prompt, vars, test, config, provider, providerResponse}` for `assertion` on `output`.
    func json(for assertion: Assertion, output: String) -> JSONValue {
        let vars = test?.varsJSON ?? .object([:])
        var testObject: [String: JSONValue] = ["vars": vars, "assert": .array((test?.assertions ?? []).map(\.json))]
        if let description = test?.description { testObject["description"] = .string(description) }
        if let threshold = test?.threshold { testObject["threshold"] = .number(threshold) }
        if let metadata = test?.metadata, !metadata.isEmpty { testObject["metadata"] = .object(metadata) }
        return .object([
            "prompt": .string(prompt), "vars": vars, "test": .object(testObject), "config": assertion.config ?? .object([:]),
            "provider": .object(["id": model.map { .string($0.description) } ?? .null]),
            "providerResponse": .object(["output": .string(output)]),
        ])
    }
}

extension Assertion {
    /// The assertion as a suite writes it: `{type, value, weight, threshold, ...}`.
    var json: JSONValue {
        var object: [String: JSONValue] = ["type": .string(name), "weight": .number(weight)]
        if let value { object["value"] = value }
        if let threshold { object["threshold"] = .number(threshold) }
        if let provider { object["provider"] = .string(provider.id) }
        if let config { object["config"] = config }
        if let metric { object["metric"] = .string(metric) }
        return .object(object)
    }
}

extension AssertionEvaluator {
    /// Runs a `javascript` or `python` assertion's code in a child process of its own.
    func script(_ a: Assertion, language: ScriptLanguage, _ output: AnswerOutput, context: AssertionContext) async -> Outcome {
        let name = a.name
        switch await run(a.value?.string ?? "", language: language, output: output.text, context: context.json(for: a, output: output.text)) {
        case .failure(let problem): return .error("\(name): \(problem.message)")
        case .success(let finished): return Self.interpret(finished, threshold: a.threshold, name: name, limits: scripts.limits)
        }
    }

    /// Runs `code` (inline, or `file://` with an optional function) with `output` and `context`
    /// in scope, in a child process of its own; the data goes in as JSON on standard input.
    func run(_ code: String, language: ScriptLanguage, output: String, context: JSONValue) async -> Result<ChildProcess.Finished, ScriptProblem> {
        guard let interpreter = scripts.interpreter(for: language) else { return .failure(ScriptProblem(scripts.missing(language))) }
        var request: [String: JSONValue] = ["output": .string(output), "context": context]
        switch ScriptSource(code) {
        case .inline(let code):
            let isBody = ScriptSource.isFunctionBody(code, language: language)
            var expression = code.trimmingCharacters(in: .whitespacesAndNewlines)
            while !isBody, language == .javascript, expression.hasSuffix(";") { expression.removeLast() }
            request["code"] = .string(isBody ? code : expression)
            request["isBody"] = .bool(isBody)
        case .file(let path, let function):
            request["file"] = .string(path)
            request["function"] = function.map { .string($0) } ?? .null
        }
        do {
            let arguments = language == .javascript ? [interpreter, "-e", ScriptHost.node] : [interpreter, "-c", ScriptHost.python]
            return .success(try await ChildProcess.run(arguments, input: Array(JSONValue.object(request).encoded()), limits: scripts.limits))
        } catch {
            return .failure(ScriptProblem("\(error)"))
        }
    }

    /// The outcome of a finished run: its reply line read as a verdict, or why there is none.
    static func interpret(_ finished: ChildProcess.Finished, threshold: Double?, name: String, limits: ChildProcess.Limits) -> Outcome {
        switch returned(finished, name: name, limits: limits) {
        case .failure(let problem): return .error(problem.message)
        case .success(nil): return .error("\(name) returned nothing; return a boolean, a number (score) or {pass, score, reason}")
        case .success(let result?): return verdict(result, threshold: threshold, name: name)
        }
    }

    /// What a finished run's code returned (nil: undefined or None), or why there is nothing.
    static func returned(_ finished: ChildProcess.Finished, name: String, limits: ChildProcess.Limits) -> Result<JSONValue?, ScriptProblem> {
        let text = String(decoding: finished.output, as: UTF8.self)
        let printed = { (before: Substring) -> String in
            let trimmed = before.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? "" : "; it printed: \(short(String(trimmed.suffix(300))))"
        }
        switch finished.ending {
        case .timedOut: return .failure(ScriptProblem("\(name): the code ran longer than \(limits.time) and was stopped\(printed(Substring(text)))"))
        case .wroteTooMuch: return .failure(ScriptProblem("\(name): the code printed more than \(limits.outputBytes) bytes and was stopped"))
        case .exited(let status):
            guard let mark = text.range(of: ScriptHost.marker, options: .backwards) else {
                return .failure(ScriptProblem("\(name): the code ended (exit status \(status)) without a result\(printed(Substring(text)))"))
            }
            let line = text[mark.upperBound...].prefix { $0 != "\n" }
            guard let reply = JSONValue.parse(String(line))?.object else { return .failure(ScriptProblem("\(name): the code's result could not be read")) }
            if let error = reply["error"]?.string { return .failure(ScriptProblem("\(name) threw \(error)\(printed(text[..<mark.lowerBound]))")) }
            return .success(reply["undefined"] != nil ? nil : reply["result"] ?? .null)
        }
    }

    /// promptfoo's reading of what the code returned: a boolean is the verdict (score 1 or 0); a
    /// number is the score, passing at or above `threshold`, or above 0 without one; an object
    /// `{pass, score, reason}` (Python may write `pass_`) is taken as it is.
    static func verdict(_ result: JSONValue, threshold: Double?, name: String) -> Outcome {
        func clamped(_ score: Double) -> Double { min(1, max(0, score)) }
        switch result {
        case .bool(let pass):
            return Outcome(pass, pass ? 1 : 0, "\(name) returned \(pass)")
        case .number(let score):
            let pass = threshold.map { score >= $0 } ?? (score > 0)
            let rule = threshold.map { "\(pass ? "≥" : "<") the threshold \(format($0))" } ?? (pass ? "> 0" : "≤ 0")
            return Outcome(pass, clamped(score), "\(name) scored \(format(score)), \(rule)")
        case .object(let object):
            let score = object["score"]?.double
            guard let pass = object["pass"]?.bool ?? object["pass_"]?.bool ?? score.map({ s in threshold.map { s >= $0 } ?? (s > 0) }) else {
                return .error("\(name) returned an object without pass or score; return {pass: true|false, score: 0..1, reason: \"...\"}")
            }
            let reason = object["reason"]?.string ?? "\(name) returned pass: \(pass)\(score.map { ", score: \(format($0))" } ?? "")"
            return Outcome(pass, clamped(score ?? (pass ? 1 : 0)), reason)
        default:
            return .error("\(name) returned \(short(String(decoding: result.encoded(), as: UTF8.self))); return a boolean, a number (score) or {pass, score, reason}")
        }
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(format: "%.3g", number)
    }
}

/// Why code could not give a result: no interpreter, a time or output limit, a throw.
struct ScriptProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
