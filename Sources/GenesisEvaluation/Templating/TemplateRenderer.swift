import Foundation
import GenesisEngine

/// Renders parsed nodes over variables. Scopes follow Nunjucks: a `{% for %}` body has a scope
/// of its own (its loop variables and `loop`), and `{% set %}` changes a variable of an enclosing
/// scope when one has that name, else makes it in the current scope.
struct TemplateRenderer {
    private var scopes: [[String: JSONValue]]
    private let filters: TemplateFilters

    init(variables: [String: JSONValue], filters: TemplateFilters) {
        self.scopes = [variables]
        self.filters = filters
    }

    mutating func render(_ nodes: [TemplateNode]) throws(TemplateError) -> String {
        var out = ""
        for node in nodes { try render(node, into: &out) }
        return out
    }

    private mutating func render(_ node: TemplateNode, into out: inout String) throws(TemplateError) {
        switch node {
        case .text(let text):
            out += text
        case .output(let expression, let line):
            let root = Self.root(of: expression)
            if let root, lookup(root) == nil {
                // A bare {{ name }} (or {{ name.field }}) whose variable the test does not set:
                // Nunjucks prints nothing; Genesis says so, since it is almost always a typo.
                throw TemplateError(line: line, "{{ \(Self.describe(expression)) }} uses \(root), which this test does not set",
                                    missingVariable: root)
            }
            out += TemplateValue.text(try evaluate(expression))
        case .conditional(let branches, let otherwise):
            for branch in branches where TemplateValue.isTruthy(try evaluate(branch.condition)) {
                out += try scoped { r throws(TemplateError) in try r.render(branch.body) }
                return
            }
            out += try scoped { r throws(TemplateError) in try r.render(otherwise) }
        case .loop(let names, let sequence, let body, let otherwise, let line):
            let value = try evaluate(sequence)
            if let value, value != .null, value.array == nil, value.object == nil, value.string == nil {
                throw TemplateError(line: line, "{% for %} needs a list, an object or a text, got \(TemplateValue.text(value))")
            }
            let items = TemplateValue.items(value)
            if items.isEmpty {
                out += try scoped { r throws(TemplateError) in try r.render(otherwise) }
                return
            }
            for (i, item) in items.enumerated() {
                var frame: [String: JSONValue] = ["loop": .object([
                    "index": .number(Double(i + 1)), "index0": .number(Double(i)),
                    "revindex": .number(Double(items.count - i)), "revindex0": .number(Double(items.count - i - 1)),
                    "first": .bool(i == 0), "last": .bool(i == items.count - 1), "length": .number(Double(items.count)),
                ])]
                if names.count == 1 {
                    frame[names[0]] = item
                } else {
                    for (k, name) in names.enumerated() { frame[name] = TemplateValue.member(item, .number(Double(k))) ?? .null }
                }
                scopes.append(frame)
                defer { scopes.removeLast() }
                out += try render(body)
            }
        case .assign(let names, let expression):
            let value = try evaluate(expression) ?? .null
            for name in names { assign(name, value) }
        case .capture(let name, let body):
            let text = try scoped { r throws(TemplateError) in try r.render(body) }
            assign(name, .string(text))
        case .filterBlock(let name, let arguments, let body, let line):
            let text = try scoped { r throws(TemplateError) in try r.render(body) }
            var values: [JSONValue?] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            out += TemplateValue.text(try filters.apply(name, to: .string(text), values, line: line))
        }
    }

    private mutating func scoped(_ body: (inout TemplateRenderer) throws(TemplateError) -> String) throws(TemplateError) -> String {
        scopes.append([:])
        defer { scopes.removeLast() }
        return try body(&self)
    }

    private func lookup(_ name: String) -> JSONValue? {
        for scope in scopes.reversed() { if let value = scope[name] { return value } }
        return nil
    }

    private mutating func assign(_ name: String, _ value: JSONValue) {
        if let i = scopes.lastIndex(where: { $0[name] != nil }) { scopes[i][name] = value } else { scopes[scopes.count - 1][name] = value }
    }

    /// The variable under a plain `name`, `name.a.b` or `name[0]`; nil for anything else (a
    /// filter, an operator), which Nunjucks' rules decide alone.
    private static func root(of expression: TemplateExpression) -> String? {
        switch expression {
        case .variable(let name): name
        case .member(let base, _), .index(let base, _): root(of: base)
        default: nil
        }
    }

    private static func describe(_ expression: TemplateExpression) -> String {
        switch expression {
        case .variable(let name): name
        case .member(let base, let key): describe(base) + "." + key
        case .index(let base, .literal(let key)): describe(base) + "[" + TemplateValue.json(key, indent: nil) + "]"
        default: "…"
        }
    }

