import GenesisEngine

/// Parses a template's segments into nodes: the tags Genesis runs, and a refusal naming any other.
struct TemplateParser {
    private let segments: [TemplateSegment]
    private var position = 0

    /// Tags of Nunjucks that Genesis does not run, refused by name rather than misread.
    static let refusedTags: [String: String] = [
        "macro": "macros ({% macro %})", "call": "macro calls ({% call %})", "include": "including other templates ({% include %})",
        "import": "importing templates ({% import %})", "from": "importing from templates ({% from … import %})",
        "extends": "template inheritance ({% extends %})", "block": "template blocks ({% block %})",
        "asyncEach": "{% asyncEach %}", "asyncAll": "{% asyncAll %}", "ifAsync": "{% ifAsync %}",
    ]

    static func parse(_ source: String) throws(TemplateError) -> [TemplateNode] {
        var parser = TemplateParser(segments: try TemplateLexer.segments(source))
        let (nodes, end) = try parser.nodes(until: [])
        if let end { throw TemplateError(line: end.line, "{% \(end.name) %} without an opening tag") }
        return nodes
    }

    private init(segments: [TemplateSegment]) { self.segments = segments }

    /// Nodes up to one of the end tags (returned with its remaining tokens), or to the end.
    private mutating func nodes(until ends: Set<String>) throws(TemplateError) -> ([TemplateNode], (name: String, rest: [TemplateToken], line: Int)?) {
        var result: [TemplateNode] = []
        while position < segments.count {
            let segment = segments[position]
            position += 1
            switch segment {
            case .text(let text):
                result.append(.text(text))
            case .output(let tokens, let line):
                var expression = ExpressionParser(tokens: tokens, line: line)
                let parsed = try expression.parseAll()
                result.append(.output(parsed, line: line))
            case .tag(let tokens, let line):
                guard let head = tokens.first, head.kind == .name else { throw TemplateError(line: line, "a {% %} tag must start with its name") }
                let rest = Array(tokens.dropFirst())
                if ends.contains(head.text) { return (result, (head.text, rest, line)) }
                result.append(try tag(head.text, rest, line: line, ends: ends))
            }
        }
        return (result, nil)
    }

    private mutating func block(_ tag: String, line: Int, ends: Set<String>) throws(TemplateError) -> ([TemplateNode], (name: String, rest: [TemplateToken], line: Int)) {
        let (body, end) = try nodes(until: ends)
        guard let end else { throw TemplateError(line: line, "{% \(tag) %} is never closed with {% end\(tag) %}") }
        return (body, end)
    }

    private mutating func tag(_ name: String, _ tokens: [TemplateToken], line: Int, ends: Set<String>) throws(TemplateError) -> TemplateNode {
        switch name {
        case "if":
            var branches: [TemplateBranch] = []
            var condition = try ExpressionParser(tokens: tokens, line: line).parseAllCopy()
            while true {
                let (body, end) = try block("if", line: line, ends: ["elif", "elseif", "else", "endif"])
                branches.append(TemplateBranch(condition: condition, body: body))
                switch end.name {
                case "elif", "elseif": condition = try ExpressionParser(tokens: end.rest, line: end.line).parseAllCopy()
                case "else":
                    let (otherwise, _) = try block("if", line: line, ends: ["endif"])
                    return .conditional(branches, otherwise: otherwise)
                default: return .conditional(branches, otherwise: [])
                }
            }
        case "for":
            var names: [String] = []
            var k = 0
            while k < tokens.count, tokens[k].kind == .name, !tokens[k].isName("in") {
                names.append(tokens[k].text)
                k += 1
                if k < tokens.count, tokens[k].isSymbol(",") { k += 1 }
            }
            guard !names.isEmpty, k < tokens.count, tokens[k].isName("in") else {
                throw TemplateError(line: line, "{% for %} reads {% for item in items %} (or {% for key, value in object %})")
            }
            let sequence = try ExpressionParser(tokens: Array(tokens[(k + 1)...]), line: line).parseAllCopy()
            let (body, end) = try block("for", line: line, ends: ["else", "endfor"])
            var otherwise: [TemplateNode] = []
            if end.name == "else" { otherwise = try block("for", line: line, ends: ["endfor"]).0 }
            return .loop(names: names, sequence: sequence, body: body, otherwise: otherwise, line: line)
        case "set":
            var names: [String] = []
            var k = 0
            while k < tokens.count, tokens[k].kind == .name {
                names.append(tokens[k].text)
                k += 1
                if k < tokens.count, tokens[k].isSymbol(",") { k += 1 } else { break }
            }
            guard !names.isEmpty else { throw TemplateError(line: line, "{% set %} reads {% set name = value %}") }
            if k == tokens.count, names.count == 1 {
                let (body, _) = try block("set", line: line, ends: ["endset"])
                return .capture(name: names[0], body: body)
            }
            guard k < tokens.count, tokens[k].isSymbol("=") else { throw TemplateError(line: line, "{% set %} reads {% set name = value %}") }
            return .assign(names: names, value: try ExpressionParser(tokens: Array(tokens[(k + 1)...]), line: line).parseAllCopy())
        case "filter":
            guard let first = tokens.first, first.kind == .name else { throw TemplateError(line: line, "{% filter %} names a filter: {% filter upper %}") }
            var parser = ExpressionParser(tokens: Array(tokens.dropFirst()), line: line)
            let arguments = try parser.optionalArguments()
            try parser.expectEnd()
            let (body, _) = try block("filter", line: line, ends: ["endfilter"])
            return .filterBlock(name: first.text, arguments: arguments, body: body, line: line)
        default:
            if let what = Self.refusedTags[name] { throw TemplateError(line: line, "Nunjucks \(what) is not supported") }
            if name.hasPrefix("end") || ["else", "elif", "elseif"].contains(name) {
                throw TemplateError(line: line, "{% \(name) %} without an opening tag")
            }
            throw TemplateError(line: line, "unknown tag {% \(name) %}; Genesis runs if, elif, else, for, set, filter and raw")
        }
    }
}

