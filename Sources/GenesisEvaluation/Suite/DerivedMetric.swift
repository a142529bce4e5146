import GenesisEngine

/// promptfoo's `derivedMetrics`: a metric computed, once every answer is in, from the named
/// metrics (`metric:` on assertions), e.g. `precision: tp / (tp + fp)`. A named metric stands
/// for the sum of its assertions' scores, as promptfoo's named scores add up over the tests;
/// an earlier derived metric may be used by a later one. The expression is arithmetic in
/// promptfoo's (mathjs) notation: numbers, names, `+ - * / % ^` and parentheses.
public struct DerivedMetric: Sendable, Hashable {
    public var name: String
    public var expression: String

    public init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }

    /// The value over `scores` (named metrics and earlier derived ones), or why there is none.
    public func value(_ scores: [String: Double]) -> Result<Double, TemplateError> {
        do {
            guard case .number(let n)? = try NunjucksTemplate.evaluate(expression: Self.nunjucks(expression), scores.mapValues(JSONValue.number)) else {
                return .failure(TemplateError("\(name) is not a number"))
            }
            return .success(n)
        } catch {
            return .failure(error)
        }
    }

    /// The names the expression uses.
    public func names() throws(TemplateError) -> Set<String> {
        try NunjucksTemplate.variables(inExpression: Self.nunjucks(expression))
    }

    /// mathjs writes a power `^`, Nunjucks `**`.
    static func nunjucks(_ expression: String) -> String { expression.replacingOccurrences(of: "^", with: "**") }
}

/// A derived metric's value on one model: nil when it cannot be computed (a division by zero
/// gives infinity or NaN, as in promptfoo, and is kept).
public struct DerivedMetricValue: Sendable, Hashable {
    public var name: String
    public var value: Double?
    public var problem: String?
}

extension ModelReport {
    /// Each derived metric in order, each seeing the named metrics' sums and the ones before it.
    public func derived(_ metrics: [DerivedMetric]) -> [DerivedMetricValue] {
        var scores = Dictionary(uniqueKeysWithValues: self.metrics.map { ($0.name, $0.score * Double($0.total)) })
        return metrics.map { metric in
            switch metric.value(scores) {
            case .success(let value):
                scores[metric.name] = value
                return DerivedMetricValue(name: metric.name, value: value)
            case .failure(let error):
                return DerivedMetricValue(name: metric.name, value: nil, problem: error.message)
            }
        }
    }
}
