import Foundation
import GenesisEngine

/// A JSON Schema subset for `is-json` and `contains-json`: type (incl. lists of types and
/// integer), properties, required, additionalProperties (false or a schema), items, minItems,
/// maxItems, enum, const, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength,
/// maxLength, pattern, anyOf, oneOf, allOf, not.
enum JSONSchemaCheck {
    /// The first way `value` breaks `schema`, as a path and a reason; nil when it conforms.
    static func violation(of schema: JSONValue, by value: JSONValue, at path: String = "$") -> String? {
        guard let s = schema.object else { return nil } // true / {} accept anything
        if let types = s["type"].map({ $0.array?.compactMap(\.string) ?? [$0.string].compactMap { $0 } }), !types.isEmpty,
           !types.contains(where: { matches(value, type: $0) }) {
            return "\(path): expected \(types.joined(separator: " or ")), got \(typeName(value))"
        }
        if let options = s["enum"]?.array, !options.contains(value) { return "\(path): not one of the allowed values" }
        if let constant = s["const"], constant != value { return "\(path): must equal \(String(decoding: constant.encoded(), as: UTF8.self))" }
        if case .number(let n) = value {
            if let m = s["minimum"]?.double, n < m { return "\(path): \(n) is below the minimum \(m)" }
            if let m = s["maximum"]?.double, n > m { return "\(path): \(n) is above the maximum \(m)" }
            if let m = s["exclusiveMinimum"]?.double, n <= m { return "\(path): \(n) is not above \(m)" }
            if let m = s["exclusiveMaximum"]?.double, n >= m { return "\(path): \(n) is not below \(m)" }
        }
        if case .string(let text) = value {
            if let m = s["minLength"]?.int, text.count < m { return "\(path): shorter than \(m) characters" }
            if let m = s["maxLength"]?.int, text.count > m { return "\(path): longer than \(m) characters" }
            if let p = s["pattern"]?.string, text.range(of: p, options: .regularExpression) == nil { return "\(path): does not match \(p)" }
        }
        if case .object(let object) = value {
            for name in s["required"]?.array?.compactMap(\.string) ?? [] where object[name] == nil {
                return "\(path): missing required property \"\(name)\""
            }
            let properties = s["properties"]?.object ?? [:]
            for (name, child) in object.sorted(by: { $0.key < $1.key }) {
                if let sub = properties[name] {
                    if let problem = violation(of: sub, by: child, at: "\(path).\(name)") { return problem }
                } else if let additional = s["additionalProperties"] {
                    if additional == .bool(false) { return "\(path): unexpected property \"\(name)\"" }
                    if let problem = violation(of: additional, by: child, at: "\(path).\(name)") { return problem }
                }
            }
        }
        if case .array(let items) = value {
            if let m = s["minItems"]?.int, items.count < m { return "\(path): fewer than \(m) items" }
            if let m = s["maxItems"]?.int, items.count > m { return "\(path): more than \(m) items" }
            if let itemSchema = s["items"] {
                for (i, item) in items.enumerated() {
                    if let problem = violation(of: itemSchema, by: item, at: "\(path)[\(i)]") { return problem }
                }
            }
        }
        if let all = s["allOf"]?.array {
            for sub in all { if let problem = violation(of: sub, by: value, at: path) { return problem } }
        }
        if let any = s["anyOf"]?.array, !any.contains(where: { violation(of: $0, by: value, at: path) == nil }) {
            return "\(path): matches none of anyOf"
        }
        if let one = s["oneOf"]?.array, one.filter({ violation(of: $0, by: value, at: path) == nil }).count != 1 {
            return "\(path): must match exactly one of oneOf"
        }
        if let not = s["not"], violation(of: not, by: value, at: path) == nil { return "\(path): matches a schema it must not" }
        return nil
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("number", .number): true
        case ("integer", .number(let n)): n == n.rounded()
        default: false
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .bool: "boolean"
        case .null: "null"
        case .number(let n): n == n.rounded() ? "integer" : "number"
        }
    }
}
