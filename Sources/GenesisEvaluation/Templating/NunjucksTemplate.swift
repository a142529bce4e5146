import GenesisEngine

/// A template in the Nunjucks dialect promptfoo renders prompts, variables and assertion
/// values with: `{{ expression | filter }}`, `{% if/elif/else %}`, `{% for %}` with `loop`,
/// `{% set %}`, `{% filter %}`, `{% raw %}`, `{# comments #}` and `-` whitespace control;
/// no HTML autoescaping (promptfoo turns it off).
///
/// Why not a template library: Stencil (the kept Swift one nearest to it) writes filter
/// arguments `default:"x"` where Nunjucks writes `default("x")`, has `forloop.counter` where
/// Nunjucks has `loop.index`, and has no `~`, no arithmetic, no list or object literals; a suite
/// written for promptfoo would not parse. Mustache has no filters or expressions at all.
public struct NunjucksTemplate: Sendable, Hashable {
    let nodes: [TemplateNode]

    public init(_ source: String) throws(TemplateError) {
        nodes = try TemplateParser.parse(source)
    }

    /// Whether the text has anything for a template engine to do; plain text is sent as it is
    /// (and costs no parse).
    public static func isTemplate(_ text: String) -> Bool {
        text.contains("{{") || text.contains("{%") || text.contains("{#")
    }

    /// `filters` are the suite's own (`nunjucksFilters`) in this render's round; see
    /// ``CustomFilters/render(_:or:)`` for rendering with them.
    public func render(_ variables: [String: JSONValue], filters: FilterRound? = nil) throws(TemplateError) -> String {
        var renderer = TemplateRenderer(variables: variables, filters: TemplateFilters(custom: filters))
        return try renderer.render(nodes)
    }

    /// Renders `text` when it is a template; plain text comes back as it is.
    public static func render(_ text: String, _ variables: [String: JSONValue], filters: FilterRound? = nil) throws(TemplateError) -> String {
        guard isTemplate(text) else { return text }
        return try NunjucksTemplate(text).render(variables, filters: filters)
    }

    /// One expression (no `{{ }}`) evaluated over `variables`; undefined is nil.
    public static func evaluate(expression: String, _ variables: [String: JSONValue]) throws(TemplateError) -> JSONValue? {
        let parsed = try parseExpression(expression)
        for name in try Self.variables(inExpression: expression) where variables[name] == nil {
            throw TemplateError("\(name) is not defined")
        }
        return try TemplateRenderer(variables: variables, filters: TemplateFilters()).evaluate(parsed)
    }

    /// The variable names an expression reads.
    public static func variables(inExpression expression: String) throws(TemplateError) -> Set<String> {
        try parseExpression(expression).variables
    }

    static func parseExpression(_ expression: String) throws(TemplateError) -> TemplateExpression {
        let nodes = try TemplateParser.parse("{{ " + expression + " }}")
        guard nodes.count == 1, case .output(let parsed, _) = nodes[0] else {
            throw TemplateError("\"\(expression)\" is not one expression")
        }
        return parsed
    }
}

extension TemplateExpression {
    /// The variables it reads (not `range`, which is called).
    var variables: Set<String> {
        switch self {
        case .literal: []
        case .variable(let name): [name]
        case .list(let items): items.reduce(into: Set<String>()) { $0.formUnion($1.variables) }
        case .dictionary(let entries): entries.reduce(into: Set<String>()) { $0.formUnion($1.key.variables); $0.formUnion($1.value.variables) }
        case .member(let base, _): base.variables
        case .index(let base, let key): base.variables.union(key.variables)
        case .slice(let base, let start, let stop): base.variables.union(start?.variables ?? []).union(stop?.variables ?? [])
        case .call(_, let arguments, _): arguments.reduce(into: Set<String>()) { $0.formUnion($1.variables) }
        case .filter(let base, _, let arguments, _), .test(let base, _, let arguments, _, _):
            arguments.reduce(into: base.variables) { $0.formUnion($1.variables) }
        case .unary(_, let operand): operand.variables
        case .binary(_, let left, let right): left.variables.union(right.variables)
        case .inlineIf(let then, let condition, let otherwise): then.variables.union(condition.variables).union(otherwise?.variables ?? [])
        }
    }
}
