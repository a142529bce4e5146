/// A TOML 1.0 value, as ``TOMLReader`` reads it. Every key and array element keeps the line it
/// is written on (``TOMLItem``), so that whoever interprets the document can name the line of a
/// wrong value without searching the text again.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    /// TOML integers are 64-bit; `Int` is 64-bit on every platform Genesis builds for.
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case dateTime(TOMLDateTime)
    case array([TOMLItem])
    case table(TOMLTable)

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var integer: Int? { if case .integer(let i) = self { i } else { nil } }
    public var float: Double? { if case .float(let d) = self { d } else { nil } }
    public var boolean: Bool? { if case .boolean(let b) = self { b } else { nil } }
    public var table: TOMLTable? { if case .table(let t) = self { t } else { nil } }
    public var array: [TOMLItem]? { if case .array(let a) = self { a } else { nil } }
}

/// A value and the line it is written on: for a key, the line of its first mention (a
/// `[header]`, a dotted key or `key = value`); for an element of an array, the line it starts
/// on; for a table of an array of tables, its `[[header]]`.
public struct TOMLItem: Sendable, Equatable {
    public var value: TOMLValue
    public var line: Int

    public init(_ value: TOMLValue, line: Int) {
        self.value = value
        self.line = line
    }
}

/// A table: keys in the order they were first written, each with its value and line.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var items: [String: TOMLItem] = [:]

    public init() {}

    public subscript(key: String) -> TOMLValue? { items[key]?.value }
    public func item(_ key: String) -> TOMLItem? { items[key] }
    public func line(of key: String) -> Int? { items[key]?.line }
    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }

    /// Adds `key`; the reader never adds one twice (that is an error in the document).
    mutating func append(_ key: String, _ item: TOMLItem) {
        if items.updateValue(item, forKey: key) == nil { keys.append(key) }
    }
}

extension TOMLValue: CustomStringConvertible {
    /// The value written as TOML (strings quoted and escaped), for error messages.
    public var description: String {
        switch self {
        case .string(let s): TOMLValue.quoted(s)
        case .integer(let i): "\(i)"
        case .float(let d): d.isNaN ? "nan" : d.isInfinite ? (d < 0 ? "-inf" : "inf") : "\(d)"
        case .boolean(let b): "\(b)"
        case .dateTime(let d): d.text
        case .array(let items): "[" + items.map(\.value.description).joined(separator: ", ") + "]"
        case .table(let t): t.isEmpty ? "{}" : "{ " + t.keys.map { "\(TOMLValue.key($0)) = \(t[$0]?.description ?? "")" }.joined(separator: ", ") + " }"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func key(_ k: String) -> String {
        !k.isEmpty && k.utf8.allSatisfy(TOMLScanner.isBareKeyByte) ? k : quoted(k)
    }
}
