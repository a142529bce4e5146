/// Finds the line a configuration key is written on, so that an error can name it.
///
/// TOML: follows `[table]` and `[[array]]` headers and dotted keys. JSON: finds each quoted key
/// of the path in order. A key that is not written (a missing required key) is reported at the
/// line of its nearest written ancestor.
enum SourceLocator {
    /// - Parameter path: key components; an element of an array of tables is `#0`, `#1`, ...
    static func line(of path: [String], in text: String, isJSON: Bool) -> Int? {
        isJSON ? jsonLine(of: path, in: text) : tomlLine(of: path, in: text)
    }

    static func line(ofByteOffset offset: Int, in text: String) -> Int {
        1 + text.utf8.prefix(offset).count { $0 == UInt8(ascii: "\n") }
    }

    /// The first `line N` mentioned in a message (parsers put positions in their messages).
    static func firstLineNumber(in message: String) -> Int? {
        guard let range = message.range(of: #"line \d+"#, options: .regularExpression) else { return nil }
        return Int(message[range].dropFirst(5))
    }

    private static func tomlLine(of path: [String], in text: String) -> Int? {
        guard !path.isEmpty else { return nil }
        var table: [String] = [], counters: [[String]: Int] = [:]
        var best: (depth: Int, line: Int)?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            var written: [String]
            if line.hasPrefix("[[") {
                let name = components(String(line.dropFirst(2).prefix { $0 != "]" }))
                let count = counters[name, default: 0]
                counters[name] = count + 1
                table = name + ["#\(count)"]
                written = table
            } else if line.hasPrefix("[") {
                table = components(String(line.dropFirst().prefix { $0 != "]" }))
                written = table
            } else if let equals = keyEnd(of: line) {
                written = table + components(String(line[..<equals]))
            } else {
                continue
            }
            let depth = zip(written, path).prefix { $0 == $1 }.count
            // The first line that writes the key, or something inside it: `[[x]]` writes x, `x.y = 1` writes x.
            if depth == path.count { return index + 1 }
            if depth == written.count, depth > (best?.depth ?? 0) { best = (depth, index + 1) }
        }
        return best?.line
    }

    /// Where the key of `key = value` ends: the first `=` outside quotes.
    private static func keyEnd(of line: String) -> String.Index? {
        var quote: Character?
        for index in line.indices {
            let c = line[index]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == "=" { return index }
        }
        return nil
    }

    /// `a."b.c" . d` -> ["a", "b.c", "d"]
    static func components(_ key: String) -> [String] {
        var result: [String] = [], current = "", quote: Character?
        for c in key {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "." {
                result.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        result.append(current.trimmingCharacters(in: .whitespaces))
        return result
    }

    private static func jsonLine(of path: [String], in text: String) -> Int? {
        var searchFrom = text.startIndex
        var found: String.Index?
        for component in path where !component.hasPrefix("#") {
            guard let range = text.range(of: "\"\(component)\"", range: searchFrom..<text.endIndex) else { break }
            found = range.lowerBound
            searchFrom = range.upperBound
        }
        return found.map { 1 + text[..<$0].count { $0 == "\n" } }
    }
}

import Foundation
