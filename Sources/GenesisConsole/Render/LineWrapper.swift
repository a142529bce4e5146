/// Wraps one line of styled text at a display width, fed as the text arrives.
///
/// Words (runs of anything but spaces) go to the next line when they do not fit; a word wider
/// than a line is cut at the width, and a character wider than a whole line gets a line to
/// itself. A run of spaces that does not fit is dropped and ends the line: wrapped lines never
/// start with spaces, and no line ends with them. A change of style ends a word (the bold part
/// of `a**b**` may wrap apart from the rest). With `breaksAtSpaces` off (code), spaces are
/// characters like any other and every line is filled to the width.
///
/// Each character is looked at once, and a finished line never changes, so a line of n
/// characters costs O(n) however it is fed: a 10 MB token arriving in a thousand deltas costs
/// what it costs at once. Printable ASCII, a column a byte, is taken a run at a time. What is
/// held back (the line being filled, the word being read, the spaces before it) is at most a
/// line's worth, so a copy costs no more than a line.
struct LineWrapper: Sendable {
    let width: Int
    /// Columns of blank at the start of each line after the first (a list item's hanging indent).
    let indent: Int
    let breaksAtSpaces: Bool
    /// Lines no further text can change, not yet taken.
    private var finished: [StyledLine] = []
    /// The line being filled, its columns, and whether it holds more than its indent.
    private var line: StyledLine = []
    private var used = 0
    private var lineHasText = false
    /// Spaces after the last word placed: they go on the line only in front of a word that fits there.
    private var spaces: [Span] = []
    private var spacesWidth = 0
    /// The run of spaces being read did not fit: the rest of it is dropped, and the next word
    /// starts a new line.
    private var droppingSpaces = false
    /// The word being read, not placed yet: it may still move to the next line whole.
    private var word = ""
    private var wordStyle = Style.plain
    private var wordWidth = 0

    init(width: Int, indent: Int = 0, breaksAtSpaces: Bool = true) {
        self.width = width
        self.indent = indent
        self.breaksAtSpaces = breaksAtSpaces
    }

    /// Appends `text`, whole characters only (it must not end inside a character).
    mutating func append(_ text: Substring, style: Style) {
        let bytes = text.utf8
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let isSpace = byte == 0x20 && breaksAtSpaces
            if isSpace || isColumnByte(byte) { // a run of spaces, or of printable ASCII
                var end = bytes.index(after: index)
                while end < bytes.endIndex, isSpace ? bytes[end] == 0x20 : isColumnByte(bytes[end]) { end = bytes.index(after: end) }
                // The last one may be the base of a character that goes on (a combining mark): it goes alone, below.
                if end < bytes.endIndex, bytes[end] >= 0x80 { end = bytes.index(before: end) }
                if end > index {
                    if isSpace { appendSpaces(bytes.distance(from: index, to: end), style: style) } else { appendColumns(text[index..<end], style: style) }
                    index = end
                    continue
                }
            }
            // Anything else a character at a time, until ASCII comes back.
            for character in text[index...] {
                append(character, style: style)
                index = bytes.index(index, offsetBy: character.utf8.count)
                if index < bytes.endIndex, bytes[index] < 0x80 { break }
            }
        }
    }

    mutating func append(_ text: String, style: Style) { append(text[...], style: style) }

    /// The lines finished since the last call: no text that comes later can change them.
    mutating func takeFinished() -> [StyledLine] {
        defer { finished = [] }
        return finished
    }

    /// The lines not taken yet as if the text ended here (spaces at the end dropped).
    consuming func finish() -> [StyledLine] {
        placeWord()
        finished.append(lineHasText ? line : [])
        return finished
    }

    /// Printable ASCII other than a space that separates words: one column, one character.
    private func isColumnByte(_ byte: UInt8) -> Bool {
        byte < 0x7F && (byte > 0x20 || (byte == 0x20 && !breaksAtSpaces))
    }

    private mutating func append(_ character: Character, style: Style) {
        if breaksAtSpaces, character.utf8.count == 1, character.utf8.first == 0x20 {
            appendSpaces(1, style: style)
            return
        }
        let characterWidth = DisplayWidth.of(character)
        startWord(style)
        makeRoom(for: characterWidth)
        if word.isEmpty { wordStyle = style }
        word.append(character)
        wordWidth += characterWidth
    }

    /// `run` is printable ASCII, a column a byte: as many as fit go at once.
    private mutating func appendColumns(_ run: Substring, style: Style) {
        startWord(style)
        var rest = run
        while !rest.isEmpty {
            var room = width - used - spacesWidth - wordWidth
            if room <= 0 {
                makeRoom(for: 1)
                room = max(1, width - used - spacesWidth - wordWidth) // at least one, alone if need be
            }
            let cut = rest.utf8.index(rest.startIndex, offsetBy: min(room, rest.utf8.count))
            if word.isEmpty { wordStyle = style }
            word += rest[..<cut]
            wordWidth += rest.utf8.distance(from: rest.startIndex, to: cut)
            rest = rest[cut...]
        }
    }

    private mutating func appendSpaces(_ count: Int, style: Style) {
        placeWord()
        guard !droppingSpaces else { return }
        if used + spacesWidth + count > width {
            spaces = []
            spacesWidth = 0
            droppingSpaces = true
            return
        }
        Self.add(Span(String(repeating: " ", count: count), style), to: &spaces)
        spacesWidth += count
    }

    /// A character that is not a space comes: a change of style ends the word before it, and
    /// after spaces that were dropped it starts a new line.
    private mutating func startWord(_ style: Style) {
        if style != wordStyle { placeWord() }
        if droppingSpaces {
            droppingSpaces = false
            if lineHasText { breakLine() }
        }
    }

    /// Makes room for a character `characterWidth` columns wide after the word being read.
    private mutating func makeRoom(for characterWidth: Int) {
        guard used + spacesWidth + wordWidth + characterWidth > width else { return }
        if lineHasText { breakLine() } // the word moves to the next line whole
        spaces = []                    // and no line starts with spaces
        spacesWidth = 0
        if used + wordWidth + characterWidth > width, wordWidth > 0 { // too wide for any line: cut it here
            placeWord()
            breakLine()
        }
    }

    private mutating func placeWord() {
        guard !word.isEmpty else { return }
        for span in spaces { Self.add(span, to: &line) }
        Self.add(Span(word, wordStyle), to: &line)
        used += spacesWidth + wordWidth
        lineHasText = true
        spaces = []
        spacesWidth = 0
        word = ""
        wordWidth = 0
    }

    private mutating func breakLine() {
        finished.append(lineHasText ? line : [])
        line = indent > 0 ? [Span(String(repeating: " ", count: indent))] : []
        used = indent
        lineHasText = false
        spaces = []
        spacesWidth = 0
    }

    /// Appends `span`, joining it to the last one when they look the same.
    private static func add(_ span: Span, to line: inout StyledLine) {
        if let last = line.last, last.style == span.style {
            line[line.count - 1].text += span.text
        } else {
            line.append(span)
        }
    }
}
