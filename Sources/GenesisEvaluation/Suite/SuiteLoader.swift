import Foundation
import GenesisEngine
import Yams

/// Reads promptfoo suite files (YAML or JSON): `prompts`, `tests` (inline or `file://`),
/// `defaultTest` (vars, assert, threshold, options.provider), `description`, and Genesis's
/// optional `system` prompt. Array variables expand into one test per combination, as in promptfoo.
public enum SuiteLoader {
    /// Top-level keys of promptfoo configurations that do not change what is asked or checked here.
    static let ignoredKeys: Set<String> = ["outputPath", "evaluateOptions", "env", "sharing",
                                            "metadata", "tags", "writeLatestResults",
                                            "commandLineOptions", "$schema"]
    static let knownKeys: Set<String> = ["description", "prompts", "tests", "defaultTest", "system", "providers", "targets", "scenarios",
                                         "assertionTemplates", "derivedMetrics", "nunjucksFilters"]
    /// promptfoo keys that would change what is run or reported, which Genesis does not do.
    static let refusedKeys: [String: String] = [
        "extensions": "extension hooks (beforeAll, afterEach, ...) are not supported: Genesis does not run code around an evaluation",
    ]

    /// What every assertion (an assert-set too) may say of how it counts: `weight`, `threshold`,
    /// `metric`, and its `config`.
    static func scoring(_ object: [String: JSONValue], into assertion: inout Assertion, file: String, test: String, field: String) throws(SuiteError) {
        if let w = object["weight"] {
            guard let weight = w.double, weight >= 0 else { throw SuiteError(file: file, test: test, field: "\(field).weight", message: "must be a number >= 0") }
            assertion.weight = weight
        }
        if let t = object["threshold"] {
            guard let threshold = t.double else { throw SuiteError(file: file, test: test, field: "\(field).threshold", message: "must be a number") }
            assertion.threshold = threshold
        }
        if let m = object["metric"] {
            guard let metric = m.string, !metric.isEmpty else { throw SuiteError(file: file, test: test, field: "\(field).metric", message: "must be a name") }
            assertion.metric = metric
        }
        assertion.config = object["config"]
    }

    /// promptfoo's assertion types Genesis does not have, and why: refused with that reason
    /// rather than as an unknown type.
    static let promptfooTypesNotHere: [String: String] = [
        "is-valid-openai-function-call": "answers here are text; the function definitions would sit in a provider's config, which does not take them",
        "is-valid-openai-tools-call": "answers here are text; the tool definitions would sit in a provider's config, which does not take them",
        "tool-call-f1": "answers here are text, with no tool calls to compare",
        "classifier": "it runs a Hugging Face classifier, which Genesis does not call",
        "moderation": "it calls a moderation API, which Genesis does not call",
        "perplexity": "it needs the answer's token log-probabilities, which Genesis does not ask for",
        "perplexity-score": "it needs the answer's token log-probabilities, which Genesis does not ask for",
        "webhook": "Genesis does not send answers to a webhook to be graded",
        "ruby": "Genesis runs javascript and python assertions, not Ruby",
        "pi": "it calls Pi Labs' scoring service, which Genesis does not call",
        "rouge-n": "not implemented yet; similar or levenshtein compare text offline",
        "bleu": "not implemented yet; similar or levenshtein compare text offline",
        "gleu": "not implemented yet; similar or levenshtein compare text offline",
        "meteor": "not implemented yet; similar or levenshtein compare text offline",
    ]

    /// `scripts` says where `javascript` and `python` assertions find their interpreters: a suite
    /// with one is refused when its interpreter is missing, before anything is asked.
    public static func load(file: String, scripts: ScriptSettings = .fromEnvironment) throws(SuiteError) -> EvaluationSuite {
        let root = try document(file: file)
        return try parse(root, file: file, directory: (file as NSString).deletingLastPathComponent, scripts: scripts)
    }

    /// Parses text (YAML, or JSON, which is YAML too) as a suite.
    public static func parse(_ text: String, file: String = "suite.yaml", directory: String = ".",
                             scripts: ScriptSettings = .fromEnvironment) throws(SuiteError) -> EvaluationSuite {
        try parse(try value(text, file: file), file: file, directory: directory, scripts: scripts)
    }

