import GenesisEngine

/// A parsed Nunjucks template: text, `{{ expression }}` outputs and the block tags Genesis runs.
indirect enum TemplateNode: Sendable, Hashable {
    case text(String)
    case output(TemplateExpression, line: Int)
    /// `{% if %}`, each `{% elif %}` as another branch, and the `{% else %}` body.
    case conditional([TemplateBranch], otherwise: [TemplateNode])
    /// `{% for x in xs %}` (or `for key, value in object`), with the `{% else %}` body for an
    /// empty sequence.
    case loop(names: [String], sequence: TemplateExpression, body: [TemplateNode], otherwise: [TemplateNode], line: Int)
    /// `{% set a, b = expression %}`.
    case assign(names: [String], value: TemplateExpression)
    /// `{% set name %}…{% endset %}`: the rendered body.
    case capture(name: String, body: [TemplateNode])
    /// `{% filter name(args) %}…{% endfilter %}`.
    case filterBlock(name: String, arguments: [TemplateExpression], body: [TemplateNode], line: Int)
}

struct TemplateBranch: Sendable, Hashable {
    var condition: TemplateExpression
    var body: [TemplateNode]
}

/// A Nunjucks expression. Operators keep their source spelling (`==`, `~`, `//`, `not`, `in`).
indirect enum TemplateExpression: Sendable, Hashable {
    case literal(JSONValue)
    case variable(String)
    case list([TemplateExpression])
    case dictionary([TemplateDictionaryEntry])
    /// `a.b`
    case member(TemplateExpression, String)
    /// `a[b]`
    case index(TemplateExpression, TemplateExpression)
    /// `a[start:stop]`
    case slice(TemplateExpression, start: TemplateExpression?, stop: TemplateExpression?)
    /// `name(arguments)`: the globals Genesis has (`range`).
    case call(TemplateExpression, [TemplateExpression], line: Int)
    /// `value | name(arguments)`
    case filter(TemplateExpression, name: String, arguments: [TemplateExpression], line: Int)
    case unary(String, TemplateExpression)
    case binary(String, TemplateExpression, TemplateExpression)
    /// `value is [not] name(arguments)`
    case test(TemplateExpression, name: String, arguments: [TemplateExpression], negated: Bool, line: Int)
    /// `then if condition else otherwise`
    case inlineIf(then: TemplateExpression, condition: TemplateExpression, otherwise: TemplateExpression?)
}

struct TemplateDictionaryEntry: Sendable, Hashable {
    var key: TemplateExpression
    var value: TemplateExpression
}
