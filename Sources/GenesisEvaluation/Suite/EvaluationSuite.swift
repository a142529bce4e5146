import GenesisEngine

/// A test suite in promptfoo's format: prompt templates with `{{var}}`, test cases with
/// variables and assertions, and defaults for every test.
public struct EvaluationSuite: Sendable, Hashable {
    public var description: String?
    public var prompts: [PromptTemplate]
    /// Sent as the system message of every request.
    public var system: String?
    public var tests: [TestCase]
    /// The model that grades `llm-rubric` assertions unless one names its own
    /// (`defaultTest.options.provider`), with the settings of its `config`.
    public var grader: SuiteProvider?
    public var file: String?
    /// The suite's own `providers:` (or `targets:`): the models it runs on when none are named.
    public var providers: [SuiteProvider]
    /// Its `nunjucksFilters`, run by node.
    public var filters: CustomFilters?
    /// Metrics computed from the named metrics once every answer is in (promptfoo's `derivedMetrics`).
    public var derivedMetrics: [DerivedMetric] = []

    public init(description: String? = nil, prompts: [PromptTemplate], system: String? = nil, tests: [TestCase],
                grader: SuiteProvider? = nil, file: String? = nil, providers: [SuiteProvider] = []) {
        self.description = description
        self.prompts = prompts
        self.system = system
        self.tests = tests
        self.grader = grader
        self.file = file
        self.providers = providers
    }

    /// Every (prompt, test) pair, in order: what each model answers.
    public var cases: [EvaluationCase] {
        prompts.flatMap { prompt in tests.map { EvaluationCase(prompt: prompt, test: $0) } }
    }
}

public struct TestCase: Sendable, Hashable {
    /// Position in the suite (1-based), for messages.
    public var index: Int
    public var description: String?
    public var vars: [String: String]
    public var assertions: [Assertion]
    /// Weighted score needed to pass; nil: every assertion must pass.
    public var threshold: Double?
    /// The variables as the suite typed them (numbers, lists, objects, parsed files), for code
    /// that reads `context.vars`; `vars` holds their text. A name missing here is text.
    public var typedVars: [String: JSONValue]
    /// Put before and after each prompt's text (promptfoo's `options.prefix` and `__prefix`);
    /// in a chat prompt, around its last user message.
    public var prefix: String?
    public var suffix: String?
    public var metadata: [String: JSONValue]
    /// `options.transform`: what the assertions see instead of the raw output.
    public var transform: OutputTransform?
    /// The test's own `provider` (or `defaultTest`'s): it answers the test in every column,
    /// instead of the column's model.
    public var provider: SuiteProvider?

    public init(index: Int, description: String? = nil, vars: [String: String] = [:], assertions: [Assertion] = [], threshold: Double? = nil,
                typedVars: [String: JSONValue] = [:], prefix: String? = nil, suffix: String? = nil, metadata: [String: JSONValue] = [:]) {
        self.index = index
        self.description = description
        self.vars = vars
        self.assertions = assertions
        self.threshold = threshold
        self.typedVars = typedVars
        self.prefix = prefix
        self.suffix = suffix
        self.metadata = metadata
    }

    /// The variables as code sees them: typed where the suite typed them, else text.
    public var varsJSON: JSONValue {
        .object(vars.reduce(into: [String: JSONValue]()) { $0[$1.key] = typedVars[$1.key] ?? .string($1.value) })
    }

    /// `#3 "refuses politely"`, or the variables when it has no description.
    public var name: String {
        if let description { return "#\(index) \(description)" }
        let vars = self.vars.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return vars.isEmpty ? "#\(index)" : "#\(index) \(vars.count > 60 ? String(vars.prefix(59)) + "…" : vars)"
    }
}

/// One prompt of one test: what a model is asked.
public struct EvaluationCase: Sendable, Hashable {
    public var prompt: PromptTemplate
    public var test: TestCase

    /// The prompt with the test's prefix and suffix around its text (a chat's last user message).
    public var template: PromptTemplate {
        guard test.prefix != nil || test.suffix != nil else { return prompt }
        var template = prompt
        let wrap = { (text: String) in (test.prefix ?? "") + text + (test.suffix ?? "") }
        if let last = template.messages.lastIndex(where: { $0.role == .user }) {
            template.messages[last].content = wrap(template.messages[last].content)
        } else if !template.isChat {
            template.template = wrap(template.template)
        }
        return template
    }
}

