import GenesisEngine
import GenesisTestSupport
import Foundation

/// The wire transcripts in `Fixtures/` (a copy of the shared fixtures plus our own) and the
/// expected decoder output in `expected.json`.
enum Fixtures {
    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func bytes(_ name: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
            fatalError("missing fixture \(name)")
        }
        return Array(data)
    }

    static let expected: [String: JSONValueForTests] = {
        guard case .object(let object)? = JSONValueForTests.parse(bytes("expected.json")) else { fatalError("expected.json unreadable") }
        return object
    }()

    /// A `.http` transcript: status line, header lines, blank line, body.
    struct HTTPTranscript {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
    }

    static func http(_ name: String) -> HTTPTranscript {
        let raw = bytes(name)
        var index = 0, lines: [String] = []
        while index < raw.count {
            guard let end = raw[index...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let line = String(decoding: raw[index..<end], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            index = end + 1
            if line.isEmpty { break }
            lines.append(line)
        }
        let status = Int(lines.first?.split(separator: " ")[1] ?? "0") ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return HTTPTranscript(status: status, headers: headers, body: Array(raw[index...]))
    }

    /// Splits bytes into pieces of `size`.
    static func chunks(_ bytes: [UInt8], size: Int) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }
}

/// JSON for test expectations (kept apart from the adapters' own `JSONValue`).
enum JSONValueForTests: Equatable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValueForTests]), object([String: JSONValueForTests])

    static func parse(_ bytes: [UInt8]) -> JSONValueForTests? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return nil }
        return convert(object)
    }

    private static func convert(_ any: Any) -> JSONValueForTests {
        switch any {
        case let d as [String: Any]: .object(d.mapValues(convert))
        case let a as [Any]: .array(a.map(convert))
        case let s as String: .string(s)
        case let n as NSNumber: .number(n.doubleValue) // true and false read back through `bool`
        case is NSNull: .null
        default: .string("\(any)")
        }
    }

    subscript(key: String) -> JSONValueForTests? { if case .object(let o) = self { o[key] } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var double: Double? { if case .number(let n) = self { n } else { nil } }
    var int: Int? { double.map { Int($0) } }
    var bool: Bool? {
        switch self {
        case .bool(let b): b
        case .number(let n): n != 0
        default: nil
        }
    }
    var array: [JSONValueForTests]? { if case .array(let a) = self { a } else { nil } }
    var isNull: Bool { self == .null }
}

extension FakeServer.Request {
    var json: JSONValueForTests? { JSONValueForTests.parse(body) }
}