    static func document(file: String) throws(SuiteError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SuiteError(file: file, field: "file", message: "cannot read the file; check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw SuiteError(file: file, field: "file", message: "not UTF-8 text") }
        return try value(text, file: file)
    }

    static func value(_ text: String, file: String) throws(SuiteError) -> JSONValue {
        if file.hasSuffix(".json") {
            guard let json = JSONValue.parse(text) else { throw SuiteError(file: file, field: "file", message: "not valid JSON") }
            return json
        }
        if let problem = YAMLLimits().problem(in: text) {
            throw SuiteError(file: file, line: problem.line, field: "file", message: problem.message)
        }
        do {
            return convert(try Yams.load(yaml: text))
        } catch let error as YamlError {
            throw SuiteError(file: file, field: "file", message: "YAML syntax error: \(error)")
        } catch {
            throw SuiteError(file: file, field: "file", message: "cannot parse: \(error)")
        }
    }

    static func convert(_ any: Any?) -> JSONValue {
        switch any {
        case nil: return .null
        case let b as Bool: return .bool(b)
        case let i as Int: return .number(Double(i))
        case let d as Double: return .number(d)
        case let s as String: return .string(s)
        case let a as [Any]: return .array(a.map(convert))
        case let o as [String: Any]: return .object(o.mapValues(convert))
        case let o as [AnyHashable: Any]: return .object(Dictionary(o.map { ("\($0.key)", convert($0.value)) }, uniquingKeysWith: { $1 }))
        default: return .string("\(any!)")
        }
    }

    static func parse(_ suite: JSONValue, file: String, directory: String, scripts: ScriptSettings) throws(SuiteError) -> EvaluationSuite {
        let root = try SuiteReferences.resolve(suite, file: file)
        guard let top = root.object else { throw SuiteError(file: file, field: "file", message: "must be a mapping with prompts and tests") }
        for key in top.keys.sorted() {
            if let message = refusedKeys[key] { throw SuiteError(file: file, field: key, message: message) }
        }
        for key in top.keys.sorted() where !knownKeys.contains(key) && !ignoredKeys.contains(key) {
            throw SuiteError(file: file, field: key, message: "unknown key; a suite has \(knownKeys.sorted().joined(separator: ", "))")
        }
        guard let promptsValue = top["prompts"] else {
            throw SuiteError(file: file, field: "prompts", message: "missing: add prompts, e.g. prompts: [\"Summarise: {{text}}\"]")
        }
        let prompts = try self.prompts(promptsValue, file: file, directory: directory)
        guard !prompts.isEmpty else { throw SuiteError(file: file, field: "prompts", message: "is empty") }

        // defaultTest, inline or in a file, with its vars' files read.
        var defaultRaw = top["defaultTest"]
        if case .string(let reference)? = defaultRaw {
            guard reference.hasPrefix("file://") else {
                throw SuiteError(file: file, field: "defaultTest", message: "must be a mapping, or file://default.yaml")
            }
            defaultRaw = try document(file: resolve(String(reference.dropFirst(7)), directory: directory))
        }
        if let value = top["assertionTemplates"], value.object == nil {
            throw SuiteError(file: file, field: "assertionTemplates", message: "must be a mapping of names to assertions")
        }
        defaultRaw = try defaultRaw.map { v throws(SuiteError) in try resolvingFileVars(v, file: file, name: "defaultTest", directory: directory) }
        let defaults = try defaultRaw.map { v throws(SuiteError) in try testCase(v, index: 0, file: file, isDefault: true, directory: directory, scripts: scripts) }
        var grader: SuiteProvider?, defaultEmbedding: ModelID?
        if let provider = defaultRaw?["options"]?["provider"] {
            (grader, defaultEmbedding) = try graders(provider, file: file, test: "defaultTest", field: "defaultTest.options.provider", directory: directory)
        }
        // Each raw test with the file it came from, so that a mistake names that file.
        var rawTests: [(JSONValue, String)]
        switch top["tests"] {
        case nil: rawTests = top["scenarios"] == nil ? [(.object([:]), file)] : []
        case .array(let items)?: rawTests = items.map { ($0, file) }
        case .string(let reference)?: rawTests = try testsFile(reference, file: file, directory: directory)
        default: throw SuiteError(file: file, field: "tests", message: "must be a list of tests or \"file://tests.yaml\"")
        }
        if let scenarios = top["scenarios"] { rawTests += try scenarioTests(scenarios, file: file, directory: directory) }
        var expanded: [(JSONValue, String)] = []
        for (raw, source) in rawTests {
            if case .string(let reference) = raw { expanded += try testsFile(reference, file: source, directory: directory); continue }
            if raw["path"] != nil, raw["vars"] == nil, raw["assert"] == nil {
                throw SuiteError(file: source, field: "tests", message: "test generators ({path: file://..., config}) are not supported: Genesis does not run code to make tests")
            }
            expanded.append((raw, source))
        }
        var tests: [TestCase] = [], sources: [String] = []
        for (offset, (unresolved, source)) in expanded.enumerated() {
            // A test from another file may use the suite's assertion templates too.
            let referenced = source == file ? unresolved : try SuiteReferences.resolve(unresolved, in: root, file: source)
            let raw = try resolvingFileVars(referenced, file: source, name: "#\(offset + 1)", directory: directory)
            var test = try testCase(raw, index: offset + 1, file: source, isDefault: false, directory: directory, scripts: scripts)
            if let defaults {
                test.vars = defaults.vars.merging(test.vars) { $1 }
                test.typedVars = defaults.typedVars.filter { test.vars[$0.key] == defaults.vars[$0.key] }.merging(test.typedVars) { $1 }
                test.assertions = defaults.assertions + test.assertions
                test.threshold = test.threshold ?? defaults.threshold
                test.prefix = test.prefix ?? defaults.prefix
                test.suffix = test.suffix ?? defaults.suffix
                test.metadata = defaults.metadata.merging(test.metadata) { $1 }
                test.transform = test.transform ?? defaults.transform
                test.provider = test.provider ?? defaults.provider
            }
            // The test's own grader (options.provider) grades its llm-rubric checks, the default's included.
            var embedding = defaultEmbedding
            if let provider = raw["options"]?["provider"] {
                let (testGrader, testEmbedding) = try graders(provider, file: source, test: test.name, field: "options.provider", directory: directory)
                embedding = testEmbedding ?? embedding
                for i in test.assertions.indices {
                    try test.assertions[i].updateAll { a in if a.type.needsGrader && a.provider == nil { a.provider = testGrader } }
                }
            }
            if let embedding {
                for i in test.assertions.indices {
                    try test.assertions[i].updateAll { a in
                        if a.type == .similar || a.type == .answerRelevance, a.embeddingProvider == nil { a.embeddingProvider = embedding }
                    }
                }
            }
            // The test's grading prompt (options.rubricPrompt, or the default test's) is every
            // model-graded assertion's that has none of its own.
            if let prompt = raw["options"]?["rubricPrompt"] ?? defaultRaw?["options"]?["rubricPrompt"] {
                let name = test.name
                for i in test.assertions.indices {
                    try test.assertions[i].updateAll { (a: inout Assertion) throws(SuiteError) in
                        guard a.type.needsGrader, a.rubricPrompt == nil else { return }
                        a.rubricPrompt = try rubricPrompt(prompt, for: a.type, directory: directory, file: source, test: name, field: "options.rubricPrompt")
                    }
                }
            }
            // options.factuality: the score of each factuality category, for the test's factuality checks.
            if let scores = raw["options"]?["factuality"] ?? defaultRaw?["options"]?["factuality"] {
                let names = ["subset": "A", "superset": "B", "agree": "C", "disagree": "D", "differButFactual": "E"]
                guard let table = scores.object else {
                    throw SuiteError(file: source, test: test.name, field: "options.factuality", message: "must be a mapping, e.g. {disagree: 0, differButFactual: 0.5}")
                }
                var byCategory: [String: JSONValue] = [:]
                for (key, value) in table {
                    guard let category = names[key], let score = value.double, (0...1).contains(score) else {
                        throw SuiteError(file: source, test: test.name, field: "options.factuality.\(key)",
                                         message: "must be one of \(names.keys.sorted().joined(separator: ", ")) with a score from 0 to 1")
                    }
                    byCategory[category] = .number(score)
                }
                for i in test.assertions.indices {
                    try test.assertions[i].updateAll { a in if a.type == .factuality && a.config == nil { a.config = .object(["factuality": .object(byCategory)]) } }
                }
            }
            // Array variables: one test per combination.
            for vars in try combinations(test, raw: raw, defaults: defaultRaw, file: source) {
                var copy = test
                copy.vars = vars.mapValues(text)
                copy.typedVars = vars.filter { $0.value.string == nil }
                copy.index = tests.count + 1
                tests.append(copy)
                sources.append(source)
            }
        }
        let system = try top["system"].map { v throws(SuiteError) in
            guard let s = v.string else { throw SuiteError(file: file, field: "system", message: "must be a string") }
            return s
        }
        if system != nil, let chat = prompts.first(where: { $0.messages.contains { $0.role == .system } }) {
            throw SuiteError(file: file, field: "system", message: "prompt \"\(chat.label)\" has its own system message; keep one of the two (system: is sent before every prompt)")
        }
        let filters = try top["nunjucksFilters"].map { v throws(SuiteError) in try customFilters(v, file: file, directory: directory, scripts: scripts) }
        // Every prompt must render for every test before anything is asked (a custom filter's
        // call is answered later: its value goes on unfiltered here).
        for (test, source) in zip(tests, sources) {
            for prompt in prompts {
                var variables = test.templateVariables
                if prompt.usesConversation { variables["_conversation"] = .array([]) }
                let round = filters.map(FilterRound.init)
                do { _ = try EvaluationCase(prompt: prompt, test: test).template.render(variables, filters: round) } catch {
                    // With custom filter calls unanswered, a builtin filter may have failed on a
                    // value they were still to change: the render during the run decides.
                    if round?.missed.isEmpty == false { continue }
                    throw SuiteError(file: source, test: test.name, field: error.field, message: error.message)
                }
            }
        }
        if top["providers"] != nil, top["targets"] != nil {
            throw SuiteError(file: file, field: "targets", message: "targets and providers are the same list; keep one")
        }
        let providers = try (top["providers"] ?? top["targets"]).map { v throws(SuiteError) in
            try self.providers(v, file: file, field: top["providers"] == nil ? "targets" : "providers", directory: directory)
        } ?? []
        var suite = EvaluationSuite(description: top["description"]?.string, prompts: prompts, system: system, tests: tests, grader: grader, file: file,
                                    providers: providers)
        suite.filters = filters
        if let derived = top["derivedMetrics"] {
            let named = Set(tests.flatMap(\.assertions).flatMap(\.withChildren).compactMap(\.metric))
            suite.derivedMetrics = try derivedMetrics(derived, named: named, file: file)
        }
        return suite
    }

    /// `derivedMetrics: [{name, value}]`: each value an expression over the named metrics and
    /// the derived metrics before it, checked now so that a typo is not found after the run.
    static func derivedMetrics(_ value: JSONValue, named: Set<String>, file: String) throws(SuiteError) -> [DerivedMetric] {
        guard let items = value.array else { throw SuiteError(file: file, field: "derivedMetrics", message: "must be a list of {name, value}") }
        var result: [DerivedMetric] = [], known = named
        for (i, item) in items.enumerated() {
            let field = "derivedMetrics[\(i)]"
            guard let name = item["name"]?.string, !name.isEmpty else { throw SuiteError(file: file, field: "\(field).name", message: "missing; name the metric") }
            guard let expression = item["value"]?.string else {
                throw SuiteError(file: file, field: "\(field).value", message: "must be an expression over metric names, e.g. tp / (tp + fp)")
            }
            if expression.hasPrefix("file://") || expression.contains("=>") || expression.contains("function") || expression.contains("return ") {
                throw SuiteError(file: file, field: "\(field).value",
                                 message: "derived metrics written as JavaScript functions are not supported; write an expression over the metric names, e.g. tp / (tp + fp)")
            }
            let metric = DerivedMetric(name: name, expression: expression)
            do throws(TemplateError) {
                for used in try metric.names().sorted() where !known.contains(used) {
                    throw TemplateError("it uses \(used), which is not a metric: no assertion has metric: \(used), and no derived metric before it is called so")
                }
            } catch {
                throw SuiteError(file: file, field: "\(field).value", message: "\"\(expression)\": \(error.message)")
            }
            known.insert(name)
            result.append(metric)
        }
        return result
    }

    static func resolve(_ path: String, directory: String) -> String {
        path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
    }

    /// `directory` is the suite's: `file://` paths in a test are relative to it, as in promptfoo,
    /// even when the test comes from a tests file elsewhere.
    static func testCase(_ value: JSONValue, index: Int, file: String, isDefault: Bool, directory: String,
                         scripts: ScriptSettings) throws(SuiteError) -> TestCase {
        let name = isDefault ? "defaultTest" : "#\(index)"
        guard let object = value.object else { throw SuiteError(file: file, test: name, field: "test", message: "must be a mapping with vars and assert") }
        let described = object["description"]?.string.map { "#\(index) \"\($0)\"" } ?? name
        let allowed: Set<String> = ["description", "vars", "assert", "threshold", "options", "metadata", "provider", "metric"]
        if object["providers"] != nil {
            throw SuiteError(file: file, test: described, field: "providers",
                             message: "a test's providers filter (running it on some providers only) is not supported: every test runs on each model")
        }
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw SuiteError(file: file, test: described, field: key, message: "unknown field; a test has \(allowed.sorted().joined(separator: ", "))")
        }
        if let options = object["options"], options.object == nil {
            throw SuiteError(file: file, test: described, field: "options", message: "must be a mapping, e.g. options: {provider: openai:gpt-4o}")
        }
        let options = object["options"]?.object ?? [:]
        let refusedOptions = ["postprocess": "options.postprocess is promptfoo's old name for options.transform; rename it",
                              "storeOutputAs": "storing an output as a variable for later tests (options.storeOutputAs) is not supported"]
        let knownOptions: Set<String> = ["prefix", "suffix", "provider", "transform", "rubricPrompt", "factuality"]
        for key in options.keys.sorted() {
            if let message = refusedOptions[key] { throw SuiteError(file: file, test: described, field: "options.\(key)", message: message) }
            if !knownOptions.contains(key) {
                throw SuiteError(file: file, test: described, field: "options.\(key)",
                                 message: "not supported; a test's options here are \(knownOptions.sorted().joined(separator: ", "))")
            }
        }
        for key in ["prefix", "suffix"] where options[key] != nil && options[key]?.string == nil {
            throw SuiteError(file: file, test: described, field: "options.\(key)", message: "must be text")
        }
        var vars: [String: String] = [:], typedVars: [String: JSONValue] = [:]
        if let v = object["vars"] {
            guard let table = v.object else { throw SuiteError(file: file, test: described, field: "vars", message: "must be a mapping of names to values (or file://vars.yaml)") }
            for (key, value) in table where value.array == nil {
                vars[key] = text(value)
                if value.string == nil { typedVars[key] = value }
            }
        }
        if let m = object["metadata"], m.object == nil {
            throw SuiteError(file: file, test: described, field: "metadata", message: "must be a mapping")
        }
        var assertions: [Assertion] = []
        if let v = object["assert"] {
            guard let items = v.array else { throw SuiteError(file: file, test: described, field: "assert", message: "must be a list of {type, value}") }
            for (i, item) in items.enumerated() {
                assertions.append(try assertion(item, file: file, test: described, field: "assert[\(i)]", directory: directory, scripts: scripts))
            }
        }
        var threshold: Double?
        if let v = object["threshold"] {
            guard let t = v.double, (0...1).contains(t) else { throw SuiteError(file: file, test: described, field: "threshold", message: "must be a number from 0 to 1") }
            threshold = t
        }
        // A test's metric names every assertion's metric that has none (CSV's __metric).
        if let metric = object["metric"]?.string { for i in assertions.indices where assertions[i].metric == nil { assertions[i].metric = metric } }
        var test = TestCase(index: index, description: object["description"]?.string, vars: vars, assertions: assertions, threshold: threshold,
                            typedVars: typedVars, prefix: options["prefix"]?.string, suffix: options["suffix"]?.string,
                            metadata: object["metadata"]?.object ?? [:])
        if let code = options["transform"] {
            test.transform = try transform(code, directory: directory, file: file, test: described, field: "options.transform", scripts: scripts)
        }
        // A test's own provider answers it in every column, instead of the column's model.
        if let provider = object["provider"] {
            guard provider.array == nil else {
                throw SuiteError(file: file, test: described, field: "provider", message: "must be one provider, e.g. provider: openai:gpt-4.1")
            }
            do {
                test.provider = try providers(provider, file: file, field: "provider", directory: directory).first
            } catch {
                throw SuiteError(file: file, test: described, field: error.field, message: error.message)
            }
        }
        return test
    }

