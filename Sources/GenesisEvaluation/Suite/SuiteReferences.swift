import Foundation
import GenesisEngine

/// promptfoo's `$ref`s: an object `{$ref: "#/assertionTemplates/polite"}` anywhere in a suite
/// stands for the value that JSON Pointer (RFC 6901) names in the same document, as promptfoo's
/// loader dereferences them before reading the suite. Keys beside `$ref` are laid over the
/// value it names. A provider's `tools` and `functions` are left as they are (promptfoo does not
/// dereference them: they are JSON Schemas with references of their own).
enum SuiteReferences {
    /// How deep references may lead through other references before the chain is refused.
    static let maximumDepth = 64

    static func resolve(_ root: JSONValue, file: String) throws(SuiteError) -> JSONValue {
        try resolve(root, root: root, path: [], chain: [], file: file)
    }

    /// `value` (a test read from a tests file) with its references resolved in the suite `root`,
    /// so that a tests file may use the suite's assertion templates.
    static func resolve(_ value: JSONValue, in root: JSONValue, file: String) throws(SuiteError) -> JSONValue {
        try resolve(value, root: root, path: [], chain: [], file: file)
    }

    private static func resolve(_ value: JSONValue, root: JSONValue, path: [String], chain: [String],
                                file: String) throws(SuiteError) -> JSONValue {
        switch value {
        case .object(let object):
            if let reference = object["$ref"] {
                guard let pointer = reference.string else {
                    throw SuiteError(file: file, field: place(path + ["$ref"]), message: "must be a string such as \"#/assertionTemplates/name\"")
                }
                guard pointer.hasPrefix("#") else {
                    throw SuiteError(file: file, field: place(path + ["$ref"]),
                                     message: "\"\(pointer)\": only references within the suite (#/...) are resolved, not other files")
                }
                guard !chain.contains(pointer), chain.count < maximumDepth else {
                    throw SuiteError(file: file, field: place(path + ["$ref"]), message: "\"\(pointer)\" refers back to itself (\((chain + [pointer]).joined(separator: " → ")))")
                }
                let target = try lookUp(pointer, in: root, field: place(path + ["$ref"]), file: file)
                var resolved = try resolve(target, root: root, path: path, chain: chain + [pointer], file: file)
                let siblings = object.filter { $0.key != "$ref" }
                if !siblings.isEmpty {
                    guard case .object(var merged) = resolved else {
                        throw SuiteError(file: file, field: place(path), message: "\"\(pointer)\" is not a mapping, so the keys beside $ref cannot be laid over it")
                    }
                    for (key, sibling) in siblings.sorted(by: { $0.key < $1.key }) { merged[key] = try resolve(sibling, root: root, path: path + [key], chain: chain, file: file) }
                    resolved = .object(merged)
                }
                return resolved
            }
            var out: [String: JSONValue] = [:]
            for (key, item) in object.sorted(by: { $0.key < $1.key }) { // in order, so that a problem is always the same one
                let isProviderSchema = (key == "tools" || key == "functions") && path.first.map { $0 == "providers" || $0 == "targets" } == true
                out[key] = isProviderSchema ? item : try resolve(item, root: root, path: path + [key], chain: chain, file: file)
            }
            return .object(out)
        case .array(let items):
            var out: [JSONValue] = []
            for (offset, item) in items.enumerated() {
                out.append(try resolve(item, root: root, path: path + ["\(offset)"], chain: chain, file: file))
            }
            return .array(out)
        default:
            return value
        }
    }

    /// The value a JSON Pointer in URI fragment form names: `~1` is `/`, `~0` is `~`, and
    /// percent-escapes are decoded first. A pointer that leads through a reference goes on from
    /// the value that reference names (`#/templates/polite/value` where `polite` is itself a
    /// `$ref`), as a dereferencing loader reads it.
    static func lookUp(_ pointer: String, in root: JSONValue, field: String, file: String, depth: Int = 0) throws(SuiteError) -> JSONValue {
        let fragment = String(pointer.dropFirst()).removingPercentEncoding ?? String(pointer.dropFirst())
        guard fragment.isEmpty || fragment.hasPrefix("/") else {
            throw SuiteError(file: file, field: field, message: "\"\(pointer)\" is not a JSON Pointer; write #/assertionTemplates/name")
        }
        var current = root
        for token in fragment.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = current.object, object[key] == nil, let through = object["$ref"]?.string, through.hasPrefix("#") {
                guard depth < maximumDepth else {
                    throw SuiteError(file: file, field: field, message: "\"\(pointer)\" leads through references that refer back to themselves")
                }
                current = try lookUp(through, in: root, field: field, file: file, depth: depth + 1)
                if case .object(var named) = current {
                    for (sibling, value) in object where sibling != "$ref" { named[sibling] = value }
                    current = .object(named)
                }
            }
            if let object = current.object, let next = object[key] {
                current = next
            } else if let items = current.array, let index = Int(key), items.indices.contains(index) {
                current = items[index]
            } else {
                throw SuiteError(file: file, field: field, message: "\"\(pointer)\" names nothing in the suite: there is no \"\(key)\"")
            }
        }
        return current
    }

    /// `tests[0].assert[1]` for the path `tests`, `0`, `assert`, `1`.
    static func place(_ path: [String]) -> String {
        path.reduce("") { out, part in
            part.allSatisfy(\.isNumber) && !part.isEmpty ? out + "[\(part)]" : (out.isEmpty ? part : out + "." + part)
        }
    }
}
