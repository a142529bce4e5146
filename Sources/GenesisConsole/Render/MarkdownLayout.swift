/// A run of text in one style.
public struct Span: Equatable, Sendable {
    public var text: String
    public var style: Style
    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// A line ready to draw, at most the width it was laid out for.
public typealias StyledLine = [Span]

/// Lays out a model's Markdown answer for a pane of some width: headings and bold in their own
/// styles, list items with a bullet and a hanging indent, fenced code blocks in the code style,
/// and words wrapped by display width (wide characters count two columns).
public enum MarkdownLayout {
    public static func lines(_ text: String, width: Int) -> [StyledLine] {
        guard width > 0 else { return [] }
        var layout = Incremental()
        return text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { layout.layout(line: $0, width: width) }
    }

    /// Lays out one source line at a time, remembering only whether a code block is open, so
    /// text that grows at the end never needs laying out again from the start.
    public struct Incremental: Sendable {
        var inCode = false

        public mutating func layout(line raw: Substring, width: Int) -> [StyledLine] {
            guard width > 0 else { return [] }
            let line = String(raw)
            // A plain paragraph line (the common case, laid out again every frame while it
            // streams) skips the block checks: its first non-blank byte is ASCII and opens no
            // fence, heading or list item.
            if !inCode, let first = line.utf8.first(where: { $0 != 0x20 && $0 != 0x09 }), first < 0x80,
               !MarkdownLayout.blockMarkers.contains(first) {
                return wrap(inline(line, base: .plain), width: width, indent: 0)
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                inCode.toggle()
                let label = inCode ? String(trimmed.dropFirst(3)) : ""
                return [[Span(label.isEmpty ? "╌╌╌" : "╌╌ \(label)", Style(.dim))]]
            }
            if inCode { return hardWrap([Span(line, Style(.code))], width: width) }
            if headingLevel(trimmed) != nil {
                let title = String(trimmed.drop { $0 == "#" }).trimmingCharacters(in: .whitespaces)
                return wrap(inline(title, base: Style(.heading, bold: true)), width: width, indent: 0)
            }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("+ ") {
                let body = inline(String(trimmed.dropFirst(2)), base: .plain)
                return wrap([Span("• ", Style(.dim))] + body, width: width, indent: 2)
            }
            return wrap(inline(line, base: .plain), width: width, indent: 0)
        }
    }

    /// First bytes that may open a block: a code fence, a heading or a list item.
    static let blockMarkers: Set<UInt8> = [UInt8(ascii: "`"), UInt8(ascii: "#"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+")]

    static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    /// `**bold**` and `` `code` `` inside a line.
    static func inline(_ text: String, base: Style) -> [Span] {
        // No marker at all (most lines): the whole line is one span, with no per-character work.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "`") }) {
            return text.isEmpty ? [] : [Span(text, base)]
        }
        var spans: [Span] = [], current = "", bold = false, code = false
        var index = text.startIndex
        func flush() {
            guard !current.isEmpty else { return }
            var style = code ? Style(.code) : base
            if bold { style.bold = true }
            spans.append(Span(current, style))
            current = ""
        }
        while index < text.endIndex {
            let rest = text[index...]
            if !code, rest.hasPrefix("**") {
                flush(); bold.toggle(); index = text.index(index, offsetBy: 2); continue
            }
            if rest.first == "`" {
                flush(); code.toggle(); index = text.index(after: index); continue
            }
            current.append(text[index])
            index = text.index(after: index)
        }
        flush()
        return spans
    }

    /// Word wrap: breaks at spaces, splits a word only when it is wider than the line.
    static func wrap(_ spans: [Span], width: Int, indent: Int) -> [StyledLine] {
        var lines: [StyledLine] = [], line: StyledLine = [], used = 0
        func trimmed(_ line: StyledLine) -> StyledLine {
            var line = line
            while let last = line.last, last.text.hasSuffix(" ") {
                let text = String(last.text.reversed().drop { $0 == " " }.reversed())
                if text.isEmpty { line.removeLast() } else { line[line.count - 1].text = text; break }
            }
            return line
        }
        func newLine() {
            lines.append(trimmed(line))
            line = indent > 0 ? [Span(String(repeating: " ", count: indent))] : []
            used = indent
        }
        for span in spans {
            for word in words(span.text) {
                let w = DisplayWidth.of(word)
                if used + w > width, used > indent {
                    newLine()
                    if word.allSatisfy({ $0 == " " }) { continue } // no spaces at the start of a wrapped line
                }
                var piece = word, pieceWidth = w
                while used + pieceWidth > width {
                    let (head, headWidth) = DisplayWidth.prefix(of: piece, fitting: max(1, width - used))
                    if head.isEmpty { break }
                    append(&line, Span(head, span.style))
                    used += headWidth
                    piece = String(piece.dropFirst(head.count))
                    pieceWidth -= headWidth
                    newLine()
                }
                if !piece.isEmpty {
                    append(&line, Span(piece, span.style))
                    used += pieceWidth
                }
            }
        }
        lines.append(trimmed(line))
        return lines
    }

    static func hardWrap(_ spans: [Span], width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        for span in spans {
            var rest = span.text
            repeat {
                let (head, _) = DisplayWidth.prefix(of: rest, fitting: width)
                lines.append([Span(head, span.style)])
                rest = String(rest.dropFirst(max(1, head.count)))
            } while !rest.isEmpty
        }
        return lines
    }

    /// Words with the spaces before them kept as separate pieces.
    static func words(_ text: String) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { // ASCII: runs of spaces and non-spaces, cut from the bytes
            var result: [String] = [], start = text.utf8.startIndex, previousIsSpace: Bool?
            for index in text.utf8.indices {
                let isSpace = text.utf8[index] == UInt8(ascii: " ")
                if let previousIsSpace, previousIsSpace != isSpace {
                    result.append(String(text[start..<index]))
                    start = index
                }
                previousIsSpace = isSpace
            }
            if start < text.utf8.endIndex { result.append(String(text[start...])) }
            return result
        }
        var result: [String] = [], current = ""
        for character in text {
            if (character == " ") != (current.last == " "), !current.isEmpty {
                result.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private static func append(_ line: inout StyledLine, _ span: Span) {
        if let last = line.last, last.style == span.style {
            line[line.count - 1].text += span.text
        } else {
            line.append(span)
        }
    }
}

import Foundation