/// Nunjucks' expression grammar, loosest first: `x if c else y`, `or`, `and`, `not`, `in`, `is`,
/// comparisons, `~`, `+ -`, `* / // %`, `**`, unary `- +`, then a primary with its
/// `.name`, `[index]`, `(call)` and `| filter` suffixes (a filter binds tighter than a unary minus).
struct ExpressionParser {
    private let tokens: [TemplateToken]
    private var position = 0
    private let line: Int

    init(tokens: [TemplateToken], line: Int) {
        self.tokens = tokens
        self.line = line
    }

    mutating func parseAll() throws(TemplateError) -> TemplateExpression {
        guard !tokens.isEmpty else { throw TemplateError(line: line, "an empty {{ }} or tag") }
        let expression = try inlineIf()
        try expectEnd()
        return expression
    }

    func parseAllCopy() throws(TemplateError) -> TemplateExpression {
        var copy = self
        return try copy.parseAll()
    }

    mutating func expectEnd() throws(TemplateError) {
        if position < tokens.count { throw TemplateError(line: line, "unexpected \"\(tokens[position].text)\"") }
    }

    private var current: TemplateToken? { position < tokens.count ? tokens[position] : nil }

    private mutating func accept(symbol: String) -> Bool {
        if current?.isSymbol(symbol) == true { position += 1; return true }
        return false
    }

    private mutating func accept(name: String) -> Bool {
        if current?.isName(name) == true { position += 1; return true }
        return false
    }

    private mutating func expect(symbol: String) throws(TemplateError) {
        guard accept(symbol: symbol) else {
            throw TemplateError(line: line, "expected \"\(symbol)\"" + (current.map { ", found \"\($0.text)\"" } ?? " at the end"))
        }
    }

    private mutating func inlineIf() throws(TemplateError) -> TemplateExpression {
        let then = try or()
        guard accept(name: "if") else { return then }
        let condition = try or()
        let otherwise = accept(name: "else") ? try inlineIf() : nil
        return .inlineIf(then: then, condition: condition, otherwise: otherwise)
    }

    private mutating func or() throws(TemplateError) -> TemplateExpression {
        var left = try and()
        while accept(name: "or") { left = .binary("or", left, try and()) }
        return left
    }

    private mutating func and() throws(TemplateError) -> TemplateExpression {
        var left = try not()
        while accept(name: "and") { left = .binary("and", left, try not()) }
        return left
    }

    private mutating func not() throws(TemplateError) -> TemplateExpression {
        if accept(name: "not") { return .unary("not", try not()) }
        return try membership()
    }

    private mutating func membership() throws(TemplateError) -> TemplateExpression {
        var left = try isTest()
        while true {
            if current?.isName("not") == true, position + 1 < tokens.count, tokens[position + 1].isName("in") {
                position += 2
                left = .unary("not", .binary("in", left, try isTest()))
            } else if accept(name: "in") {
                left = .binary("in", left, try isTest())
            } else {
                return left
            }
        }
    }

    private mutating func isTest() throws(TemplateError) -> TemplateExpression {
        let left = try comparison()
        guard accept(name: "is") else { return left }
        let negated = accept(name: "not")
        guard let name = current, name.kind == .name else { throw TemplateError(line: line, "\"is\" needs a test name, e.g. x is defined") }
        position += 1
        var arguments = try optionalArguments()
        // `x is divisibleby 3`: Nunjucks also takes one argument without parentheses.
        if arguments.isEmpty, let next = current, next.kind == .number || next.kind == .string { arguments = [try primary()] }
        return .test(left, name: name.text, arguments: arguments, negated: negated, line: line)
    }

    /// The binary operators from loosest to tightest, each level left-associative.
    private static let binaryLevels: [Set<String>] = [["==", "===", "!=", "!==", "<", ">", "<=", ">="], ["~"], ["+", "-"], ["*", "/", "//", "%"], ["**"]]

