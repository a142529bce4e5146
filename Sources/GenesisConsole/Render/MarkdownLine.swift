/// One source line of a Markdown answer, laid out as it arrives.
///
/// What the line is (a paragraph, a heading, a list item, a code fence, a line of a code block)
/// shows in its first characters: blanks, then at most `###### `. They are held until they say;
/// after that the text goes straight on to a ``LineWrapper``, so the line costs O(n) however it
/// is fed. Only whole characters may be appended: the last character of a growing text can still
/// change (a combining mark, the second half of a flag), so it is laid out on a copy
/// (``finish()``), which costs at most a line's worth.
struct MarkdownLine: Sendable {
    /// A block marker counts after at most this many blank characters; further in, the line is a
    /// paragraph (or a line of code), so what is held back stays small.
    static let maxLeadingBlanks = 64

    let width: Int
    /// A code block was open when this line began.
    let inCode: Bool
    private var state: State

    private enum State: Sendable {
        /// The first characters, until they say what the line is; `blanks` of them are blank.
        case opening(String, blanks: Int)
        case text(InlineText)
        case code(LineWrapper)
        case fence(FenceLabel)
    }

    init(width: Int, inCode: Bool) {
        self.width = width
        self.inCode = inCode
        state = .opening("", blanks: 0)
    }

    /// Appends `text`, whole characters only and no line feed.
    mutating func append(_ text: Substring) {
        var rest = text
        while case .opening(var start, var blanks) = state, let character = rest.first {
            start.append(character)
            if blanks == start.count - 1, Self.isBlank(character) { blanks += 1 }
            state = Self.decided(start, blanks: blanks, inCode: inCode, width: width, lineEnded: false) ?? .opening(start, blanks: blanks)
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return }
        switch state {
        case .opening: break // decided above, as there was text left
        case .text(var inline):
            state = .opening("", blanks: 0) // no copy of `inline` left behind: appending stays in place
            inline.append(rest)
            state = .text(inline)
        case .code(var wrapper):
            state = .opening("", blanks: 0)
            wrapper.append(rest, style: Style(.code))
            state = .code(wrapper)
        case .fence(var label):
            label.append(rest)
            state = .fence(label)
        }
    }

    /// The lines finished since the last call: no text that comes later can change them.
    mutating func takeFinished() -> [StyledLine] {
        switch state {
        case .opening, .fence: return []
        case .text(var inline):
            state = .opening("", blanks: 0)
            defer { state = .text(inline) }
            return inline.takeFinished()
        case .code(var wrapper):
            state = .opening("", blanks: 0)
            defer { state = .code(wrapper) }
            return wrapper.takeFinished()
        }
    }

    /// The lines not taken yet as if the line ended here, and whether a code block is open after it.
    consuming func finish() -> (lines: [StyledLine], inCode: Bool) {
        var state = state
        if case .opening(let start, let blanks) = state {
            // Ended: the start says what the line is (`#` alone is a paragraph).
            state = Self.decided(start, blanks: blanks, inCode: inCode, width: width, lineEnded: true) ?? .text(InlineText(width: width))
        }
        switch state {
        case .opening: return ([[]], inCode) // not reached: decided above
        case .text(let inline): return (inline.finish(), inCode)
        case .code(let wrapper): return (wrapper.finish(), inCode)
        case .fence(let label): return ([label.line], !inCode)
        }
    }

