@testable import GenesisConsole
import Foundation
import GenesisEngine
import Testing

@Suite("Themes and export")
struct ThemeTests {
    static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes")

    @Test(arguments: ["dark", "light", "high-contrast", "monochrome"])
    func everyShippedThemeLoadsWithEveryRole(name: String) throws {
        let theme = try Theme.load(file: Self.themes.appendingPathComponent("\(name).toml").path)
        #expect(theme.name == name)
        #expect(Set(theme.entries.keys) == Set(Style.Role.allCases))
    }

    @Test func colorsDegradeFrom256To8ToNone() throws {
        let theme = try Theme.parse("[palette]\ndim = { fg = 245, fallback8 = \"white\", bold = true }\n", file: "t.toml")
        #expect(theme.palette(depth: .many).entries[.dim]?.foreground == 245)
        #expect(theme.palette(depth: .eight).entries[.dim]?.foreground == 7)
        let none = theme.palette(depth: .none).entries[.dim]
        #expect(none?.foreground == -1 && none?.bold == true) // emphasis survives without colour
        #expect(Palette.depth(colors: 256, environment: ["NO_COLOR": "1"]) == .none)
        #expect(Palette.depth(colors: 256, environment: ["NO_COLOR": ""]) == .many, "no-color.org: an empty NO_COLOR does not count")
        #expect(Palette.depth(colors: 8, environment: [:]) == .eight)
    }

    @Test(arguments: [
        ("[palette]\nok = { fg = \"green\" }\nerror = { fg = \"purpel\" }\n", 3, "is not a colour"),
        ("[palette]\nshiny = { fg = 1 }\n", 2, "unknown role \"shiny\""),
        ("[palette]\nok = { fg = 2, blink = true }\n", 2, "unknown field \"blink\""),
        ("name = \"x\"\n[palette\n", 2, "TOML syntax error"),
    ])
    func aBrokenThemeNamesTheLine(text: String, line: Int, message: String) {
        do {
            _ = try Theme.parse(text, file: "themes/broken.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == line && error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("themes/broken.toml:\(line): "))
        }
    }

    @Test func slashThemeAndExportBecomeCommands() {
        var state = ConsoleState(models: ["sim:fast"])
        state.input.set("/theme light")
        #expect(state.update(.key(.enter)) == [.setTheme("light")])
        state.input.set("/export ~/session.md")
        #expect(state.update(.key(.enter)) == [.export(path: "~/session.md")])
    }

    @Test func theExportHoldsEveryTurnAndTheFigures() {
        var state = ConsoleState(models: ["sim:fast"])
        state.input.set("What is GCRA?")
        _ = state.update(.key(.enter))
        _ = state.update(.event(pane: 0, .text("A rate limiter.")))
        _ = state.update(.event(pane: 0, .completed(GenerationResult(model: "sim:fast", text: "A rate limiter.", finishReason: .stop,
                                                                     usage: Usage(inputTokens: 4, outputTokens: 3), cost: Cost(dollars: 0),
                                                                     latency: .seconds(1), timeToFirstToken: .milliseconds(120)))))
        let markdown = ConsoleApp.exportMarkdown(state)
        #expect(markdown.contains("## sim:fast (simulated)") && markdown.contains("**Prompt:** What is GCRA?"))
        #expect(markdown.contains("A rate limiter.") && markdown.contains("TTFT 120 ms"))
    }
}
