/// Writes a ``JSONValue`` as compact RFC 8259 JSON in one pass, without Foundation's
/// `JSONEncoder` and its containers (which cost a large part of every provider request).
///
/// Keys are sorted (by their UTF-8 bytes), so equal values give equal bytes. Strings escape only what JSON requires:
/// `"`, `\\` and control characters (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`); `/` and
/// non-ASCII text are written as they are. Integral numbers up to 2^53 are written without a
/// fraction; others in Swift's shortest round-tripping form. JSON has no NaN or infinity: those
/// are written as `null`.
public enum JSONWriter {
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .number(let number): write(number, into: &out)
        case .string(let text): write(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // Byte order of the keys' UTF-8: the same as String's order for ASCII keys, and no
            // Unicode collation or second lookup per member (every request body goes through here).
            for (index, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func write(_ number: Double, into out: inout [UInt8]) {
        guard number.isFinite else { out += [0x6E, 0x75, 0x6C, 0x6C]; return }
        if number == number.rounded(), abs(number) <= 9_007_199_254_740_992 {
            out += Array(String(Int64(number)).utf8)
        } else {
            out += Array(number.description.utf8) // shortest form that reads back the same: 0.7, 1e-05, 1.5e+300
        }
    }

    static func write(_ text: String, into out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
