import Foundation

/// Finds the line a configuration key is written on, so that an error can name it.
///
/// TOML: the lines ``TOMLReader`` recorded for each key and array element. JSON: finds each
/// quoted key of the path in order in the text. A key that is not written (a missing required
/// key) is reported at the line of its nearest written ancestor.
enum SourceLocator {
    case toml(TOMLTable)
    case json(String)

    /// - Parameter path: key components; an element of an array (of tables) is `#0`, `#1`, ...
    func line(of path: [String]) -> Int? {
        switch self {
        case .toml(let root): Self.tomlLine(of: path, in: root)
        case .json(let text): Self.jsonLine(of: path, in: text)
        }
    }

    /// The first `line N` mentioned in a message (parsers put positions in their messages).
    static func firstLineNumber(in message: String) -> Int? {
        guard let range = message.range(of: #"line \d+"#, options: .regularExpression) else { return nil }
        return Int(message[range].dropFirst(5))
    }

    private static func tomlLine(of path: [String], in root: TOMLTable) -> Int? {
        var value = TOMLValue.table(root), line: Int?
        for component in path {
            let item: TOMLItem?
            switch value {
            case .table(let table): item = table.item(component)
            case .array(let items):
                item = component.hasPrefix("#") ? Int(component.dropFirst()).flatMap { items.indices.contains($0) ? items[$0] : nil } : nil
            default: item = nil
            }
            guard let item else { break }
            line = item.line
            value = item.value
        }
        return line
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