    private mutating func comparison() throws(TemplateError) -> TemplateExpression { try binary(level: 0) }

    private mutating func binary(level: Int) throws(TemplateError) -> TemplateExpression {
        guard level < Self.binaryLevels.count else { return try unary() }
        var left = try binary(level: level + 1)
        while let token = current, token.kind == .symbol, Self.binaryLevels[level].contains(token.text) {
            position += 1
            left = .binary(token.text, left, try binary(level: level + 1))
        }
        return left
    }

    /// As Nunjucks' parser: the filters after a signed operand apply to the signed value
    /// (`-5 | abs` is 5).
    private mutating func unary(filtered: Bool = true) throws(TemplateError) -> TemplateExpression {
        var value: TemplateExpression
        if accept(symbol: "-") { value = .unary("-", try unary(filtered: false)) }
        else if accept(symbol: "+") { value = .unary("+", try unary(filtered: false)) }
        else { value = try postfix(try primary()) }
        return filtered ? try filters(value) : value
    }

    private mutating func filters(_ base: TemplateExpression) throws(TemplateError) -> TemplateExpression {
        var value = base
        while accept(symbol: "|") {
            var name = ""
            guard let first = current, first.kind == .name else { throw TemplateError(line: line, "\"|\" needs a filter name, e.g. {{ x | upper }}") }
            position += 1
            name = first.text
            while accept(symbol: ".") { // namespaced custom filters (a.b)
                guard let part = current, part.kind == .name else { throw TemplateError(line: line, "a filter name cannot end with \".\"") }
                position += 1
                name += "." + part.text
            }
            value = .filter(value, name: name, arguments: try optionalArguments(), line: line)
        }
        return value
    }

    /// `(a, b)` after a filter or test name; none when there is no parenthesis.
    mutating func optionalArguments() throws(TemplateError) -> [TemplateExpression] {
        guard accept(symbol: "(") else { return [] }
        var arguments: [TemplateExpression] = []
        while !accept(symbol: ")") {
            if let name = current, name.kind == .name, position + 1 < tokens.count, tokens[position + 1].isSymbol("=") {
                throw TemplateError(line: line, "keyword arguments (\(name.text)=…) are not supported; pass the arguments in order")
            }
            arguments.append(try inlineIf())
            if !accept(symbol: ",") { try expect(symbol: ")"); break }
        }
        return arguments
    }

    private mutating func postfix(_ base: TemplateExpression) throws(TemplateError) -> TemplateExpression {
        var value = base
        while true {
            if accept(symbol: ".") {
                guard let name = current, name.kind == .name || name.kind == .number else { throw TemplateError(line: line, "\".\" needs a name after it") }
                position += 1
                value = name.kind == .number ? .index(value, .literal(.number(Double(name.text) ?? 0))) : .member(value, name.text)
            } else if accept(symbol: "[") {
                var start: TemplateExpression?
                if !(current?.isSymbol(":") ?? false) { start = try inlineIf() }
                if accept(symbol: ":") {
                    let stop = current?.isSymbol("]") == true ? nil : try inlineIf()
                    try expect(symbol: "]")
                    value = .slice(value, start: start, stop: stop)
                } else {
                    try expect(symbol: "]")
                    guard let start else { throw TemplateError(line: line, "[] needs an index") }
                    value = .index(value, start)
                }
            } else if current?.isSymbol("(") == true {
                value = .call(value, try optionalArguments(), line: line)
            } else {
                return value
            }
        }
    }

    private mutating func primary() throws(TemplateError) -> TemplateExpression {
        guard let token = current else { throw TemplateError(line: line, "an expression ends too early") }
        position += 1
        switch token.kind {
        case .string: return .literal(.string(token.text))
        case .number: return .literal(.number(Double(token.text) ?? 0))
        case .name:
            switch token.text {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None", "null": return .literal(.null)
            default: return .variable(token.text)
            }
        case .symbol:
            switch token.text {
            case "(":
                let first = try inlineIf()
                if accept(symbol: ")") { return first }
                var items = [first] // a tuple: a list in Nunjucks
                while accept(symbol: ",") { if current?.isSymbol(")") == true { break }; items.append(try inlineIf()) }
                try expect(symbol: ")")
                return .list(items)
            case "[":
                var items: [TemplateExpression] = []
                while !accept(symbol: "]") {
                    items.append(try inlineIf())
                    if !accept(symbol: ",") { try expect(symbol: "]"); break }
                }
                return .list(items)
            case "{":
                var entries: [TemplateDictionaryEntry] = []
                while !accept(symbol: "}") {
                    var key = try primary()
                    if case .variable(let name) = key { key = .literal(.string(name)) } // {a: 1}: a is the key's text
                    try expect(symbol: ":")
                    entries.append(TemplateDictionaryEntry(key: key, value: try inlineIf()))
                    if !accept(symbol: ",") { try expect(symbol: "}"); break }
                }
                return .dictionary(entries)
            default:
                throw TemplateError(line: line, "unexpected \"\(token.text)\"")
            }
        }
    }
}
