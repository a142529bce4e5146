import Foundation
import GenesisEngine

/// JavaScript's meaning of values, which Nunjucks templates inherit: truthiness, `String(x)`,
/// `Number(x)`, `==` and ordering. `nil` is JavaScript's `undefined` (a variable or key that is
/// not there); `.null` is `null`.
enum TemplateValue {
    /// `false`, `0`, `NaN`, `""`, `null` and undefined are false; every list and object is true,
    /// empty or not (JavaScript's rule, not Python's).
    static func isTruthy(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: false
        case .bool(let b)?: b
        case .number(let n)?: n != 0 && !n.isNaN
        case .string(let s)?: !s.isEmpty
        case .array?, .object?: true
        }
    }

    /// What `{{ value }}` prints: nothing for undefined and null (Nunjucks suppresses them), a
    /// list's items joined by commas (JavaScript's `String([1, 2])`), and an object as its JSON
    /// (Nunjucks prints `[object Object]`, which no prompt wants; `| dump` is the same JSON).
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .bool(let b)?: b ? "true" : "false"
        case .number(let n)?: format(n)
        case .string(let s)?: s
        case .array(let items)?: items.map { text($0) }.joined(separator: ",")
        case .object?: json(value ?? .null, indent: nil)
        }
    }

    /// JavaScript's `String(number)`: integers without a fraction, `NaN`, `Infinity`, and exponents
    /// written `1e-7` / `1e+21`.
    static func format(_ n: Double) -> String {
        if n.isNaN { return "NaN" }
        if n.isInfinite { return n > 0 ? "Infinity" : "-Infinity" }
        if n == 0 { return "0" }
        if n == n.rounded(), abs(n) < 1e21 { return abs(n) < 9.2e18 ? String(Int64(n)) : String(format: "%.0f", n) }
        var s = "\(n)"
        if let e = s.firstIndex(of: "e") {
            var exponent = String(s[s.index(after: e)...])
            let sign = exponent.first == "-" ? "-" : "+"
            exponent = String(exponent.drop { $0 == "-" || $0 == "+" || $0 == "0" })
            s = String(s[..<e]) + "e" + sign + (exponent.isEmpty ? "0" : exponent)
        }
        return s
    }

    /// JavaScript's `Number(x)`: text is read as a number (blank text is 0), `true` is 1, null 0,
    /// and anything else (undefined, unreadable text, objects) is NaN.
    static func number(_ value: JSONValue?) -> Double {
        switch value {
        case .number(let n)?: return n
        case .bool(let b)?: return b ? 1 : 0
        case .null?: return 0
        case .string(let s)?:
            let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return 0 }
            if trimmed == "Infinity" || trimmed == "+Infinity" { return .infinity }
            if trimmed == "-Infinity" { return -.infinity }
            guard trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eExXabcdefABCDEF".contains($0)) }), !trimmed.lowercased().contains("inf"),
                  let n = Double(trimmed) else { return .nan }
            return n
        case .array(let items)?:
            if items.isEmpty { return 0 }
            return items.count == 1 ? number(.string(text(items[0]))) : .nan
        default: return .nan
        }
    }

    /// JavaScript's `==`, which Nunjucks' `==` is: undefined equals null, and a number compared
    /// with text or a boolean compares as numbers.
    static func looseEquals(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case (nil, nil), (nil, .null?), (.null?, nil), (.null?, .null?): return true
        case (nil, _), (_, nil), (.null?, _), (_, .null?): return false
        case (.string(let x)?, .string(let y)?): return x == y
        case (.number?, _), (_, .number?), (.bool?, _), (_, .bool?):
            if case .array? = a, case .array? = b { return a == b }
            if case .object? = a { return false }
            if case .object? = b { return false }
            let x = number(a), y = number(b)
            return x == y
        default: return a == b
        }
    }

    /// JavaScript's `===`: same type and value.
    static func strictEquals(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        if case .number(let x)? = a, case .number(let y)? = b { return x == y }
        return a == b
    }

    /// `<` and friends: two texts compare as text, anything else as numbers (NaN compares false).
    static func compare(_ op: String, _ a: JSONValue?, _ b: JSONValue?) -> Bool {
        if case .string(let x)? = a, case .string(let y)? = b {
            let (xs, ys) = (Array(x.utf16), Array(y.utf16))
            let less = xs.lexicographicallyPrecedes(ys), greater = ys.lexicographicallyPrecedes(xs)
            switch op {
            case "<": return less
            case ">": return greater
            case "<=": return !greater
            default: return !less
            }
        }
        let x = number(a), y = number(b)
        switch op {
        case "<": return x < y
        case ">": return x > y
        case "<=": return x <= y
        default: return x >= y
        }
    }

    /// `JSON.stringify(value, null, indent)`. Keys come out sorted: Genesis keeps an object's
    /// keys unordered, where JavaScript keeps the order they were written in.
    static func json(_ value: JSONValue, indent: Int?, level: Int = 0) -> String {
        let pad = indent.map { String(repeating: " ", count: $0 * (level + 1)) }
        let close = indent.map { String(repeating: " ", count: $0 * level) }
        switch value {
        case .number(let n): return n.isFinite ? format(n) : "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            let parts = items.map { json($0, indent: indent, level: level + 1) }
            guard let pad, let close else { return "[" + parts.joined(separator: ",") + "]" }
            return "[\n" + parts.map { pad + $0 }.joined(separator: ",\n") + "\n" + close + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let parts = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map {
                JSONWriter.string(.string($0.key)) + (indent == nil ? ":" : ": ") + json($0.value, indent: indent, level: level + 1)
            }
            guard let pad, let close else { return "{" + parts.joined(separator: ",") + "}" }
            return "{\n" + parts.map { pad + $0 }.joined(separator: ",\n") + "\n" + close + "}"
        default: return JSONWriter.string(value)
        }
    }

    /// A member of an object, an item of a list or a character of a text, as `a.b` and `a[b]`
    /// read them; undefined when there is none.
    static func member(_ base: JSONValue?, _ key: JSONValue?) -> JSONValue? {
        switch (base, key) {
        case (.object(let o)?, _): return o[text(key)]
        case (.array(let items)?, .number(let n)?):
            let i = Int(exactly: n) ?? -1
            return items.indices.contains(i) ? items[i] : nil
        case (.array(let items)?, .string("length")?): return .number(Double(items.count))
        case (.string(let s)?, .number(let n)?):
            let chars = Array(s.utf16), i = Int(exactly: n) ?? -1
            return chars.indices.contains(i) ? .string(String(decoding: [chars[i]], as: UTF16.self)) : nil
        case (.string(let s)?, .string("length")?): return .number(Double(s.utf16.count))
        default: return nil
        }
    }

    /// What `{% for %}` walks: a list's items, a text's characters, or an object's
    /// `[key, value]` pairs (sorted by key).
    static func items(_ value: JSONValue?) -> [JSONValue] {
        switch value {
        case .array(let items)?: items
        case .string(let s)?: s.map { .string(String($0)) }
        case .object(let o)?: o.keys.sorted().map { .array([.string($0), o[$0] ?? .null]) }
        default: []
        }
    }
}