public struct Assertion: Sendable, Hashable {
    public var type: AssertionType
    /// `not-` in front of the type: the result is inverted.
    public var negated: Bool
    public var value: JSONValue?
    public var weight: Double
    public var threshold: Double?
    /// The grader for `llm-rubric` and the other model-graded types, with the settings of its `config`.
    public var provider: SuiteProvider?
    /// The embedding model `similar` and `answer-relevance` compare with (`provider: {embedding:
    /// ID}`, or `similar`'s own `provider`); without one they use the offline word similarity.
    public var embeddingProvider: ModelID?
    /// The assertion's `config`, which `javascript` and `python` checks read as `context.config`.
    public var config: JSONValue?
    /// A name that gathers assertions into a metric (promptfoo's `metric`).
    public var metric: String?
    /// An `assert-set`'s assertions: it passes when they reach its `threshold` as a weighted
    /// score, or, without one, when all of them pass.
    public var children: [Assertion] = []
    /// The grading prompt instead of Genesis' default for the type (promptfoo's `rubricPrompt`):
    /// a template, as text or as a list of `{role, content}` messages.
    public var rubricPrompt: JSONValue?
    /// The assertion's `transform` of the output, applied after the test's.
    public var transform: OutputTransform?

    public init(type: AssertionType, negated: Bool = false, value: JSONValue? = nil, weight: Double = 1, threshold: Double? = nil,
                provider: SuiteProvider? = nil, config: JSONValue? = nil) {
        self.type = type
        self.negated = negated
        self.value = value
        self.weight = weight
        self.threshold = threshold
        self.provider = provider
        self.config = config
    }

    public var name: String { (negated ? "not-" : "") + type.rawValue }
}

/// promptfoo's assertion types that Genesis implements, with promptfoo's names and meanings.
public enum AssertionType: String, Sendable, Hashable, CaseIterable {
    case equals, contains, icontains
    case containsAny = "contains-any", containsAll = "contains-all"
    case icontainsAny = "icontains-any", icontainsAll = "icontains-all"
    case regex
    case startsWith = "starts-with"
    case isJSON = "is-json", containsJSON = "contains-json"
    case latency, cost, levenshtein, similar
    case llmRubric = "llm-rubric"
    /// Code of the suite's author, run by `node` or `python3` in a child process.
    case javascript, python
    /// A group of assertions scored together (``Assertion/children``).
    case assertSet = "assert-set"
    /// Graded by a model with promptfoo's grading prompts and verdict formats (``GradingPrompts``).
    case closedQA = "model-graded-closedqa", factuality, gEval = "g-eval", answerRelevance = "answer-relevance"
    case contextFaithfulness = "context-faithfulness", contextRecall = "context-recall", contextRelevance = "context-relevance"
    /// Compares the outputs of every prompt and model for the test; the one the grader picks passes.
    case selectBest = "select-best"

    /// The types a grader model checks (`--grader`, `provider:`, `options.provider`).
    public var needsGrader: Bool {
        switch self {
        case .llmRubric, .closedQA, .factuality, .gEval, .answerRelevance, .contextFaithfulness, .contextRecall, .contextRelevance, .selectBest: true
        default: false
        }
    }
}

/// A suite that cannot be read: which file, which test, which field, and what to do.
public struct SuiteError: GenesisError, Hashable {
    public var file: String?
    /// The line of the file, when the mistake has one place (1-based).
    public var line: Int?
    public var test: String?
    public var field: String
    public var message: String

    public init(file: String? = nil, line: Int? = nil, test: String? = nil, field: String, message: String) {
        self.file = file
        self.line = line
        self.test = test
        self.field = field
        self.message = message
    }

    public var provider: String? { nil }
    public var model: String? { nil }
    public var category: ErrorCategory { .configuration }
    public var description: String {
        var place = file ?? "suite"
        if let line { place += ":\(line)" }
        if let test { place += ", test \(test)" }
        return "\(place), \(field): \(message)"
    }
}
