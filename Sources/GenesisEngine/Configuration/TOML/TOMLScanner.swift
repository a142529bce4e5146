/// The bytes of a TOML document under a cursor that counts lines: whitespace, newlines,
/// comments, keys and strings. ``TOMLParser`` puts them together into tables.
///
/// Newlines are `\n` and `\r\n`; a `\r` alone is an error. Control characters other than tab
/// are refused in comments and strings. The text is a Swift `String`, so its UTF-8 is valid.
struct TOMLScanner {
    let bytes: [UInt8]
    var index = 0
    /// The line of `index`, from 1.
    private(set) var line = 1
    private var lineStart = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 } // a byte order mark some editors write
    }

    var isAtEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    func starts(with literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { needle in (0..<count).allSatisfy { bytes[index + $0] == needle[$0] } }
    }

    // MARK: Errors

    /// An error at the cursor.
    func error(_ message: String) -> TOMLSyntaxError { error(message, at: index) }

    /// An error at `offset`, which is on the current line.
    func error(_ message: String, at offset: Int) -> TOMLSyntaxError {
        let start = min(lineStart, offset), end = min(offset, bytes.count)
        let column = 1 + bytes[start..<end].count { $0 & 0xC0 != 0x80 } // characters, not bytes
        return TOMLSyntaxError(line: line, column: column, message: message)
    }

    /// What is at the cursor, for "found ..." in messages.
    var found: String {
        guard let byte = peek else { return "the end of the file" }
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { return "the end of the line" }
        if let control = Self.controlName(byte) { return control }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "\"" + String(decoding: bytes[index..<end], as: UTF8.self) + "\""
    }

    /// `U+0000 (NUL)` for a control character other than tab, else nil.
    static func controlName(_ byte: UInt8) -> String? {
        guard byte < 0x20 && byte != 0x09 || byte == 0x7F else { return nil }
        let hex = String(byte, radix: 16, uppercase: true)
        return "a control character, U+" + String(repeating: "0", count: 4 - hex.count) + hex + (byte == 0 ? " (NUL)" : "")
    }

    // MARK: Space, newlines, comments

    mutating func skipBlanks() {
        while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
    }

    /// Consumes a newline at the cursor, if there is one.
    mutating func newline() throws(TOMLSyntaxError) -> Bool {
        if peek == UInt8(ascii: "\n") {
            index += 1
        } else if peek == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else { throw error("a carriage return (\\r) not followed by a line feed; end lines with \\n or \\r\\n") }
            index += 2
        } else {
            return false
        }
        line += 1
        lineStart = index
        return true
    }

    /// Consumes a comment at the cursor, if there is one, up to (not including) its newline.
    mutating func comment() throws(TOMLSyntaxError) {
        guard peek == UInt8(ascii: "#") else { return }
        index += 1
        while let byte = peek, byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { return }
            if let control = Self.controlName(byte) { throw error("\(control) in a comment, which TOML does not allow; remove it") }
            index += 1
        }
    }

    /// Blanks, comments and newlines: what may come between the values of an array.
    mutating func skipBlanksCommentsAndNewlines() throws(TOMLSyntaxError) {
        while true {
            skipBlanks()
            try comment()
            guard try newline() else { return }
        }
    }

    /// After a key/value pair or a header: blanks, an optional comment, then a newline or the end.
    mutating func endOfLine(after what: String) throws(TOMLSyntaxError) {
        skipBlanks()
        try comment()
        if isAtEnd { return }
        guard try newline() else {
            throw error("expected the end of the line after \(what), found \(found); put one key = value on each line")
        }
    }

    // MARK: Keys

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// A key: bare, "basic" or 'literal' parts joined by dots (blanks around the dots allowed).
    /// `what` names where it is, for messages: "a key", "a table name".
    mutating func key(_ what: String) throws(TOMLSyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            skipBlanks()
            parts.append(try simpleKey(what))
            skipBlanks()
            guard peek == UInt8(ascii: ".") else { return parts }
            index += 1
        }
    }

    private mutating func simpleKey(_ what: String) throws(TOMLSyntaxError) -> String {
        guard let byte = peek else { throw error("expected \(what), found the end of the file") }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            if starts(with: "\"\"\"") || starts(with: "'''") {
                throw error("\(what) cannot be a multi-line string; use \"...\" or '...'")
            }
            return byte == UInt8(ascii: "\"") ? try basicString() : try literalString()
        }
        let start = index
        while let b = peek, Self.isBareKeyByte(b) { index += 1 }
        guard index > start else {
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                throw error(what == "a table name" ? "a table header needs its name on the same line, e.g. [providers.openai]"
                                                   : "expected \(what), found the end of the line")
            }
            throw error("\(what) cannot start with \(found); use letters, digits, - and _, or quote it: \"name\"")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: Strings

    /// A "basic string" on one line, with escapes. The cursor is on its opening quote.
    mutating func basicString() throws(TOMLSyntaxError) -> String {
        let open = index
        index += 1
        let start = index
        // Fast path: no escapes, so the content is the bytes as they are.
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 || byte == 0x09, byte != 0x7F { index += 1 }
        if peek == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: bytes[start..<index - 1], as: UTF8.self)
        }
        var content = Array(bytes[start..<index])
        while true {
            guard let byte = peek else { throw error("this string has no closing \"", at: open) }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: content, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &content)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("this string has no closing \" on its line; close it, or use \"\"\" for text over several lines", at: open)
            default:
                if let control = Self.controlName(byte) { throw error("\(control) in a string, which TOML does not allow; write it as an escape, e.g. \\u0000, or remove it") }
                content.append(byte)
                index += 1
            }
        }
    }

    /// A """multi-line basic string""" (with escapes, and a backslash that ends a line joins it
    /// to the next) or a '''multi-line literal string''' (as written). The cursor is on its
    /// opening quotes. A newline right after them is not part of the string; `\r\n` is read as
    /// `\n`; up to two quotes may come right before the closing three.
    mutating func multiLineString() throws(TOMLSyntaxError) -> String {
        let quote = bytes[index], isBasic = quote == UInt8(ascii: "\"")
        let delimiter = isBasic ? "\"\"\"" : "'''"
        let unclosed = TOMLSyntaxError(line: line, column: error("").column, message: "this \(delimiter) string has no closing \(delimiter)")
        index += 3
        _ = try newline()
        var content: [UInt8] = []
        while true {
            guard let byte = peek else { throw unclosed }
            switch byte {
            case quote where peek(1) == quote && peek(2) == quote:
                var quotes = 3
                while peek(quotes) == quote { quotes += 1 }
                guard quotes <= 5 else { throw error("too many quotes: at most two may come right before the closing \(delimiter)") }
                content += repeatElement(quote, count: quotes - 3)
                index += quotes
                return String(decoding: content, as: UTF8.self)
            case UInt8(ascii: "\\") where isBasic:
                // A backslash ending a line joins it to the next: the newline and the blanks and newlines after it go.
                var next = index + 1
                while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "\n") || bytes[next] == UInt8(ascii: "\r") {
                    index = next
                    _ = try newline()
                    while true {
                        skipBlanks()
                        guard try newline() else { break }
                    }
                } else {
                    try escape(into: &content)
                }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                _ = try newline()
                content.append(UInt8(ascii: "\n"))
            default:
                if let control = Self.controlName(byte) {
                    throw error("\(control) in a string, which TOML does not allow; \(isBasic ? "write it as an escape, e.g. \\u0000, or " : "")remove it")
                }
                content.append(byte)
                index += 1
            }
        }
    }

    /// A 'literal string' on one line: no escapes. The cursor is on its opening quote.
    mutating func literalString() throws(TOMLSyntaxError) -> String {
        let open = index
        index += 1
        let start = index
        while true {
            guard let byte = peek else { throw error("this string has no closing '", at: open) }
            switch byte {
            case UInt8(ascii: "'"):
                index += 1
                return String(decoding: bytes[start..<index - 1], as: UTF8.self)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("this string has no closing ' on its line; close it, or use ''' for text over several lines", at: open)
            default:
                if let control = Self.controlName(byte) { throw error("\(control) in a string, which TOML does not allow; remove it") }
                index += 1
            }
        }
    }

    /// An escape in a basic string: \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX, appended as UTF-8.
    private mutating func escape(into content: inout [UInt8]) throws(TOMLSyntaxError) {
        let start = index
        index += 1
        guard let letter = peek else { throw error("a backslash at the end of the file") }
        index += 1
        switch letter {
        case UInt8(ascii: "b"): content.append(0x08)
        case UInt8(ascii: "t"): content.append(0x09)
        case UInt8(ascii: "n"): content.append(0x0A)
        case UInt8(ascii: "f"): content.append(0x0C)
        case UInt8(ascii: "r"): content.append(0x0D)
        case UInt8(ascii: "\""): content.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): content.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = letter == UInt8(ascii: "u") ? 4 : 8
            guard index + digits <= bytes.count,
                  let value = UInt32(String(decoding: bytes[index..<index + digits], as: UTF8.self), radix: 16),
                  bytes[index..<index + digits].allSatisfy({ Self.hexDigit($0) }) else {
                throw error("\\\(letter == UInt8(ascii: "u") ? "u" : "U") needs exactly \(digits) hexadecimal digits", at: start)
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("\\\(letter == UInt8(ascii: "u") ? "u" : "U")\(String(decoding: bytes[index..<index + digits], as: UTF8.self)) is not a Unicode scalar value (a surrogate, or above 10FFFF)", at: start)
            }
            index += digits
            content += Array(String(Character(scalar)).utf8)
        default:
            var end = start + 2
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            let shown = String(decoding: bytes[start..<end], as: UTF8.self)
            throw error("\(shown.contains(where: { $0.isNewline || $0.isWhitespace }) ? "a lone backslash" : shown) is not an escape TOML knows; use \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX or \\UXXXXXXXX, or write the backslash as \\\\ (or use a 'literal string')", at: start)
        }
    }

    static func hexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }
}
