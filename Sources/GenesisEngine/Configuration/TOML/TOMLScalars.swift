/// The values that are neither strings, arrays nor tables: booleans, integers (decimal with
/// `_` between digits, `0x`, `0o`, `0b`), floats (fraction, exponent, `inf`, `nan`) and the
/// four date and time kinds.
extension TOMLScanner {
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A boolean, number or date at the cursor.
    mutating func scalar() throws(TOMLSyntaxError) -> TOMLValue {
        let start = index
        while let byte = peek, Self.isTokenByte(byte) { index += 1 }
        // A date, a space, then a time: one local or offset date-time.
        if index - start == 10, peek == UInt8(ascii: " "), let h = peek(1), let m = peek(2), Self.isDigit(h), Self.isDigit(m),
           peek(3) == UInt8(ascii: ":"), Self.fullDate(bytes[start..<index]) != nil {
            index += 1
            while let byte = peek, Self.isTokenByte(byte) { index += 1 }
        }
        let token = bytes[start..<index]
        let text = String(decoding: token, as: UTF8.self)
        guard !token.isEmpty else { throw error("expected a value, found \(found)") }
        switch text {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if let first = token.first, !Self.isDigit(first), first != UInt8(ascii: "+"), first != UInt8(ascii: "-") {
            throw error("\(text) is not a value; text goes in quotes (\"\(text)\"), and true and false are lower case", at: start)
        }
        if token.contains(UInt8(ascii: ":")) || (token.count > 4 && token[start + 4] == UInt8(ascii: "-") && token.prefix(4).allSatisfy(Self.isDigit)) {
            guard let dateTime = Self.dateTime(token, text: text) else {
                throw error("\(text) is not a date or time; write 1979-05-27, 07:32:00, 1979-05-27T07:32:00 or 1979-05-27T07:32:00Z (or +01:00)", at: start)
            }
            return .dateTime(dateTime)
        }
        return try number(token, text: text, at: start)
    }

    // MARK: Numbers

    /// Digits with single underscores between them: `1_000`, not `_1`, `1_` or `1__0`.
    private static func isDigitGroup(_ s: ArraySlice<UInt8>, digit: (UInt8) -> Bool) -> Bool {
        guard let first = s.first, let last = s.last, digit(first), digit(last) else { return false }
        var previousUnderscore = false
        for byte in s {
            if byte == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if digit(byte) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    private mutating func number(_ token: ArraySlice<UInt8>, text: String, at start: Int) throws(TOMLSyntaxError) -> TOMLValue {
        let clean = String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        func invalid(_ why: String) -> TOMLSyntaxError { error("\(text) is not a number: \(why)", at: start) }
        func outOfRange() -> TOMLSyntaxError { error("\(text) does not fit in a 64-bit integer (TOML's range)", at: start) }

        // 0x, 0o, 0b: unsigned, underscores between digits.
        if token.count > 2, token.first == UInt8(ascii: "0"),
           let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][token[start + 1]] {
            let digits = token.dropFirst(2)
            let digit: (UInt8) -> Bool = switch radix {
            case 16: Self.hexDigit
            case 8: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
            default: { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }
            }
            guard Self.isDigitGroup(digits, digit: digit) else { throw invalid("base-\(radix) digits, with _ only between digits") }
            guard let value = Int(String(clean.dropFirst(2)), radix: radix) else { throw outOfRange() }
            return .integer(value)
        }

        var rest = token
        if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
        let integerEnd = rest.firstIndex { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? rest.endIndex
        let integerPart = rest[rest.startIndex..<integerEnd]
        guard Self.isDigitGroup(integerPart, digit: Self.isDigit) else {
            if integerPart.isEmpty { throw invalid("digits must come before a . or an exponent (write 0.5, not .5)") }
            throw invalid("a number has digits, with _ only between digits")
        }
        if integerPart.first == UInt8(ascii: "0"), integerPart.count > 1 {
            throw invalid("leading zeros are not allowed (write 7, not 07)")
        }
        var cursor = integerEnd
        var isFloat = false
        if cursor < rest.endIndex, rest[cursor] == UInt8(ascii: ".") {
            isFloat = true
            let fractionEnd = rest[(cursor + 1)...].firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? rest.endIndex
            guard Self.isDigitGroup(rest[(cursor + 1)..<fractionEnd], digit: Self.isDigit) else {
                throw invalid("a . must have digits on both sides (write 1.0, not 1.)")
            }
            cursor = fractionEnd
        }
        if cursor < rest.endIndex {
            isFloat = true
            var exponent = rest[(cursor + 1)...] // after e or E
            if exponent.first == UInt8(ascii: "+") || exponent.first == UInt8(ascii: "-") { exponent = exponent.dropFirst() }
            guard Self.isDigitGroup(exponent, digit: Self.isDigit) else { throw invalid("an exponent needs digits (write 1e6 or 1.5E-3)") }
        }
        if isFloat {
            guard let value = Double(clean) else { throw invalid("not a float") }
            return .float(value)
        }
        guard let value = Int(clean) else { throw outOfRange() }
        return .integer(value)
    }

    // MARK: Dates and times

    private static func digits(_ s: ArraySlice<UInt8>, _ offset: Int, _ count: Int) -> Int? {
        let start = s.startIndex + offset
        guard start + count <= s.endIndex else { return nil }
        var value = 0
        for byte in s[start..<start + count] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `YYYY-MM-DD`, a real day of a real month.
    private static func fullDate(_ s: ArraySlice<UInt8>) -> TOMLDateTime.Date? {
        guard s.count == 10, s[s.startIndex + 4] == UInt8(ascii: "-"), s[s.startIndex + 7] == UInt8(ascii: "-"),
              let year = digits(s, 0, 4), let month = digits(s, 5, 2), let day = digits(s, 8, 2), (1...12).contains(month) else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        return TOMLDateTime.Date(year: year, month: month, day: day)
    }

    /// `HH:MM:SS` with optional fractional seconds; returns the time and where it ends.
    private static func partialTime(_ s: ArraySlice<UInt8>) -> (TOMLDateTime.Time, Int)? {
        guard s.count >= 8, s[s.startIndex + 2] == UInt8(ascii: ":"), s[s.startIndex + 5] == UInt8(ascii: ":"),
              let hour = digits(s, 0, 2), let minute = digits(s, 3, 2), let second = digits(s, 6, 2),
              hour < 24, minute < 60, second <= 60 else { return nil } // 60: a leap second (RFC 3339)
        var end = s.startIndex + 8, nanosecond = 0
        if end < s.endIndex, s[end] == UInt8(ascii: ".") {
            end += 1
            let fractionStart = end
            while end < s.endIndex, isDigit(s[end]) { end += 1 }
            guard end > fractionStart else { return nil }
            for (place, byte) in s[fractionStart..<min(end, fractionStart + 9)].enumerated() {
                nanosecond += Int(byte - UInt8(ascii: "0")) * [100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1][place]
            }
        }
        return (TOMLDateTime.Time(hour: hour, minute: minute, second: second, nanosecond: nanosecond), end)
    }

    private static func dateTime(_ s: ArraySlice<UInt8>, text: String) -> TOMLDateTime? {
        if s.count == 10 { return fullDate(s).map { TOMLDateTime(date: $0, text: text) } }
        if s.count > 2, s[s.startIndex + 2] == UInt8(ascii: ":") { // a local time
            guard let (time, end) = partialTime(s), end == s.endIndex else { return nil }
            return TOMLDateTime(time: time, text: text)
        }
        guard s.count > 11, let date = fullDate(s.prefix(10)) else { return nil }
        let separator = s[s.startIndex + 10]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " "),
              let (time, end) = partialTime(s.dropFirst(11)) else { return nil }
        let offset = s[end...]
        if offset.isEmpty { return TOMLDateTime(date: date, time: time, text: text) }
        if offset.count == 1, offset.first == UInt8(ascii: "Z") || offset.first == UInt8(ascii: "z") {
            return TOMLDateTime(date: date, time: time, offsetMinutes: 0, text: text)
        }
        guard offset.count == 6, let sign = offset.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
              offset[offset.startIndex + 3] == UInt8(ascii: ":"),
              let hours = digits(offset, 1, 2), let minutes = digits(offset, 4, 2), hours < 24, minutes < 60 else { return nil }
        return TOMLDateTime(date: date, time: time, offsetMinutes: (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 60 + minutes), text: text)
    }
}
