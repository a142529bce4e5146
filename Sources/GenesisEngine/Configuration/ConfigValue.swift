import Foundation
import TOMLKit

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

    static func parseTOML(_ text: String, file: String) throws(ConfigurationError) -> ConfigValue {
        if let problem = TOMLPrecheck.problem(in: text) {
            throw ConfigurationError(file: file, line: problem.line, message: "TOML syntax error: \(problem.message)")
        }
        do {
            let table = try TOMLDocument.table(text)
            return convert(table)
        } catch let error as TOMLParseError {
            throw ConfigurationError(file: file, line: error.source.begin.line, message: "TOML syntax error: \(error.description)")
        } catch {
            throw ConfigurationError(file: file, message: "TOML syntax error: \(error); check its brackets, quotes and table names")
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

    private static func convert(_ value: any TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .table: return .table(value.table.map(convert(table:)) ?? [:])
        case .array: return .array(value.array.map { $0.map { convert($0) } } ?? [])
        case .string: return .string(value.string ?? "")
        case .int: return .int(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        default: return .string(value.debugDescription)
        }
    }

    private static func convert(_ table: TOMLTable) -> ConfigValue { .table(convert(table: table)) }

    private static func convert(table: TOMLTable) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for key in table.keys {
            if let value = table[key] { result[key] = convert(value) }
        }
        return result
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
