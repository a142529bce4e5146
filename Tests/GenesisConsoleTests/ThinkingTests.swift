@testable import GenesisConsole
import GenesisEngine
import Testing

/// A reasoning model's pane: its reasoning shows, dimmed, while it thinks, and gives way to the
/// answer once the answer begins.
@Suite("Reasoning in a pane")
struct ThinkingTests {
    static func state() -> ConsoleState {
        var s = ConsoleState(models: ["sim:fast"], simulated: ["sim"])
        _ = s.update(.key(.char("h")))
        _ = s.update(.key(.enter))
        return s
    }

    @Test("while the model thinks, the pane says so and shows the reasoning's last lines, dimmed")
    func thinkingShows() {
        var s = Self.state()
        _ = s.update(.event(pane: 0, .started(model: "sim:fast", attempt: 1)))
        _ = s.update(.event(pane: 0, .reasoning("The user says h.\nMaybe a greeting \u{1B}]0;x\u{07}to answer.")))
        let screen = ConsoleRenderer.render(s, width: 40, height: 12).lines
        #expect(screen[0].contains("thinking…"))
        #expect(screen.contains { $0.contains("thinking…") && $0.hasPrefix("│") })
        #expect(screen.contains { $0.contains("The user says h.") } && screen.contains { $0.contains("Maybe a greeting to answer.") },
                "reasoning is cleaned for the screen: \(screen)")
        let buffer = ConsoleRenderer.render(s, width: 40, height: 12)
        let row = buffer.lines.firstIndex { $0.contains("The user says h.") } ?? 0
        #expect(buffer[1, row].style.role == .dim, "reasoning is dimmed")
    }

    @Test("once the answer begins, the reasoning gives way to it and the pane streams")
    func answerTakesOver() {
        var s = Self.state()
        _ = s.update(.event(pane: 0, .reasoning("Thinking hard about it.")))
        _ = s.update(.event(pane: 0, .text("Hello!")))
        let screen = ConsoleRenderer.render(s, width: 40, height: 12).lines
        #expect(!screen.contains { $0.contains("Thinking hard") || $0.contains("thinking…") })
        #expect(screen.contains { $0.contains("Hello!") } && screen[0].contains("streaming"))
        #expect(s.panes[0].reasoning == "Thinking hard about it.", "kept for the answer's record")
    }
}
