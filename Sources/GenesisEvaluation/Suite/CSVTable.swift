import Foundation

/// A CSV file as promptfoo reads one (RFC 4180, leniently): fields split by a delimiter,
/// double-quoted fields may hold delimiters, line breaks and doubled quotes (`""`), and a
/// quote inside an unquoted field is kept as it is (`{"answer":""}` unquoted is one field, as
/// promptfoo's relaxed parsing has it). A byte order mark is dropped, CRLF is a line break,
/// and blank lines are skipped.
struct CSVTable: Sendable, Hashable {
    /// Each record's fields, with the line it starts on (1-based).
    var records: [(line: Int, fields: [String])]

    static func == (a: CSVTable, b: CSVTable) -> Bool {
        a.records.count == b.records.count && zip(a.records, b.records).allSatisfy { $0.line == $1.line && $0.fields == $1.fields }
    }
    func hash(into hasher: inout Hasher) { for r in records { hasher.combine(r.line); hasher.combine(r.fields) } }

    struct Problem: Error, Sendable {
        var line: Int
        var message: String
    }

    init(_ text: String, delimiter: Character = ",") throws(Problem) {
        var records: [(Int, [String])] = []
        var fields: [String] = [], field = "", line = 1, recordLine = 1
        var inQuotes = false, quoted = false, quoteLine = 1
        var characters = Substring(text)
        if characters.first == "\u{FEFF}" { characters = characters.dropFirst() }
        var iterator = characters.makeIterator()
        var pending: Character?
        func endRecord() {
            fields.append(field)
            // A blank line is one empty field: skipped.
            if !(fields.count == 1 && fields[0].isEmpty && !quoted) { records.append((recordLine, fields)) }
            fields = []
            field = ""
            quoted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !quoted:
                inQuotes = true
                quoted = true
                quoteLine = line
            case delimiter:
                fields.append(field)
                field = ""
                quoted = false
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(c)
            }
        }
        if inQuotes { throw Problem(line: quoteLine, message: "a quoted field that starts here never ends (a \" is missing)") }
        if !field.isEmpty || !fields.isEmpty || quoted { endRecord() }
        self.records = records
    }

    /// The first record as column names (trimmed) and each later record as a row keyed by them.
    func rows() throws(Problem) -> (header: [String], rows: [(line: Int, values: [String: String])]) {
        guard let first = records.first else { return ([], []) }
        let header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var rows: [(Int, [String: String])] = []
        for record in records.dropFirst() {
            guard record.fields.count == header.count else {
                throw Problem(line: record.line, message: "has \(record.fields.count) fields, but the header has \(header.count) columns")
            }
            rows.append((record.line, Dictionary(zip(header, record.fields), uniquingKeysWith: { a, _ in a })))
        }
        return (header, rows)
    }
}
