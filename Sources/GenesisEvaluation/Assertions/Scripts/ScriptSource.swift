import Foundation

/// The language of a `javascript` or `python` assertion.
public enum ScriptLanguage: String, Sendable, Hashable {
    case javascript, python

    /// What the program that runs it is called, for messages.
    var interpreterName: String { self == .javascript ? "node" : "python3" }
    /// File name endings a file of this language may have.
    var fileExtensions: Set<String> { self == .javascript ? ["js", "cjs", "mjs"] : ["py"] }
}

/// A `javascript` or `python` assertion's code, as promptfoo reads its `value`: inline code, or
/// `file://path` with an optional `:functionName` (the default export in JavaScript,
/// `get_assert` in Python, when none is named).
public enum ScriptSource: Sendable, Hashable {
    /// An expression, or a function body when it has a `return` statement.
    case inline(String)
    case file(path: String, function: String?)

    public init(_ value: String) {
        guard value.hasPrefix("file://") else { self = .inline(value); return }
        let reference = String(value.dropFirst(7))
        // `path.js:name`: the colon after the file's extension, followed by an identifier.
        if let colon = reference.lastIndex(of: ":") {
            let path = String(reference[..<colon]), name = String(reference[reference.index(after: colon)...])
            let ext = (path as NSString).pathExtension.lowercased()
            if ["js", "cjs", "mjs", "ts", "mts", "cts", "py"].contains(ext), Self.isIdentifier(name) {
                self = .file(path: path, function: name)
                return
            }
        }
        self = .file(path: reference, function: nil)
    }

    /// `file://` and the path, with `:function` when one is named.
    public var reference: String? {
        guard case .file(let path, let function) = self else { return nil }
        return "file://" + path + (function.map { ":" + $0 } ?? "")
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first == "$" || CharacterSet.letters.contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || $0 == "$" || CharacterSet.alphanumerics.contains($0) }
    }

    /// Whether inline code is a function body (it has a `return` statement) rather than an
    /// expression: promptfoo's rule. `output.includes('return')` is an expression: its `return`
    /// does not start a statement. (Code that is neither, such as a lone `throw`, is tried as an
    /// expression and then run as a body by the host.)
    static func isFunctionBody(_ code: String, language: ScriptLanguage) -> Bool {
        let pattern = language == .javascript ? #"(^|[;{}\n]|\)|\belse)\s*return\b"# : #"(^|[\n:;])\s*return\b"#
        return code.range(of: pattern, options: .regularExpression) != nil
    }
}