    func evaluate(_ expression: TemplateExpression) throws(TemplateError) -> JSONValue? {
        switch expression {
        case .literal(let value): return value
        case .variable(let name): return lookup(name)
        case .list(let items):
            var values: [JSONValue] = []
            for item in items { values.append(try evaluate(item) ?? .null) }
            return .array(values)
        case .dictionary(let entries):
            var object: [String: JSONValue] = [:]
            for entry in entries { object[TemplateValue.text(try evaluate(entry.key))] = try evaluate(entry.value) ?? .null }
            return .object(object)
        case .member(let base, let key):
            return TemplateValue.member(try evaluate(base), .string(key))
        case .index(let base, let key):
            return TemplateValue.member(try evaluate(base), try evaluate(key))
        case .slice(let base, let start, let stop):
            let value = try evaluate(base)
            let count = value?.array?.count ?? value?.string.map { $0.count } ?? 0
            func bound(_ e: TemplateExpression?, _ fallback: Int) throws(TemplateError) -> Int {
                guard let e else { return fallback }
                let n = Int(TemplateValue.number(try evaluate(e)))
                return max(0, min(count, n < 0 ? count + n : n))
            }
            let (from, to) = (try bound(start, 0), try bound(stop, count))
            guard from < to else { return value?.string != nil ? .string("") : .array([]) }
            if let s = value?.string { return .string(String(Array(s)[from..<to])) }
            return .array(Array((value?.array ?? [])[from..<to]))
        case .call(let callee, let arguments, let line):
            guard case .variable("range") = callee else {
                throw TemplateError(line: line, "calling \(Self.describe(callee))(…) is not supported; the only function is range()")
            }
            var values: [Double] = []
            for argument in arguments { values.append(TemplateValue.number(try evaluate(argument))) }
            let (start, stop, step) = values.count == 1 ? (0, values[0], 1) : (values.first ?? 0, values.count > 1 ? values[1] : 0, values.count > 2 ? values[2] : 1)
            guard step != 0, values.allSatisfy(\.isFinite), abs((stop - start) / step) <= 100_000 else {
                throw TemplateError(line: line, "range() needs finite numbers, a step other than 0 and at most 100000 items")
            }
            return .array(Array(stride(from: start, to: stop, by: step)).map(JSONValue.number))
        case .filter(let base, let name, let arguments, let line):
            let value = try evaluate(base)
            var values: [JSONValue?] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try filters.apply(name, to: value, values, line: line)
        case .test(let base, let name, let arguments, let negated, let line):
            let value = try evaluate(base)
            var values: [JSONValue?] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            let result = try TemplateFilters.test(name, value, values, line: line)
            return .bool(result != negated)
        case .unary(let op, let operand):
            let value = try evaluate(operand)
            switch op {
            case "not": return .bool(!TemplateValue.isTruthy(value))
            case "-": return .number(-TemplateValue.number(value))
            default: return .number(TemplateValue.number(value))
            }
        case .binary(let op, let left, let right):
            return try binary(op, left, right)
        case .inlineIf(let then, let condition, let otherwise):
            if TemplateValue.isTruthy(try evaluate(condition)) { return try evaluate(then) }
            return try otherwise.map { e throws(TemplateError) in try evaluate(e) } ?? nil
        }
    }

    private func binary(_ op: String, _ left: TemplateExpression, _ right: TemplateExpression) throws(TemplateError) -> JSONValue? {
        let a = try evaluate(left)
        switch op { // these two return an operand, not a boolean, as in JavaScript
        case "and": return TemplateValue.isTruthy(a) ? try evaluate(right) : a
        case "or": return TemplateValue.isTruthy(a) ? a : try evaluate(right)
        default: break
        }
        let b = try evaluate(right)
        switch op {
        case "==": return .bool(TemplateValue.looseEquals(a, b))
        case "!=": return .bool(!TemplateValue.looseEquals(a, b))
        case "===": return .bool(TemplateValue.strictEquals(a, b))
        case "!==": return .bool(!TemplateValue.strictEquals(a, b))
        case "<", ">", "<=", ">=": return .bool(TemplateValue.compare(op, a, b))
        case "~": return .string(TemplateValue.text(a) + TemplateValue.text(b))
        case "in":
            switch b {
            case .array(let items)?: return .bool(items.contains { TemplateValue.strictEquals($0, a) })
            case .object(let o)?: return .bool(o[TemplateValue.text(a)] != nil)
            case .string(let s)?: return .bool(s.contains(TemplateValue.text(a)) || TemplateValue.text(a).isEmpty)
            default: throw TemplateError("\"in\" needs a list, an object or a text on its right, got \(b.map { TemplateValue.text($0) } ?? "undefined")")
            }
        case "+":
            // JavaScript's +: text if either side is text (or a list or object), else numbers.
            switch (a, b) {
            case (.string?, _), (_, .string?), (.array?, _), (_, .array?), (.object?, _), (_, .object?):
                return .string(TemplateValue.text(a) + TemplateValue.text(b))
            default: return .number(TemplateValue.number(a) + TemplateValue.number(b))
            }
        default:
            let x = TemplateValue.number(a), y = TemplateValue.number(b)
            switch op {
            case "-": return .number(x - y)
            case "*": return .number(x * y)
            case "/": return .number(x / y)
            case "//": return .number((x / y).rounded(.down))
            case "%": return .number(x.truncatingRemainder(dividingBy: y))
            default: return .number(Foundation.pow(x, y))
            }
        }
    }
}