    /// What a line starting with `start` is, with its start laid out; nil while more characters
    /// could still change that.
    private static func decided(_ start: String, blanks: Int, inCode: Bool, width: Int, lineEnded: Bool) -> State? {
        let rest = start.dropFirst(blanks)
        func paragraphOrCode() -> State {
            if inCode {
                var wrapper = LineWrapper(width: width, breaksAtSpaces: false)
                wrapper.append(start, style: Style(.code))
                return .code(wrapper)
            }
            var inline = InlineText(width: width)
            inline.append(start[...])
            return .text(inline)
        }
        if blanks > maxLeadingBlanks { return paragraphOrCode() }
        if rest.isEmpty { return lineEnded ? paragraphOrCode() : nil }
        if rest.hasPrefix("```") {
            var label = FenceLabel(width: width)
            label.append(rest.dropFirst(3))
            return .fence(label)
        }
        if !lineEnded, "``".hasPrefix(rest) { return nil }
        if inCode { return paragraphOrCode() }
        let hashes = rest.prefix { $0 == "#" }.count
        if !lineEnded, hashes == rest.count, hashes <= 6 { return nil }
        if (1...6).contains(hashes), rest.dropFirst(hashes).first == " " {
            var title = InlineText(width: width, base: Style(.heading, bold: true), skippingBlanks: true)
            title.append(rest.dropFirst(hashes + 1))
            return .text(title)
        }
        if let first = rest.first, first == "-" || first == "*" || first == "+" {
            if !lineEnded, rest.count == 1 { return nil }
            if rest.dropFirst().first == " " {
                var item = InlineText(width: width, indent: 2)
                item.appendPlain("• ", style: Style(.dim))
                item.append(rest.dropFirst(2))
                return .text(item)
            }
        }
        return paragraphOrCode()
    }

    /// Blank for a block marker's sake: a space, a tab, or another space separator (U+3000).
    static func isBlank(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return false }
        return scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
    }
}

/// A line's text with `**bold**` and `` `code` `` read as it arrives, into a ``LineWrapper``.
/// The markers are the bytes `*` and `` ` ``, whatever follows them.
struct InlineText: Sendable {
    private var wrapper: LineWrapper
    private let base: Style
    private var bold = false, code = false
    private var style: Style
    /// A `*` that may be the first of `**`.
    private var star = false
    /// Blanks at the start are dropped (a heading's title).
    private var skippingBlanks: Bool

    init(width: Int, base: Style = .plain, indent: Int = 0, skippingBlanks: Bool = false) {
        wrapper = LineWrapper(width: width, indent: indent)
        self.base = base
        style = base
        self.skippingBlanks = skippingBlanks
    }

    /// Appends `text`, whole characters only.
    mutating func append(_ text: Substring) {
        var rest = text
        while skippingBlanks, let first = rest.first {
            guard MarkdownLine.isBlank(first) else { skippingBlanks = false; break }
            rest = rest.dropFirst()
        }
        let bytes = rest.utf8
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let marker = bytes[index...].firstIndex { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "`") } ?? bytes.endIndex
            if marker > index {
                releaseStar()
                wrapper.append(rest[index..<marker], style: style)
            }
            guard marker < bytes.endIndex else { return }
            if bytes[marker] == UInt8(ascii: "`") {
                releaseStar()
                code.toggle()
                restyle()
            } else if star {
                star = false
                bold.toggle()
                restyle()
            } else if code {
                wrapper.append("*", style: style)
            } else {
                star = true
            }
            index = bytes.index(after: marker)
        }
    }

    /// Text taken as it is, with no markup (a list item's bullet).
    mutating func appendPlain(_ text: String, style: Style) {
        wrapper.append(text, style: style)
    }

    mutating func takeFinished() -> [StyledLine] { wrapper.takeFinished() }

    consuming func finish() -> [StyledLine] {
        releaseStar()
        return wrapper.finish()
    }

    /// The `*` held back was not the first of `**`: it is text.
    private mutating func releaseStar() {
        guard star else { return }
        star = false
        wrapper.append("*", style: style)
    }

    private mutating func restyle() {
        style = code ? Style(.code) : base
        if bold { style.bold = true }
    }
}

/// A code fence's label (`swift` in ```` ```swift ````), shown on the fence's line: its leading
/// blanks dropped, and kept only up to the width (the rest would not show).
struct FenceLabel: Sendable {
    let width: Int
    private var label = "", labelWidth = 0

    init(width: Int) { self.width = width }

    mutating func append(_ text: Substring) {
        for character in text {
            guard labelWidth <= width else { return }
            if label.isEmpty, MarkdownLine.isBlank(character) { continue }
            label.append(character)
            labelWidth += DisplayWidth.of(character)
        }
    }

    var line: StyledLine {
        let shown = String(label.reversed().drop(while: MarkdownLine.isBlank).reversed())
        return [Span(shown.isEmpty ? "╌╌╌" : "╌╌ \(shown)", Style(.dim))]
    }
}
