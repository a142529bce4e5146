import Foundation

/// A parsed configuration document, whatever its syntax (TOML or JSON): plain values, so that
/// one interpreter reads both.
enum ConfigValue: Sendable {
    case string(String), int(Int), double(Double), bool(Bool)
    case array([ConfigValue]), table([String: ConfigValue])

    var typeName: String {
        switch self {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "true or false"
        case .array: "a list"
        case .table: "a table"
        }
    }

    /// How the value is written, for error messages.
    var rendered: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        case .bool(let b): "\(b)"
        case .array: "a list"
        case .table: "a table"
        }
    }

    /// Reads TOML text; a syntax error names the file, the line and the column.
    static func readTOML(_ text: String, file: String) throws(ConfigurationError) -> TOMLTable {
        do {
            return try TOMLReader.read(text)
        } catch {
            throw ConfigurationError(file: file, line: error.line, message: "TOML syntax error: \(error.message) (column \(error.column))")
        }
    }

    init(_ table: TOMLTable) {
        var result: [String: ConfigValue] = [:]
        for key in table.keys {
            if let value = table[key] { result[key] = ConfigValue(value) }
        }
        self = .table(result)
    }

    init(_ value: TOMLValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .integer(let i): self = .int(i)
        case .float(let d): self = .double(d)
        case .boolean(let b): self = .bool(b)
        case .dateTime(let d): self = .string(d.text) // as before (TOMLKit's text); no setting takes a date
        case .array(let items): self = .array(items.map { ConfigValue($0.value) })
        case .table(let t): self = ConfigValue(t)
        }
    }

    static func parseJSON(_ text: String, file: String) throws(ConfigurationError) -> ConfigValue {
        do {
            return try JSONDecoder().decode(ConfigValue.self, from: Data(text.utf8))
        } catch {
            var detail = "\(error)"
            if case DecodingError.dataCorrupted(let context) = error {
                detail = (context.underlyingError.map { "\($0)" }) ?? context.debugDescription
            }
            throw ConfigurationError(file: file, line: SourceLocator.firstLineNumber(in: detail), message: "JSON syntax error: \(detail)")
        }
    }
}

extension ConfigValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) { self = .bool(bool) }
        else if let int = try? container.decode(Int.self) { self = .int(int) }
        else if let double = try? container.decode(Double.self) { self = .double(double) }
        else if let string = try? container.decode(String.self) { self = .string(string) }
        else if let array = try? container.decode([ConfigValue].self) { self = .array(array) }
        else { self = .table(try container.decode([String: ConfigValue].self)) }
    }
}
