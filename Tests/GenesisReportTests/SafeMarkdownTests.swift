@testable import GenesisReport
import Testing

/// A model's Markdown in the report: rendered, and unable to run, load or navigate anything.
@Suite("SafeMarkdown: a model's Markdown as inert HTML")
struct SafeMarkdownTests {
    @Test("Markdown still renders: emphasis, lists, tables and code")
    func markdownRenders() {
        #expect(SafeMarkdown.html("Some **bold** text") == "<p>Some <strong>bold</strong> text</p>")
        #expect(SafeMarkdown.html("- one\n- two") == "<ul><li>one</li><li>two</li></ul>")
        #expect(SafeMarkdown.html("| a | b |\n| --- | --- |\n| 1 | 2 |").contains("<td>1</td>"))
        #expect(SafeMarkdown.html("Use `a < b` here") == "<p>Use <code>a &lt; b</code> here</p>")
    }

    @Test("HTML a model wrote, closed or not, block or inline, is text, and the Markdown after it still renders",
          arguments: [
              ("<script>alert(1)</script> and **after**", "<p>&lt;script&gt;alert(1)&lt;/script&gt; and <strong>after</strong></p>"),
              ("An <img src=x onerror=alert(2)> and **after**", "<p>An &lt;img src=x onerror=alert(2)&gt; and <strong>after</strong></p>"),
              ("<div>\nblock\n</div>", "<p>&lt;div&gt; block &lt;/div&gt;</p>"),
          ])
    func htmlIsText(markdown: String, html: String) {
        #expect(SafeMarkdown.html(markdown) == html)
    }

    @Test("links and images stay the Markdown the model wrote, with no href or src")
    func linksAndImagesAreText() {
        #expect(SafeMarkdown.html("A [link](javascript:alert(3)).") == "<p>A [link](javascript:alert(3)).</p>")
        #expect(SafeMarkdown.html("An ![pixel](http://example.com/p.png)") == "<p>An ![pixel](http://example.com/p.png)</p>")
        #expect(SafeMarkdown.html("![pixel](http://example.com/p.png)") == "![pixel](http://example.com/p.png)")
    }

    @Test("a code block's text is escaped and its language never reaches an attribute")
    func codeBlocks() {
        #expect(SafeMarkdown.html("```x\" onmouseover=\"alert(4)\nif a < b && c > \"d\" {}\n```")
            == "<pre><code>if a &lt; b &amp;&amp; c &gt; &quot;d&quot; {}</code></pre>")
    }

    @Test("a leading --- block is text, not metadata Ink would drop")
    func leadingRuleIsKept() {
        #expect(SafeMarkdown.html("---\ntitle: x\n---\nBody").contains("title: x"))
    }
}
