import Ink
import GenesisEngine

/// A model's Markdown as HTML that can do nothing but show text: Ink renders headings, lists,
/// tables, emphasis and code, and whatever could run, load or navigate comes out as escaped text.
/// Ink passes raw HTML through as it is (and an unclosed inline tag takes the rest of the answer
/// with it), so Ink never sees a `<`: each is swapped for a private-use character (U+E000) that
/// Ink treats as text, and that character is written `&lt;` in Ink's output. Ink writes a link's or an image's URL and a code block's
/// language into attributes unescaped, so links and images come out as the Markdown the model
/// wrote, escaped, and code blocks are rendered here.
enum SafeMarkdown {
    /// Stands for `<` while Ink parses; a U+E000 the model itself wrote becomes U+FFFD first, so
    /// only Genesis's own become `&lt;`.
    private static let lessThan: Character = "\u{E000}"

    static func html(_ markdown: String) -> String {
        let hidden = String(markdown.map { $0 == "<" ? lessThan : $0 == lessThan ? "\u{FFFD}" : $0 })
        return render(hidden).replacingOccurrences(of: String(lessThan), with: "&lt;")
    }

    private static func render(_ markdown: String) -> String {
        var parser = MarkdownParser()
        let asWritten: Modifier.Closure = { escape(String($0.markdown)) }
        parser.addModifier(Modifier(target: .html, closure: asWritten)) // unreachable without `<`; kept as a second line
        parser.addModifier(Modifier(target: .links, closure: asWritten))
        parser.addModifier(Modifier(target: .images, closure: asWritten))
        parser.addModifier(Modifier(target: .codeBlocks) { codeBlock(String($0.markdown)) })
        // Ink reads a leading `---` block as metadata and drops it: a zero-width space first keeps it text.
        return parser.html(from: markdown.hasPrefix("---") ? "\u{200B}" + markdown : markdown)
    }

    /// A fenced block's lines between its fences, escaped, with no language class (Ink would write
    /// the language into an attribute as the model wrote it).
    static func codeBlock(_ markdown: String) -> String {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let first = lines.first, isFence(first) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        if let last = lines.last, isFence(last) { lines.removeLast() }
        return "<pre><code>" + escape(lines.joined(separator: "\n")) + "</code></pre>"
    }

    private static func isFence(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        return trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~")
    }

    /// Text as HTML text or attribute value: nothing in it can open a tag, end an attribute or
    /// start an entity.
    static func escape(_ text: String) -> String { HTMLEscaping.escape(text) }
}
