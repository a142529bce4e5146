/// What TOMLKit's parser (toml++ 3) cannot be handed: it aborts the process, through an
/// assertion left on in release builds, when a table header's first key character is neither a
/// bare-key character nor a quote (`[%name]`, `[[ @name]]`), and it reads the text as a C
/// string, so a NUL cuts it short. Both were found by the configuration fuzzer
/// (`Fuzz/run.sh config`). This scan finds them first and names the line.
///
/// It follows just enough of TOML to know where headers are: strings (basic, literal and their
/// multi-line forms, with escapes), comments, and the brackets and braces of values, so that a
/// `[` opening a line inside a multi-line array or string is not taken for a header.
public enum TOMLPrecheck {
    public struct Problem: Equatable, Sendable {
        public var line: Int
        public var message: String
    }

    public static func problem(in text: String) -> Problem? {
        let bytes = Array(text.utf8)
        var line = 1, index = 0, depth = 0, atLineStart = true
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 } // a byte order mark, which toml++ skips
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func startsWith(_ literal: String) -> Bool {
            let needle = Array(literal.utf8)
            return index + needle.count <= bytes.count && Array(bytes[index..<index + needle.count]) == needle
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0:
                return Problem(line: line, message: "a NUL character, which TOML does not allow anywhere; remove it")
            case UInt8(ascii: "\n"):
                line += 1
                atLineStart = true
                index += 1
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
                continue
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
                    if bytes[index] == 0 { return Problem(line: line, message: "a NUL character, which TOML does not allow anywhere; remove it") }
                    index += 1
                }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let quote = byte
                let multiLine = startsWith(quote == UInt8(ascii: "\"") ? "\"\"\"" : "'''")
                index += multiLine ? 3 : 1
                while index < bytes.count {
                    let c = bytes[index]
                    if c == 0 { return Problem(line: line, message: "a NUL character, which TOML does not allow anywhere; remove it") }
                    if c == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                        if at(1) == UInt8(ascii: "\n") { line += 1 }
                        index += 2
                        continue
                    }
                    if c == UInt8(ascii: "\n") {
                        if !multiLine { break } // an unclosed string (toml++ reports it); the line break is counted below
                        line += 1
                    }
                    if c == quote, !multiLine || (at(1) == quote && at(2) == quote) {
                        index += multiLine ? 3 : 1
                        while multiLine, index < bytes.count, bytes[index] == quote { index += 1 } // up to two quotes may end the content
                        break
                    }
                    index += 1
                }
            case UInt8(ascii: "["):
                if atLineStart && depth == 0 {
                    // A table header: `[` or `[[`, optional blanks, then its first key character.
                    var next = index + 1
                    if next < bytes.count, bytes[next] == UInt8(ascii: "[") { next += 1 }
                    while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
                    if next < bytes.count, !isKeyStart(bytes[next]) {
                        if bytes[next] == UInt8(ascii: "\n") || bytes[next] == UInt8(ascii: "\r") {
                            return Problem(line: line, message: "a table header needs its name on the same line, e.g. [providers.openai]")
                        }
                        let shown = String(decoding: bytes[next..<min(bytes.count, next + 1)], as: UTF8.self)
                        return Problem(line: line, message: "a table name cannot start with \"\(shown)\"; use letters, digits, - and _, or quote it: [\"name\"]")
                    }
                    index = next
                    atLineStart = false
                    // The rest of the header is plain key text up to its closing bracket.
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "]"),
                          bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "'") {
                        if bytes[index] == 0 { return Problem(line: line, message: "a NUL character, which TOML does not allow anywhere; remove it") }
                        index += 1
                    }
                    while index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
                    continue
                }
                depth += 1
                index += 1
            case UInt8(ascii: "{"):
                depth += 1
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                index += 1
            default:
                index += 1
            }
            atLineStart = false
        }
        return nil
    }

    /// A bare key character (`A-Za-z0-9_-`), a quote, or `]` (an empty header, which toml++ reports itself).
    /// Anything else after `[`, a line break included, trips toml++'s assertion.
    static func isKeyStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"):
            true
        default:
            false
        }
    }
}
