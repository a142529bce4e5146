/// Reads a TOML 1.0 document (https://toml.io/en/v1.0.0) into a ``TOMLTable`` whose keys and
/// array elements carry their lines, or throws a ``TOMLSyntaxError`` naming the line, the
/// column and what is wrong.
///
/// Genesis's own reader, in Swift: it replaced TOMLKit, whose C++ parser (toml++) fails
/// assertions on some malformed text and needed a process-wide `assert` handler that jumped
/// over Swift frames. It is linear in the size of the text and bounded on hostile input:
/// arrays, inline tables and tables nest at most ``maximumDepth`` deep, and nothing recurses
/// deeper than that.
///
/// The redefinition rules are TOML 1.0's: a key or table is defined once; a table made by
/// dotted keys cannot be reopened by a `[header]`, nor reached by dotted keys from a later
/// section; inline tables and arrays written as values are complete (no header or dotted key
/// adds to them, no `[[header]]` appends to them).
public enum TOMLReader {
    public static let maximumDepth = 100

    public static func read(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLParser(text)
        try parser.document()
        return parser.table(0)
    }
}

/// The reader's working state: tables in an arena (index 0 is the root), so that the table a
/// `[header]` opens can be found and extended in place, and flags per table for the rules above.
struct TOMLParser {
    private var scanner: TOMLScanner

    private enum Slot {
        case value(Value, line: Int)
        case table(Int, line: Int)
        /// An array of tables: its tables are `tableArrays[index]`.
        case tables(Int, line: Int)

        var line: Int {
            switch self {
            case .value(_, let line), .table(_, let line), .tables(_, let line): line
            }
        }
    }

    /// A value as parsed: inline tables are tables of the arena.
    private indirect enum Value {
        case scalar(TOMLValue)
        case array([(Value, line: Int)])
        case table(Int)
    }

    private struct Table {
        var keys: [String] = []
        var slots: [String: Slot] = [:]
        var depth: Int
        /// Where it was first named: its header, its dotted key or its inline table.
        var line: Int
        /// Defined by a `[header]` or `[[header]]`, or made by dotted keys in an earlier section.
        var isDefined = false
        /// The section whose dotted keys made or went through it: only that section's dotted keys may add to it.
        var dottedSection: Int?
        /// An inline table, or inside one: nothing may be added.
        var isFrozen = false
    }

    private var tables: [Table] = [Table(depth: 0, line: 1, isDefined: true)]
    private var tableArrays: [[Int]] = []
    /// Counts `[header]`s: the section that dotted keys are written in.
    private var section = 0

    init(_ text: String) { scanner = TOMLScanner(text) }

    // MARK: Document

    mutating func document() throws(TOMLSyntaxError) {
        var current = 0, currentPath: [String] = []
        while true {
            scanner.skipBlanks()
            try scanner.comment()
            if try scanner.newline() { continue }
            guard let byte = scanner.peek else { return }
            if byte == UInt8(ascii: "[") {
                (current, currentPath) = try header()
            } else {
                try keyValue(into: current, prefix: currentPath)
                try scanner.endOfLine(after: "a value")
            }
        }
    }

