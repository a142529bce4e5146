/// How many terminal columns a character takes: 2 for East Asian wide and fullwidth characters
/// and emoji, 0 for combining marks and other zero-width scalars, 1 otherwise. A grapheme
/// cluster takes the width of its first scalar, or 2 when it asks for emoji presentation
/// (U+FE0F) or is a flag (two regional indicators).
public enum DisplayWidth {
    public static func of(_ character: Character) -> Int {
        // One scalar, most characters, ASCII above all: its width alone. (Not `asciiValue`,
        // which compares with "\r\n" first, nor `count`, which walks the scalars: both showed
        // in profiles of long lines.) "\r\n" takes the width of "\r": none.
        let scalars = character.unicodeScalars
        var next = scalars.makeIterator()
        guard let first = next.next() else { return 0 }
        guard next.next() != nil else { return of(first) }
        if scalars.contains("\u{FE0F}") || isRegionalIndicator(first) { return 2 }
        return of(first)
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value < 0x20 ? 0 : 1 } // ASCII: no property lookup
        if value == 0 { return 0 }
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        // CJK ideographs and Hangul syllables, whole blocks of wide letters with no marks among
        // them: no property lookup (it was a quarter of laying out CJK text).
        if (0x4E00...0x9FFF).contains(value) || (0xAC00...0xD7A3).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2FFFD).contains(value) { return 2 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if value == 0x200B || (0x1160...0x11FF).contains(value) { return 0 }
        if isWide(value) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    public static func of(_ text: String) -> Int {
        // ASCII text (most of it) is measured from its bytes, without breaking it into graphemes.
        var width = 0
        for byte in text.utf8 {
            guard byte < 0x80 else { return text.reduce(0) { $0 + of($1) } }
            if byte >= 0x20 && byte != 0x7F { width += 1 }
        }
        return width
    }

    private static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks.
    private static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v)
    }
}
