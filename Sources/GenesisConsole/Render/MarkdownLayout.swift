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
/// and words wrapped by display width (wide characters count two columns). Source lines are laid
/// out one after another by ``MarkdownLine``, which a pane's ``LayoutCache`` also feeds as the
/// text grows; both give the same lines.
public enum MarkdownLayout {
    public static func lines(_ text: String, width: Int) -> [StyledLine] {
        guard width > 0 else { return [] }
        var lines: [StyledLine] = [], line = MarkdownLine(width: width, inCode: false)
        append(text[...], to: &line, finishing: &lines)
        return lines + line.finish().lines
    }

    /// Lays out `text` (whole characters) after what `line` holds: each line feed finishes a line
    /// into `lines` and starts the next; lines finished within the last one are moved there too.
    /// A carriage return before a line feed stays in its line, where it takes no columns.
    static func append(_ text: Substring, to line: inout MarkdownLine, finishing lines: inout [StyledLine]) {
        var rest = text
        while let feed = rest.utf8.firstIndex(of: UInt8(ascii: "\n")) {
            line.append(rest[..<feed])
            lines += line.takeFinished()
            let finished = line.finish()
            lines += finished.lines
            line = MarkdownLine(width: line.width, inCode: finished.inCode)
            rest = rest[rest.utf8.index(after: feed)...]
        }
        line.append(rest)
        lines += line.takeFinished()
    }

    /// Word wrap of spans with no Markdown in them; lines after the first start `indent` columns in.
    static func wrap(_ spans: [Span], width: Int, indent: Int) -> [StyledLine] {
        guard width > 0 else { return [] }
        var wrapper = LineWrapper(width: width, indent: indent)
        for span in spans { wrapper.append(span.text, style: span.style) }
        return wrapper.finish()
    }
}