    /// `[a.b]` or `[[a.b]]`: returns the table that the following keys go into.
    private mutating func header() throws(TOMLSyntaxError) -> (table: Int, path: [String]) {
        let start = scanner.index, line = scanner.line
        let isArray = scanner.peek(1) == UInt8(ascii: "[")
        scanner.index += isArray ? 2 : 1
        let path = try scanner.key("a table name")
        let close: StaticString = isArray ? "]]" : "]"
        guard scanner.starts(with: close) else {
            throw scanner.error("expected \(isArray ? "]]" : "]") to close the table header, found \(scanner.found)")
        }
        scanner.index += isArray ? 2 : 1
        section += 1
        var table = 0
        for (position, key) in path.dropLast().enumerated() {
            table = try descend(from: table, into: key, line: line, path: path.prefix(position + 1), at: start)
        }
        let last = path[path.count - 1]
        let shown = path.map(TOMLValue.key).joined(separator: ".")
        let result: Int
        switch tables[table].slots[last] {
        case nil:
            result = try newTable(under: table, line: line, at: start)
            if isArray {
                tableArrays.append([result])
                add(last, .tables(tableArrays.count - 1, line: line), to: table)
            } else {
                add(last, .table(result, line: line), to: table)
            }
        case .table(let existing, let first):
            guard !isArray else {
                throw scanner.error("[[\(shown)]] appends to an array of tables, but \(shown) is a table (line \(first)); use [\(shown)] or another name", at: start)
            }
            let t = tables[existing]
            if t.isFrozen { throw scanner.error("\(shown) is an inline table (line \(first)), which cannot be extended; add its keys inside the { }", at: start) }
            if t.isDefined || t.dottedSection != nil {
                throw scanner.error("table [\(shown)] is defined twice (first on line \(first)); merge the two", at: start)
            }
            tables[existing].isDefined = true
            result = existing
        case .tables(let array, let first):
            guard isArray else {
                throw scanner.error("[\(shown)] is an array of tables (line \(first)); add an element with [[\(shown)]]", at: start)
            }
            if tables[table].isFrozen { throw scanner.error("\(shown) is inside an inline table, which cannot be extended", at: start) }
            result = try newTable(under: table, line: line, at: start)
            tableArrays[array].append(result)
        case .value(let value, let first):
            if isArray, case .array = value {
                throw scanner.error("[[\(shown)]] cannot add to \(shown), an array written as a value (line \(first)); write all its elements there, or use only [[\(shown)]]", at: start)
            }
            throw conflict(shown, value, line: first, at: start)
        }
        tables[result].isDefined = true
        try scanner.endOfLine(after: "the table header")
        return (result, path)
    }

    /// The table under `key` of `table` for a header's path, made if missing; the last table
    /// of an array of tables.
    private mutating func descend(from table: Int, into key: String, line: Int, path: ArraySlice<String>, at start: Int) throws(TOMLSyntaxError) -> Int {
        var shown: String { path.map(TOMLValue.key).joined(separator: ".") }
        switch tables[table].slots[key] {
        case nil:
            let made = try newTable(under: table, line: line, at: start)
            add(key, .table(made, line: line), to: table)
            return made
        case .table(let existing, let first):
            if tables[existing].isFrozen { throw scanner.error("\(shown) is an inline table (line \(first)), which cannot be extended; add its keys inside the { }", at: start) }
            return existing
        case .tables(let array, _):
            return tableArrays[array][tableArrays[array].count - 1] // an array of tables always has one
        case .value(let value, let first):
            throw conflict(shown, value, line: first, at: start)
        }
    }

    private mutating func newTable(under parent: Int, line: Int, at start: Int) throws(TOMLSyntaxError) -> Int {
        let depth = tables[parent].depth + 1
        guard depth <= TOMLReader.maximumDepth else {
            throw scanner.error("tables nested more than \(TOMLReader.maximumDepth) deep", at: start)
        }
        tables.append(Table(depth: depth, line: line))
        return tables.count - 1
    }

    private mutating func add(_ key: String, _ slot: Slot, to table: Int) {
        tables[table].keys.append(key)
        tables[table].slots[key] = slot
    }

    // MARK: Key/value pairs

    /// `key = value` or `a.b.c = value`, into `table` (the current section, or an inline table),
    /// whose own key is `prefix` (for messages).
    private mutating func keyValue(into table: Int, prefix: [String]) throws(TOMLSyntaxError) {
        let start = scanner.index, line = scanner.line
        let path = try scanner.key("a key")
        func shown(_ count: Int) -> String { (prefix + path.prefix(count)).map(TOMLValue.key).joined(separator: ".") }
        guard scanner.peek == UInt8(ascii: "=") else {
            if scanner.peek == nil || scanner.peek == UInt8(ascii: "\n") || scanner.peek == UInt8(ascii: "\r") || scanner.peek == UInt8(ascii: "#") {
                throw scanner.error("expected = after the key \(shown(path.count)), found \(scanner.found); write key = value")
            }
            throw scanner.error("expected = after the key, found \(scanner.found); a key with spaces or other characters needs quotes: \"my key\" = ...")
        }
        scanner.index += 1
        scanner.skipBlanks()
        var parent = table
        for (position, key) in path.dropLast().enumerated() {
            switch tables[parent].slots[key] {
            case nil:
                let made = try newTable(under: parent, line: line, at: start)
                tables[made].dottedSection = section
                add(key, .table(made, line: line), to: parent)
                parent = made
            case .table(let existing, let first):
                let t = tables[existing]
                if t.isFrozen { throw scanner.error("\(shown(position + 1)) is an inline table (line \(first)), which cannot be extended; add the key inside its { }", at: start) }
                if t.isDefined || (t.dottedSection.map { $0 != section } ?? false) {
                    throw scanner.error("\(shown(position + 1)) is a table defined on line \(first); add keys to it under its own header, not with dotted keys from here", at: start)
                }
                tables[existing].dottedSection = section
                parent = existing
            case .tables(_, let first):
                throw scanner.error("\(shown(position + 1)) is an array of tables (line \(first)); dotted keys cannot add to it", at: start)
            case .value(let value, let first):
                throw conflict(shown(position + 1), value, line: first, at: start)
            }
        }
        let last = path[path.count - 1]
        if let existing = tables[parent].slots[last] {
            throw scanner.error("\(shown(path.count)) is defined twice (first on line \(existing.line)); keep one", at: start)
        }
        let value = try value(depth: tables[parent].depth + 1, path: prefix + path)
        add(last, .value(value, line: line), to: parent)
    }

    // MARK: Values

    /// A value of the key `path` (for messages).
    private mutating func value(depth: Int, path: [String]) throws(TOMLSyntaxError) -> Value {
        guard depth <= TOMLReader.maximumDepth else {
            throw scanner.error("values nested more than \(TOMLReader.maximumDepth) deep")
        }
        switch scanner.peek {
        case UInt8(ascii: "\""):
            return .scalar(.string(scanner.starts(with: "\"\"\"") ? try scanner.multiLineString() : try scanner.basicString()))
        case UInt8(ascii: "'"):
            return .scalar(.string(scanner.starts(with: "'''") ? try scanner.multiLineString() : try scanner.literalString()))
        case UInt8(ascii: "["):
            return try array(depth: depth, path: path)
        case UInt8(ascii: "{"):
            return try inlineTable(depth: depth, path: path)
        case nil, UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "="):
            throw scanner.error("expected a value, found \(scanner.found)")
        default:
            return .scalar(try scanner.scalar())
        }
    }

    /// `[1, 2, 3]`: over several lines if need be, with comments, and a comma after the last.
    private mutating func array(depth: Int, path: [String]) throws(TOMLSyntaxError) -> Value {
        scanner.index += 1
        var items: [(Value, line: Int)] = []
        while true {
            try scanner.skipBlanksCommentsAndNewlines()
            if scanner.peek == UInt8(ascii: "]") { scanner.index += 1; break }
            let line = scanner.line
            items.append((try value(depth: depth + 1, path: path), line: line))
            try scanner.skipBlanksCommentsAndNewlines()
            if scanner.peek == UInt8(ascii: ",") { scanner.index += 1; continue }
            if scanner.peek == UInt8(ascii: "]") { scanner.index += 1; break }
            throw scanner.error("expected , or ] in the array, found \(scanner.found)")
        }
        return .array(items)
    }

    /// `{ a = 1, b.c = 2 }`: on one line, no comma after the last; complete once closed.
    private mutating func inlineTable(depth: Int, path: [String]) throws(TOMLSyntaxError) -> Value {
        let firstTable = tables.count
        scanner.index += 1
        tables.append(Table(depth: depth, line: scanner.line))
        let table = firstTable
        scanner.skipBlanks()
        if scanner.peek == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            while true {
                scanner.skipBlanks()
                if scanner.peek == UInt8(ascii: "\n") || scanner.peek == UInt8(ascii: "\r") {
                    throw scanner.error("an inline table must end on the line it starts on; close it with }, or use a [table]")
                }
                if scanner.peek == UInt8(ascii: "}") {
                    throw scanner.error("a comma after the last key of an inline table is not allowed in TOML 1.0; remove it")
                }
                try keyValue(into: table, prefix: path)
                scanner.skipBlanks()
                if scanner.peek == UInt8(ascii: ",") { scanner.index += 1; continue }
                if scanner.peek == UInt8(ascii: "}") { scanner.index += 1; break }
                if scanner.peek == UInt8(ascii: "\n") || scanner.peek == UInt8(ascii: "\r") || scanner.peek == UInt8(ascii: "#") {
                    throw scanner.error("an inline table must end on the line it starts on; close it with }, or use a [table]")
                }
                throw scanner.error("expected , or } in the inline table, found \(scanner.found)")
            }
        }
        for index in firstTable..<tables.count { tables[index].isFrozen = true } // it, and the tables inside it
        return .table(table)
    }

    // MARK: Result

    /// The value tree under arena table `index`.
    func table(_ index: Int) -> TOMLTable {
        var result = TOMLTable()
        let table = tables[index]
        for key in table.keys {
            switch table.slots[key] {
            case .value(let value, let line): result.append(key, TOMLItem(self.value(value), line: line))
            case .table(let child, let line): result.append(key, TOMLItem(.table(self.table(child)), line: line))
            case .tables(let array, let line):
                // Each element's line is its [[header]]'s: the line its first key would be reported at.
                result.append(key, TOMLItem(.array(tableArrays[array].map { TOMLItem(.table(self.table($0)), line: tables[$0].line) }), line: line))
            case nil: break
            }
        }
        return result
    }

    private func value(_ value: Value) -> TOMLValue {
        switch value {
        case .scalar(let scalar): scalar
        case .array(let items): .array(items.map { TOMLItem(self.value($0.0), line: $0.line) })
        case .table(let index): .table(table(index))
        }
    }

    /// Why a header or dotted key cannot go through a key that holds a value.
    private func conflict(_ shown: String, _ value: Value, line: Int, at start: Int) -> TOMLSyntaxError {
        switch value {
        case .table: scanner.error("\(shown) is an inline table (line \(line)), which cannot be extended; add its keys inside the { }", at: start)
        case .array: scanner.error("\(shown) is an array written as a value (line \(line)), which cannot be extended", at: start)
        case .scalar: scanner.error("\(shown) already has a value (line \(line)), so it cannot also be a table", at: start)
        }
    }
}
