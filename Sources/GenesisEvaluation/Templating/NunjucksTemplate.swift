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

    public func render(_ variables: [String: JSONValue]) throws(TemplateError) -> String {
        var renderer = TemplateRenderer(variables: variables, filters: TemplateFilters())
        return try renderer.render(nodes)
    }

    /// Renders `text` when it is a template; plain text comes back as it is.
    public static func render(_ text: String, _ variables: [String: JSONValue]) throws(TemplateError) -> String {
        guard isTemplate(text) else { return text }
        return try NunjucksTemplate(text).render(variables)
    }
}