    static func assertion(_ value: JSONValue, file: String, test: String, field: String, directory: String,
                          scripts: ScriptSettings) throws(SuiteError) -> Assertion {
        guard let object = value.object else { throw SuiteError(file: file, test: test, field: field, message: "must be a mapping with type") }
        if object["type"]?.string?.hasSuffix("assert-set") == true {
            return try assertionSet(object, file: file, test: test, field: field, directory: directory, scripts: scripts)
        }
        let allowed: Set<String> = ["type", "value", "weight", "threshold", "provider", "metric", "transform", "contextTransform", "rubricPrompt", "config"]
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw SuiteError(file: file, test: test, field: "\(field).\(key)", message: "unknown field; an assertion has type, value, weight, threshold, provider, config")
        }
        if object["contextTransform"] != nil {
            throw SuiteError(file: file, test: test, field: "\(field).contextTransform", message: "contextTransform is not supported: put the context in the test's vars.context")
        }
        guard let typeName = object["type"]?.string else {
            throw SuiteError(file: file, test: test, field: "\(field).type", message: "missing; e.g. type: contains")
        }
        let negated = typeName.hasPrefix("not-")
        var base = negated ? String(typeName.dropFirst(4)) : typeName
        if base == "model-graded-factuality" { base = "factuality" } // promptfoo's other name for it
        guard let type = AssertionType(rawValue: base) else {
            if let why = promptfooTypesNotHere[base] {
                throw SuiteError(file: file, test: test, field: "\(field).type", message: "promptfoo's \(base) assertion is not supported: \(why)")
            }
            let suggestion = AssertionType.allCases.map(\.rawValue).min { distance($0, base) < distance($1, base) }
            let hint = suggestion.flatMap { distance($0, base) <= 3 ? " (did you mean \"\($0)\"?)" : nil } ?? ""
            throw SuiteError(file: file, test: test, field: "\(field).type",
                             message: "unknown assertion type \"\(typeName)\"\(hint); known: \(AssertionType.allCases.map(\.rawValue).joined(separator: ", ")), each also with not-")
        }
        var value = object["value"]
        // A number or true/false where text is compared is that text, as in promptfoo (value: 42
        // checks for "42"); `equals` keeps it, to compare with the answer as JSON.
        switch value {
        case .number?, .bool?: if type != .equals { value = .string(text(value!)) }
        case .array(let items)?: value = .array(items.map { item in
            switch item {
            case .number, .bool: .string(text(item))
            default: item
            }
        })
        default: break
        }
        var assertion = Assertion(type: type, negated: negated, value: value)
        if let code = object["transform"] {
            assertion.transform = try transform(code, directory: directory, file: file, test: test, field: "\(field).transform", scripts: scripts)
        }
        try scoring(object, into: &assertion, file: file, test: test, field: field)
        if let p = object["provider"] {
            // promptfoo's `{text: ID, embedding: ID}`, or for `similar` an embedding model alone.
            if let embedding = p["embedding"] {
                assertion.embeddingProvider = try embeddingModel(embedding, file: file, test: test, field: "\(field).provider.embedding")
                if let text = p["text"] { assertion.provider = try grader(text, file: file, test: test, field: "\(field).provider.text", directory: directory) }
            } else if type == .similar {
                assertion.embeddingProvider = try embeddingModel(p, file: file, test: test, field: "\(field).provider")
            } else {
                assertion.provider = try grader(p, file: file, test: test, field: "\(field).provider", directory: directory)
            }
        }
        if let prompt = object["rubricPrompt"] {
            assertion.rubricPrompt = try rubricPrompt(prompt, for: type, directory: directory, file: file, test: test, field: "\(field).rubricPrompt")
        }
        // A text value may be a file's content (promptfoo: "value: file://gettysburg.txt"); a
        // JSON schema a .json or .yaml file.
        if type != .javascript, type != .python, case .string(let reference)? = assertion.value, reference.hasPrefix("file://") {
            assertion.value = try fileValue(String(reference.dropFirst(7)), directory: directory, file: file, test: test, field: "\(field).value", list: false)
            if type == .isJSON || type == .containsJSON, case .string(let text)? = assertion.value, let parsed = JSONValue.parse(text) { assertion.value = parsed }
        }
        // Values each type needs.
        switch type {
        case .answerRelevance, .contextFaithfulness, .contextRelevance:
            break // they read the test's query and context variables
        case .gEval:
            guard let v = assertion.value, v.string != nil || v.array?.allSatisfy({ $0.string != nil }) == true else {
                throw SuiteError(file: file, test: test, field: "\(field).value", message: "g-eval needs criteria: a string or a list of strings")
            }
        case .equals, .contains, .icontains, .regex, .startsWith, .levenshtein, .similar, .llmRubric, .closedQA, .factuality, .contextRecall, .selectBest:
            guard let v = assertion.value, v.string != nil || (type == .equals && v != .null) || (type == .similar && v.array != nil) else {
                throw SuiteError(file: file, test: test, field: "\(field).value", message: "\(type.rawValue) needs a value (a string)")
            }
            if type == .regex, (try? NSRegularExpression(pattern: v.string ?? "")) == nil {
                throw SuiteError(file: file, test: test, field: "\(field).value", message: "\"\(v.string ?? "")\" is not a valid regular expression")
            }
        case .containsAny, .containsAll, .icontainsAny, .icontainsAll:
            guard let v = assertion.value, v.array?.allSatisfy({ $0.string != nil }) == true || v.string != nil else {
                throw SuiteError(file: file, test: test, field: "\(field).value", message: "\(type.rawValue) needs a list of strings")
            }
        case .latency, .cost:
            guard assertion.threshold != nil else {
                throw SuiteError(file: file, test: test, field: "\(field).threshold", message: "\(type.rawValue) needs a threshold (\(type == .latency ? "milliseconds" : "US dollars"))")
            }
        case .isJSON, .containsJSON:
            if let v = assertion.value, v.object == nil, v.string == nil {
                throw SuiteError(file: file, test: test, field: "\(field).value", message: "a JSON schema must be a mapping")
            }
        case .javascript, .python:
            let language: ScriptLanguage = type == .javascript ? .javascript : .python
            do {
                assertion.value = .string(try script(assertion.value, language: language, directory: directory, scripts: scripts))
            } catch {
                throw SuiteError(file: file, test: test, field: "\(field).value", message: error.message)
            }
        case .assertSet: break // read by `assertionSet`
        }
        return assertion
    }

    /// A `javascript` or `python` assertion's value, checked: inline code, or `file://` made
    /// absolute, naming a file that is there and of the language; and the language's interpreter
    /// is on PATH.
    static func script(_ value: JSONValue?, language: ScriptLanguage, directory: String, scripts: ScriptSettings) throws(SuiteError) -> String {
        let name = language.rawValue
        guard let text = value?.string, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw SuiteError(field: "value", message: "\(name) needs code: an expression, a function body with return, or file://check.\(language == .javascript ? "js" : "py")")
        }
        var resolved = text
        if case .file(let path, let function) = ScriptSource(text) {
            let full = resolve(path, directory: directory)
            let ext = (full as NSString).pathExtension.lowercased()
            if ["ts", "mts", "cts"].contains(ext) {
                throw SuiteError(field: "value", message: "TypeScript assertion files are not supported (promptfoo compiles them itself); compile \(path) to JavaScript and point at the .js file")
            }
            guard language.fileExtensions.contains(ext) else {
                throw SuiteError(field: "value", message: "a \(name) assertion runs a .\(language.fileExtensions.sorted().joined(separator: ", .")) file, not \(path)")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw SuiteError(field: "value", message: "\(full) does not exist")
            }
            resolved = ScriptSource.file(path: full, function: function).reference ?? text
        }
        guard scripts.interpreter(for: language) != nil else { throw SuiteError(field: "value", message: scripts.missing(language)) }
        return resolved
    }

    /// An assertion's `rubricPrompt` (or a test's `options.rubricPrompt`): text or messages,
    /// inline or `file://` (a .json or .yaml file holds messages). context-faithfulness takes
    /// two prompts (its statements step and its verdict step), g-eval `{steps, evaluate}`.
    static func rubricPrompt(_ value: JSONValue, for type: AssertionType?, directory: String, file: String, test: String, field: String) throws(SuiteError) -> JSONValue {
        if let type, !type.needsGrader {
            throw SuiteError(file: file, test: test, field: field, message: "only model-graded assertions (llm-rubric, factuality, …) have a grading prompt, not \(type.rawValue)")
        }
        var prompt = value
        if case .string(let text) = value, text.hasPrefix("file://") {
            let path = resolve(String(text.dropFirst(7)), directory: directory)
            let ext = (path as NSString).pathExtension.lowercased()
            if ["js", "mjs", "cjs", "ts", "py"].contains(ext) {
                throw SuiteError(file: file, test: test, field: field, message: "a grading prompt made by code (\(text)) is not supported; write it as text or as messages in a .json or .yaml file")
            }
            guard let data = FileManager.default.contents(atPath: path), let content = String(data: data, encoding: .utf8) else {
                throw SuiteError(file: file, test: test, field: field, message: "cannot read \(path)")
            }
            prompt = .string(content)
            if ext == "json", let parsed = JSONValue.parse(content) { prompt = parsed }
            if ext == "yaml" || ext == "yml" { prompt = try SuiteLoader.value(content, file: path) }
        }
        switch prompt {
        case .object(let parts) where type == .gEval && Set(parts.keys).isSubset(of: ["steps", "evaluate"]): return prompt
        case _ where type == .gEval:
            throw SuiteError(file: file, test: test, field: field, message: "g-eval's grading prompt is {steps: ..., evaluate: ...}, one for each of its two questions")
        case .string: return prompt
        case .array(let items) where items.allSatisfy({ $0.string != nil || ($0["role"]?.string != nil && $0["content"]?.string != nil) }): return prompt
        default:
            throw SuiteError(file: file, test: test, field: field, message: "must be text or a list of {role, content} messages\(type == .gEval ? " (or {steps, evaluate} for g-eval)" : "")")
        }
    }

    /// A transform's code, checked as a script's is: JavaScript unless it is a `.py` file
    /// (whose function is `get_transform` unless named), with its interpreter on PATH.
    static func transform(_ value: JSONValue, directory: String, file: String, test: String, field: String,
                          scripts: ScriptSettings) throws(SuiteError) -> OutputTransform {
        guard let text = value.string else { throw SuiteError(file: file, test: test, field: field, message: "must be code (text) or file://transform.js") }
        var language = ScriptLanguage.javascript
        if case .file(let path, _) = ScriptSource(text), (path as NSString).pathExtension.lowercased() == "py" { language = .python }
        do {
            var code = try script(value, language: language, directory: directory, scripts: scripts)
            if language == .python, case .file(let path, nil) = ScriptSource(code) { code = ScriptSource.file(path: path, function: "get_transform").reference ?? code }
            return OutputTransform(language: language, code: code)
        } catch {
            throw SuiteError(file: file, test: test, field: field, message: error.message)
        }
    }

    /// `nunjucksFilters: {name: path}`: JavaScript files (relative to the suite, `file://` or
    /// not) each exporting the filter, run by node, which must be on PATH.
    static func customFilters(_ value: JSONValue, file: String, directory: String, scripts: ScriptSettings) throws(SuiteError) -> CustomFilters {
        guard let entries = value.object, !entries.isEmpty else {
            throw SuiteError(file: file, field: "nunjucksFilters", message: "must be a mapping of filter names to JavaScript files, e.g. {shout: ./filters/shout.js}")
        }
        var files: [String: String] = [:]
        for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let field = "nunjucksFilters.\(name)"
            guard var path = entry.string else { throw SuiteError(file: file, field: field, message: "must be the path of a JavaScript file") }
            if path.hasPrefix("file://") { path.removeFirst(7) }
            let full = resolve(path, directory: directory)
            guard ["js", "cjs", "mjs"].contains((full as NSString).pathExtension.lowercased()) else {
                throw SuiteError(file: file, field: field, message: "\(path) is not a JavaScript file (.js, .cjs or .mjs); filters run with node")
            }
            guard FileManager.default.fileExists(atPath: full) else { throw SuiteError(file: file, field: field, message: "\(full) does not exist") }
            files[name] = full
        }
        guard scripts.interpreter(for: .javascript) != nil else {
            throw SuiteError(file: file, field: "nunjucksFilters", message: "custom Nunjucks filters run with node (Node.js), which is not on PATH; install it (e.g. apt-get install nodejs) or remove them")
        }
        return CustomFilters(files: files, scripts: scripts)
    }

    /// `options.provider`: a grader (``grader(_:file:test:field:directory:)``), or promptfoo's
    /// `{text: GRADER, embedding: ID}` (either may be left out) naming the grader and the
    /// embedding model apart.
    static func graders(_ value: JSONValue, file: String, test: String, field: String,
                        directory: String) throws(SuiteError) -> (text: SuiteProvider?, embedding: ModelID?) {
        guard value["text"] != nil || value["embedding"] != nil else { return (try grader(value, file: file, test: test, field: field, directory: directory), nil) }
        let text = try value["text"].map { v throws(SuiteError) in try grader(v, file: file, test: test, field: "\(field).text", directory: directory) }
        let embedding = try value["embedding"].map { v throws(SuiteError) in try embeddingModel(v, file: file, test: test, field: "\(field).embedding") }
        return (text, embedding)
    }

    /// A grader: a promptfoo id, or a provider as `providers:` takes one (`{id, label, config}`,
    /// a `file://` file), whose `config` sets the grading requests.
    static func grader(_ value: JSONValue, file: String, test: String, field: String, directory: String) throws(SuiteError) -> SuiteProvider {
        let found: [SuiteProvider]
        do { found = try providers(value, file: file, field: field, directory: directory) } catch {
            throw SuiteError(file: file, test: test, field: error.field, message: error.message)
        }
        guard found.count == 1, let grader = found.first else {
            throw SuiteError(file: file, test: test, field: field, message: "must be one grader, e.g. provider: openai:gpt-4.1-mini or {id: openai:gpt-4.1-mini, config: {temperature: 0}}")
        }
        return grader
    }

    /// An embedding model: a promptfoo id, or `{id: ...}`.
    static func embeddingModel(_ value: JSONValue, file: String, test: String, field: String) throws(SuiteError) -> ModelID {
        let text = value.string ?? value["id"]?.string ?? ""
        do { return try PromptfooProviders.model(text, embedding: true) } catch {
            throw SuiteError(file: file, test: test, field: field, message: "\"\(text)\" \(error.message)")
        }
    }

    /// The suite's `providers:` in promptfoo's forms: an id, a list of ids, `{id, label, config}`
    /// objects, `{ID: {label, config}}` mappings, and `file://` files holding one or a list.
    static func providers(_ value: JSONValue, file: String, field: String, directory: String) throws(SuiteError) -> [SuiteProvider] {
        var entries: [(JSONValue, String)] = []
        func collect(_ value: JSONValue, _ place: String) throws(SuiteError) {
            if let reference = value.string, reference.hasPrefix("file://"),
               [".yaml", ".yml", ".json"].contains(where: { reference.lowercased().hasSuffix($0) }) {
                for (loaded, _) in try documents(String(reference.dropFirst(7)), file: file, field: place, directory: directory) {
                    for (offset, item) in (loaded.array ?? [loaded]).enumerated() { entries.append((item, "\(place) (\(reference) #\(offset + 1))")) }
                }
            } else {
                entries.append((value, place))
            }
        }
        switch value {
        case .array(let items): for (offset, item) in items.enumerated() { try collect(item, "\(field)[\(offset)]") }
        default: try collect(value, field)
        }
        var providers: [SuiteProvider] = []
        for (entry, place) in entries {
            var object: [String: JSONValue]
            var id: String
            switch entry {
            case .string(let text): object = [:]; id = text
            case .object(let o) where o["id"] != nil:
                object = o
                guard let text = o["id"]?.string else { throw SuiteError(file: file, field: "\(place).id", message: "must be a string such as openai:gpt-4.1") }
                id = text
            case .object(let o) where o.count == 1 && !["label", "config", "prompts", "transform", "delay", "env"].contains(o.keys.first ?? ""):
                // The older mapping form: {openai:gpt-4.1: {label, config}}; an id inside wins.
                let inner = o.values.first ?? .null
                guard inner.object != nil || inner == .null else {
                    throw SuiteError(file: file, field: place, message: "the mapping form is {ID: {label, config}}; \(o.keys.first ?? "") maps to something else")
                }
                object = inner.object ?? [:]
                id = object["id"]?.string ?? o.keys.first ?? ""
            case .object:
                throw SuiteError(file: file, field: "\(place).id", message: "missing: a provider needs an id such as openai:gpt-4.1")
            default:
                throw SuiteError(file: file, field: place, message: "must be a provider id such as openai:gpt-4.1, or {id, label, config}")
            }
            // `delay` (a pause between requests) changes no answer: Genesis paces requests by its rate limits.
            let unsupported = ["prompts": "limiting a provider to some prompts (prompts:) is not supported; every prompt runs on every provider",
                               "transform": "a provider's output transform is not supported", "env": "a provider's own env is not supported",
                               "delay": nil as String?]
            for key in object.keys.sorted() where !["id", "label", "config"].contains(key) {
                guard let known = unsupported[key] else {
                    throw SuiteError(file: file, field: "\(place).\(key)", message: "unknown field; a provider has id, label and config")
                }
                if let message = known { throw SuiteError(file: file, field: "\(place).\(key)", message: message) }
            }
            do {
                let model = try PromptfooProviders.model(id)
                let parameters = try object["config"].map { v throws(ProviderIDError) in try PromptfooProviders.parameters(v) } ?? .init()
                providers.append(SuiteProvider(id: id, label: object["label"]?.string, model: model, parameters: parameters))
            } catch {
                let inConfig = error.id.hasPrefix("config")
                throw SuiteError(file: file, field: inConfig ? "\(place).\(error.id)" : place, message: inConfig ? error.message : "\"\(id)\" \(error.message)")
            }
        }
        for (offset, provider) in providers.enumerated() {
            if let earlier = providers[..<offset].first(where: { $0.model == provider.model }) {
                throw SuiteError(file: file, field: field, message: "\"\(earlier.id)\" and \"\(provider.id)\" are both \(provider.model): Genesis evaluates each model once a run; run the other settings as a run of their own")
            }
        }
        return providers
    }

    /// Every combination of the list variables' values, with the other variables as typed.
    static func combinations(_ test: TestCase, raw: JSONValue, defaults: JSONValue?, file: String) throws(SuiteError) -> [[String: JSONValue]] {
        var arrays: [(String, [JSONValue])] = []
        for source in [defaults?["vars"]?.object ?? [:], raw["vars"]?.object ?? [:]] {
            for (key, value) in source {
                if let items = value.array { arrays.removeAll { $0.0 == key }; arrays.append((key, items)) }
                else { arrays.removeAll { $0.0 == key } }
            }
        }
        var result = [test.vars.reduce(into: [String: JSONValue]()) { $0[$1.key] = test.typedVars[$1.key] ?? .string($1.value) }]
        for (key, values) in arrays.sorted(by: { $0.0 < $1.0 }) {
            guard !values.isEmpty else { throw SuiteError(file: file, test: test.name, field: "vars.\(key)", message: "an empty list gives no tests") }
            result = result.flatMap { vars in values.map { var copy = vars; copy[key] = $0; return copy } }
        }
        return result
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .bool(let b): String(b)
        case .null: ""
        default: String(decoding: value.encoded(), as: UTF8.self)
        }
    }

    static func distance(_ a: String, _ b: String) -> Int { TextSimilarity.levenshtein(a, b) }
}
