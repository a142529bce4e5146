import Foundation
import GenesisEngine

/// Nunjucks' builtin filters and tests, with its argument order and defaults
/// (https://mozilla.github.io/nunjucks/templating.html#builtin-filters). With autoescape off
/// (promptfoo's setting), `safe` changes nothing and `escape` is the only thing that escapes.
struct TemplateFilters: Sendable {
    /// The suite's own filters (`nunjucksFilters`), which come before the builtin ones of the
    /// same name, as Nunjucks' `addFilter` makes them.
    var custom: FilterRound?

    /// Filters Nunjucks has that Genesis refuses, with why.
    static let refused: [String: String] = [
        "random": "the random filter is not supported: a suite's prompts must be the same on every run",
        "urlize": "the urlize filter (HTML links) is not supported",
    ]

    static let builtin: Set<String> = [
        "abs", "batch", "capitalize", "center", "default", "d", "dictsort", "dump", "escape", "e", "first", "float", "forceescape",
        "groupby", "indent", "int", "join", "last", "length", "list", "lower", "nl2br", "reject", "rejectattr", "replace", "reverse",
        "round", "safe", "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title", "trim", "truncate", "upper",
        "urlencode", "wordcount",
    ]

    func apply(_ name: String, to value: JSONValue?, _ args: [JSONValue?], line: Int) throws(TemplateError) -> JSONValue? {
        // A call not answered yet goes on with the value as it is: CustomFilters.render renders again.
        if let custom, custom.has(name) { return custom.apply(name, to: value, args) ?? value }
        func arg(_ i: Int) -> JSONValue? { i < args.count ? args[i] : nil }
        func text(_ v: JSONValue?) -> String { TemplateValue.text(v) }
        func number(_ i: Int, _ fallback: Double) -> Double { arg(i).map { TemplateValue.number($0) } ?? fallback }
        switch name {
        case "abs": return .number(abs(TemplateValue.number(value)))
        case "batch":
            let size = max(1, Int(number(0, 1))), items = TemplateValue.items(value)
            var rows: [JSONValue] = []
            for start in stride(from: 0, to: items.count, by: size) {
                var row = Array(items[start..<min(items.count, start + size)])
                if let fill = arg(1) { while row.count < size { row.append(fill) } }
                rows.append(.array(row))
            }
            return .array(rows)
        case "capitalize":
            let s = text(value)
            return .string(s.prefix(1).uppercased() + s.dropFirst().lowercased())
        case "center":
            let s = text(value), width = Int(number(0, 80))
            guard s.count < width else { return .string(s) }
            let left = (width - s.count) / 2, right = width - s.count - left
            return .string(String(repeating: " ", count: left) + s + String(repeating: " ", count: right))
        case "default", "d":
            if arg(1).map(TemplateValue.isTruthy) == true { return TemplateValue.isTruthy(value) ? value : arg(0) }
            return value == nil ? arg(0) : value
        case "dictsort":
            guard case .object(let o)? = value else { throw TemplateError(line: line, "dictsort needs an object") }
            let caseSensitive = arg(0).map(TemplateValue.isTruthy) ?? false, byValue = arg(1)?.string == "value"
            let key = { (k: String, v: JSONValue) -> String in let s = byValue ? text(v) : k; return caseSensitive ? s : s.lowercased() }
            return .array(o.sorted { key($0.key, $0.value) < key($1.key, $1.value) }.map { .array([.string($0.key), $0.value]) })
        case "dump":
            guard let value else { return nil }
            let spaces = arg(0).map { Int(TemplateValue.number($0)) }
            return .string(TemplateValue.json(value, indent: spaces.flatMap { $0 > 0 ? min($0, 10) : nil }))
        case "escape", "e", "forceescape": return .string(HTMLEscaping.escape(text(value)))
        case "first":
            if case .string(let s)? = value { return s.first.map { .string(String($0)) } }
            return value?.array?.first
        case "last":
            if case .string(let s)? = value { return s.last.map { .string(String($0)) } }
            return value?.array?.last
        case "float":
            let n = Self.leadingNumber(text(value), integer: false)
            return n.map(JSONValue.number) ?? arg(0) ?? .number(0)
        case "int":
            let n = Self.leadingNumber(text(value), integer: true)
            return n.map(JSONValue.number) ?? arg(0) ?? .number(0)
        case "groupby":
            let attribute = text(arg(0))
            var groups: [String: [JSONValue]] = [:]
            for item in TemplateValue.items(value) { groups[text(Self.attribute(item, attribute)), default: []].append(item) }
            return .object(groups.mapValues(JSONValue.array))
        case "indent":
            let width = Int(number(0, 4)), first = arg(1).map(TemplateValue.isTruthy) ?? false
            let pad = String(repeating: " ", count: max(0, width))
            let lines = text(value).components(separatedBy: "\n")
            return .string(lines.enumerated().map { $0.offset == 0 && !first ? $0.element : pad + $0.element }.joined(separator: "\n"))
        case "join":
            let separator = arg(0).map { text($0) } ?? ""
            var items = TemplateValue.items(value)
            if let attribute = arg(1)?.string { items = items.map { Self.attribute($0, attribute) ?? .null } }
            return .string(items.map { text($0) }.joined(separator: separator))
        case "length":
            switch value {
            case .array(let items)?: return .number(Double(items.count))
            case .object(let o)?: return .number(Double(o.count))
            case .string(let s)?: return .number(Double(s.utf16.count))
            default: return .number(0)
            }
        case "list":
            if case .object(let o)? = value { return .array(o.keys.sorted().map { .object(["key": .string($0), "value": o[$0] ?? .null]) }) }
            return .array(TemplateValue.items(value))
        case "lower": return .string(text(value).lowercased())
        case "upper": return .string(text(value).uppercased())
        case "nl2br": return .string(text(value).replacingOccurrences(of: "\r\n", with: "<br />\n").replacingOccurrences(of: "\n", with: "<br />\n")
            .replacingOccurrences(of: "<br />\n<br />\n", with: "<br />\n<br />\n"))
        case "select", "reject":
            let keep = name == "select"
            var result: [JSONValue] = []
            for item in TemplateValue.items(value) {
                let passes = try arg(0).map { t throws(TemplateError) in try Self.test(text(t), item, Array(args.dropFirst()), line: line) } ?? TemplateValue.isTruthy(item)
                if passes == keep { result.append(item) }
            }
            return .array(result)
        case "selectattr", "rejectattr":
            let keep = name == "selectattr", attribute = text(arg(0))
            var result: [JSONValue] = []
            for item in TemplateValue.items(value) {
                let field = Self.attribute(item, attribute)
                let passes = try arg(1).map { t throws(TemplateError) in try Self.test(text(t), field, Array(args.dropFirst(2)), line: line) } ?? TemplateValue.isTruthy(field)
                if passes == keep { result.append(item) }
            }
            return .array(result)
        case "replace":
            if case .number? = value {} else if value?.string == nil { return value }
            let s = text(value), old = text(arg(0)), new = text(arg(1))
            let limit = arg(2).map { Int(TemplateValue.number($0)) } ?? -1
            if old.isEmpty { // Nunjucks puts the replacement around every character
                return .string(new + s.map(String.init).joined(separator: new) + new)
            }
            var out = "", rest = Substring(s), count = 0
            while limit < 0 || count < limit, let range = rest.range(of: old) {
                out += rest[..<range.lowerBound] + new
                rest = rest[range.upperBound...]
                count += 1
            }
            return .string(out + rest)
        case "reverse":
            if case .string(let s)? = value { return .string(String(s.reversed())) }
            return .array(TemplateValue.items(value).reversed())
        case "round":
            let n = TemplateValue.number(value), precision = number(0, 0), factor = Foundation.pow(10, precision)
            let method = arg(1)?.string ?? "common"
            let rule: FloatingPointRoundingRule = method == "ceil" ? .up : method == "floor" ? .down : .toNearestOrAwayFromZero
            // JavaScript's Math.round goes up at .5 (also for negatives): -2.5 rounds to -2.
            let scaled = n * factor
            let rounded = rule == .toNearestOrAwayFromZero ? (scaled + 0.5).rounded(.down) : scaled.rounded(rule)
            return .number(rounded / factor)
        case "safe": return value
        case "slice":
            let count = max(1, Int(number(0, 1))), items = TemplateValue.items(value)
            let per = items.count / count, extra = items.count % count
            var result: [JSONValue] = [], offset = 0
            for i in 0..<count {
                let size = per + (i < extra ? 1 : 0)
                var part = Array(items[offset..<offset + size])
                offset += size
                if let fill = arg(1), i >= extra, extra > 0 { part.append(fill) }
                result.append(.array(part))
            }
            return .array(result)
        case "sort":
            let reverse = arg(0).map(TemplateValue.isTruthy) ?? false, caseSensitive = arg(1).map(TemplateValue.isTruthy) ?? false
            let attribute = arg(2)?.string
            let items = TemplateValue.items(value)
            func key(_ v: JSONValue) -> JSONValue? {
                let k = attribute.map { Self.attribute(v, $0) } ?? v
                if !caseSensitive, case .string(let s)? = k { return .string(s.lowercased()) }
                return k
            }
            let sorted = items.enumerated().sorted { l, r in
                let (a, b) = (key(l.element), key(r.element))
                if TemplateValue.compare("<", a, b) { return !reverse }
                if TemplateValue.compare(">", a, b) { return reverse }
                return l.offset < r.offset
            }
            return .array(sorted.map(\.element))
        case "string": return .string(text(value))
        case "striptags":
            let preserveLines = arg(0).map(TemplateValue.isTruthy) ?? false
            var s = text(value).replacingOccurrences(of: "<\\/?([a-z][a-z0-9]*)\\b[^>]*>|<!--[\\s\\S]*?-->", with: "", options: [.regularExpression, .caseInsensitive])
            if preserveLines {
                s = s.replacingOccurrences(of: "[ \\t]+", with: " ", options: .regularExpression)
                s = s.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
                s = s.replacingOccurrences(of: "\\n\\n\\n+", with: "\n\n", options: .regularExpression)
            } else {
                s = s.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
            }
            return .string(s.trimmingCharacters(in: .whitespacesAndNewlines))
        case "sum":
            var items = TemplateValue.items(value)
            if let attribute = arg(0)?.string { items = items.map { Self.attribute($0, attribute) ?? .null } }
            return .number(items.map { TemplateValue.number($0) }.reduce(number(1, 0), +))
        case "title":
            return .string(text(value).components(separatedBy: " ").map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: " "))
        case "trim": return .string(text(value).trimmingCharacters(in: .whitespacesAndNewlines))
        case "truncate":
            let s = text(value), length = Int(number(0, 255)), killWords = arg(1).map(TemplateValue.isTruthy) ?? false
            let end = arg(2).map { text($0) } ?? "..."
            let units = Array(s.utf16)
            guard units.count > length else { return .string(s) }
            var cut = length
            if !killWords {
                // the last space at or before the limit, as JavaScript's lastIndexOf(' ', length)
                cut = (0...min(length, units.count - 1)).reversed().first { units[$0] == 32 } ?? length
            }
            return .string(String(decoding: units[0..<cut], as: UTF16.self) + end)
        case "urlencode":
            let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")
            let encode = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s }
            if case .object(let o)? = value {
                return .string(o.keys.sorted().map { encode($0) + "=" + encode(text(o[$0])) }.joined(separator: "&"))
            }
            return .string(encode(text(value)))
        case "wordcount":
            let words = text(value).split { !($0.isLetter || $0.isNumber || $0 == "_") }
            return .number(Double(words.count))
        default:
            if let message = Self.refused[name] { throw TemplateError(line: line, message) }
            throw TemplateError(line: line, "unknown filter \"\(name)\"; Nunjucks' builtin filters are supported (upper, lower, default, join, dump, …), and the suite's own nunjucksFilters")
        }
    }

    /// `item.a.b` for `attribute` "a.b".
    static func attribute(_ item: JSONValue, _ attribute: String) -> JSONValue? {
        attribute.split(separator: ".").reduce(Optional(item)) { value, key in
            TemplateValue.member(value, Int(key).map { .number(Double($0)) } ?? .string(String(key)))
        }
    }

    /// JavaScript's parseInt / parseFloat: the number at the start of the text, nil when there is none.
    static func leadingNumber(_ text: String, integer: Bool) -> Double? {
        let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let pattern = integer ? "^[+-]?[0-9]+" : "^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?"
        guard let range = s.range(of: pattern, options: .regularExpression) else { return nil }
        return Double(s[range])
    }

    /// Nunjucks' tests, for `x is name` and select/reject.
    static func test(_ name: String, _ value: JSONValue?, _ args: [JSONValue?], line: Int) throws(TemplateError) -> Bool {
        let other = args.first ?? nil
        switch name {
        case "defined": return value != nil
        case "undefined": return value == nil
        case "none", "null": return value == .null
        case "number": return value?.double != nil
        case "string": return value?.string != nil
        case "boolean": return value?.bool != nil
        case "mapping": return value?.object != nil
        case "iterable": return value?.array != nil || value?.string != nil
        case "truthy": return TemplateValue.isTruthy(value)
        case "falsy": return !TemplateValue.isTruthy(value)
        case "odd", "even":
            let n = TemplateValue.number(value)
            return n.isFinite && n == n.rounded() && (abs(n.truncatingRemainder(dividingBy: 2)) == 1) == (name == "odd")
        case "divisibleby":
            let d = TemplateValue.number(other)
            return d != 0 && TemplateValue.number(value).truncatingRemainder(dividingBy: d) == 0
        case "equalto", "eq", "sameas": return TemplateValue.strictEquals(value, other)
        case "ne": return !TemplateValue.strictEquals(value, other)
        case "lt", "lessthan": return TemplateValue.compare("<", value, other)
        case "gt", "greaterthan": return TemplateValue.compare(">", value, other)
        case "le": return TemplateValue.compare("<=", value, other)
        case "ge": return TemplateValue.compare(">=", value, other)
        case "lower": return value?.string.map { $0 == $0.lowercased() } ?? false
        case "upper": return value?.string.map { $0 == $0.uppercased() } ?? false
        default: throw TemplateError(line: line, "unknown test \"is \(name)\"")
        }
    }
}
