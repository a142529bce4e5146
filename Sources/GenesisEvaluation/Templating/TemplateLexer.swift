/// One piece of a template's source: text as it is, or the tokens between `{{ }}` or `{% %}`.
enum TemplateSegment: Sendable, Hashable {
    case text(String)
    case output([TemplateToken], line: Int)
    case tag([TemplateToken], line: Int)
}

struct TemplateToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case name, string, number, symbol }
    var kind: Kind
    var text: String

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
    func isName(_ name: String) -> Bool { kind == .name && text == name }
}

/// Splits a template into text and tag contents as Nunjucks' lexer does (promptfoo's settings:
/// no autoescape, no `trimBlocks`/`lstripBlocks`).
///
/// Whitespace control: `{{-`, `{%-`, `{#-` remove the whitespace (newlines included) before the
/// tag; `-}}`, `-%}`, `-#}` the whitespace after it. `{% raw %}…{% endraw %}` (and `verbatim`)
/// is text, delimiters and all. A `}}` or `%}` inside a string literal does not end a tag.
enum TemplateLexer {
    static func segments(_ source: String) throws(TemplateError) -> [TemplateSegment] {
        let chars = Array(source)
        var segments: [TemplateSegment] = []
        var text = "", trimNextText = false, line = 1
        var i = 0

        func flushText(trimEnd: Bool) {
            var piece = Substring(text)
            if trimNextText { piece = piece.drop(while: \.isWhitespace) }
            if trimEnd { while piece.last?.isWhitespace == true { piece = piece.dropLast() } }
            if !piece.isEmpty { segments.append(.text(String(piece))) }
            text = ""
            trimNextText = false
        }

        while i < chars.count {
            guard chars[i] == "{", i + 1 < chars.count, chars[i + 1] == "{" || chars[i + 1] == "%" || chars[i + 1] == "#" else {
                if chars[i] == "\n" { line += 1 }
                text.append(chars[i])
                i += 1
                continue
            }
            let kind = chars[i + 1], startLine = line
            var j = i + 2
            let trimBefore = j < chars.count && chars[j] == "-"
            if trimBefore { j += 1 }
            flushText(trimEnd: trimBefore)
            if kind == "#" {
                guard let end = find("#}", in: chars, from: j) else { throw TemplateError(line: startLine, "a comment {# is never closed with #}") }
                line += chars[j..<end].filter { $0 == "\n" }.count
                trimNextText = end > j && chars[end - 1] == "-"
                i = end + 2
                continue
            }
            let closing: Character = kind == "{" ? "}" : "%"
            var tokens: [TemplateToken] = []
            var trimAfter = false
            while true {
                while j < chars.count, chars[j].isWhitespace { if chars[j] == "\n" { line += 1 }; j += 1 }
                guard j < chars.count else {
                    throw TemplateError(line: startLine, kind == "{" ? "\"{{\" without \"}}\"" : "\"{%\" without \"%}\"")
                }
                if chars[j] == "-", j + 2 < chars.count, chars[j + 1] == closing, chars[j + 2] == "}" { trimAfter = true; j += 3; break }
                if chars[j] == closing, j + 1 < chars.count, chars[j + 1] == "}" { j += 2; break }
                tokens.append(try token(chars, &j, line: line))
            }
            trimNextText = trimAfter
            i = j
            if kind == "{" {
                segments.append(.output(tokens, line: startLine))
                continue
            }
            if let first = tokens.first, first.kind == .name, first.text == "raw" || first.text == "verbatim", tokens.count == 1 {
                // Everything up to the matching end tag is text.
                guard let (bodyEnd, afterEnd, trims) = endOfRaw(first.text, chars, from: i) else {
                    throw TemplateError(line: startLine, "{% \(first.text) %} is never closed with {% end\(first.text) %}")
                }
                var body = Substring(String(chars[i..<bodyEnd]))
                if trimAfter { body = body.drop(while: \.isWhitespace) }
                if trims.before { while body.last?.isWhitespace == true { body = body.dropLast() } }
                line += body.filter { $0 == "\n" }.count
                if !body.isEmpty { segments.append(.text(String(body))) }
                trimNextText = trims.after
                i = afterEnd
                continue
            }
            segments.append(.tag(tokens, line: startLine))
        }
        flushText(trimEnd: false)
        return segments
    }

    private static func find(_ needle: String, in chars: [Character], from start: Int) -> Int? {
        let n = Array(needle)
        var k = start
        while k + n.count <= chars.count {
            if Array(chars[k..<k + n.count]) == n { return k }
            k += 1
        }
        return nil
    }

    /// Where `{% endraw %}` starts and ends, and its own whitespace control.
    private static func endOfRaw(_ name: String, _ chars: [Character], from start: Int) -> (Int, Int, (before: Bool, after: Bool))? {
        var k = start
        while let open = find("{%", in: chars, from: k) {
            var j = open + 2
            let before = j < chars.count && chars[j] == "-"
            if before { j += 1 }
            while j < chars.count, chars[j].isWhitespace { j += 1 }
            let word = Array("end" + name)
            if j + word.count <= chars.count, Array(chars[j..<j + word.count]) == word {
                j += word.count
                while j < chars.count, chars[j].isWhitespace { j += 1 }
                let after = j < chars.count && chars[j] == "-"
                if after { j += 1 }
                if j + 1 < chars.count, chars[j] == "%", chars[j + 1] == "}" { return (open, j + 2, (before, after)) }
            }
            k = open + 2
        }
        return nil
    }

    private static let symbols = ["===", "!==", "==", "!=", "<=", ">=", "//", "**",
                                  "(", ")", "[", "]", "{", "}", ",", ":", ".", "|", "~", "+", "-", "*", "/", "%", "<", ">", "=", "?"]

    private static func token(_ chars: [Character], _ j: inout Int, line: Int) throws(TemplateError) -> TemplateToken {
        let c = chars[j]
        if c == "\"" || c == "'" {
            var value = "", k = j + 1
            while k < chars.count, chars[k] != c {
                if chars[k] == "\\", k + 1 < chars.count {
                    k += 1
                    switch chars[k] {
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    case "r": value.append("\r")
                    default: value.append(chars[k])
                    }
                } else {
                    value.append(chars[k])
                }
                k += 1
            }
            guard k < chars.count else { throw TemplateError(line: line, "a string starting with \(c) is never closed") }
            j = k + 1
            return TemplateToken(kind: .string, text: value)
        }
        if c.isNumber, c.isASCII {
            var k = j
            while k < chars.count, chars[k].isASCII, chars[k].isNumber { k += 1 }
            if k + 1 < chars.count, chars[k] == ".", chars[k + 1].isASCII, chars[k + 1].isNumber {
                k += 1
                while k < chars.count, chars[k].isASCII, chars[k].isNumber { k += 1 }
            }
            defer { j = k }
            return TemplateToken(kind: .number, text: String(chars[j..<k]))
        }
        if c.isLetter || c == "_" || c == "$" {
            var k = j
            while k < chars.count, chars[k].isLetter || chars[k].isNumber || chars[k] == "_" || chars[k] == "$" { k += 1 }
            defer { j = k }
            return TemplateToken(kind: .name, text: String(chars[j..<k]))
        }
        for symbol in symbols {
            let s = Array(symbol)
            if j + s.count <= chars.count, Array(chars[j..<j + s.count]) == s {
                j += s.count
                return TemplateToken(kind: .symbol, text: symbol)
            }
        }
        throw TemplateError(line: line, "unexpected character \"\(c)\" in a tag")
    }
}
