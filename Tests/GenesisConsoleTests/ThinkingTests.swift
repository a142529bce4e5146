import Foundation
@testable import GenesisConsole
import GenesisEngine
import GenesisEvaluation
import GenesisStore
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

    // MARK: The thinking section once the answer has begun

    static let t0 = ContinuousClock.now
    static let reasoning = "The question is about sky blue. Light scatters off molecules; short waves scatter more."
        + "\n\nPlan: say Rayleigh, then why not violet."
    static let answer = "Rayleigh scattering: air molecules scatter short (blue) wavelengths more."

    static func type(_ text: String, into state: inout ConsoleState) -> [Command] {
        for c in text { _ = state.update(.key(.char(c))) }
        return state.update(.key(.enter))
    }

    /// A thinker's pane that reasoned from t0 to t0 + 8.4 s and then answered (not finished yet).
    static func answering(_ models: [ModelID] = ["sim:thinker"]) -> ConsoleState {
        var s = ConsoleState(models: models, simulated: ["sim"])
        _ = type("Why is the sky blue?", into: &s)
        for pane in s.panes.indices {
            _ = s.update(.event(pane: pane, .started(model: s.panes[pane].model, attempt: 1), at: t0))
            _ = s.update(.event(pane: pane, .reasoning(String(reasoning.prefix(50))), at: t0))
            _ = s.update(.event(pane: pane, .reasoning(String(reasoning.dropFirst(50))), at: t0 + .seconds(4)))
            _ = s.update(.event(pane: pane, .text(answer), at: t0 + .milliseconds(8400)))
        }
        return s
    }

    /// The answer done, its usage reporting 1,234 reasoning tokens.
    static func finish(_ s: inout ConsoleState, pane: Int = 0, reasoningTime: Duration? = nil) {
        let usage = Usage(inputTokens: 5, outputTokens: 1400, reasoningTokens: 1234)
        _ = s.update(.event(pane: pane, .usage(usage), at: t0 + .seconds(9)))
        var result = GenerationResult(model: s.panes[pane].model, text: answer, finishReason: .stop, usage: usage, cost: Cost(dollars: 0),
                                      latency: .seconds(10), timeToFirstToken: .milliseconds(8700))
        result.reasoningTime = reasoningTime
        _ = s.update(.event(pane: pane, .completed(result), at: t0 + .seconds(10)))
    }

    static func paneLines(_ s: ConsoleState, width: Int = 44, height: Int = 16) -> [String] {
        Array(ConsoleRenderer.render(s, width: width, height: height).lines.prefix(height - 3))
    }

    @Test("once the answer begins, the reasoning collapses to a dimmed summary line above it: its tokens, estimated until reported, and how long the model thought")
    func collapsedSummary() {
        var s = Self.answering()
        #expect(Self.paneLines(s) == [
            "╭ sim:thinker · simulated ────── streaming ╮",
            "│› Why is the sky blue?                    │",
            "│                                          │",
            "│▸ thinking · ~33 tokens · 8.4 s           │",
            "│Rayleigh scattering: air molecules scatter│",
            "│short (blue) wavelengths more.            │",
            "│                                          │",
            "│                                          │",
            "│                                          │",
            "│                                          │",
            "│                                          │",
            "│                                          │",
            "╰─ think 33~ · 8.4 s ──────────────────────╯",
        ])
        let buffer = ConsoleRenderer.render(s, width: 44, height: 16)
        #expect(buffer[1, 3].style.role == .dim && buffer[3, 4].style.role != .dim, "the summary is dimmed, the answer is not")
        Self.finish(&s)
        #expect(Self.paneLines(s)[3] == "│▸ thinking · 1.2k tokens · 8.4 s          │", "the reported count replaces the estimate")
        #expect(Self.paneLines(s)[12] == "╰─ 1077 tok/s · 1.4k tok · $0 ─────────────╯", "a narrow pane keeps speed, tokens and cost")
        #expect(PaneWidget.figures(s.panes[0]) == "TTFT 8.7 s · think 1.2k · 8.4 s · 1077 tok/s · 1.4k tok · $0")
    }

    @Test("with no pane focused, Ctrl-T shows every pane's reasoning whole above its answer, dimmed and wrapped, and saves the choice; again collapses it")
    func expandAll() {
        var s = Self.answering()
        Self.finish(&s)
        #expect(s.update(.key(.ctrl("t"))) == [.savePreferences(ConsolePreferences(expandsThinking: true))])
        #expect(Self.paneLines(s) == [
            "╭ sim:thinker · simulated ───── done: stop ╮",
            "│› Why is the sky blue?                    │",
            "│                                          │",
            "│▾ thinking · 1.2k tokens · 8.4 s          │",
            "│The question is about sky blue. Light     │",
            "│scatters off molecules; short waves       │",
            "│scatter more.                             │",
            "│                                          │",
            "│Plan: say Rayleigh, then why not violet.  │",
            "│                                          │",
            "│Rayleigh scattering: air molecules scatter│",
            "│short (blue) wavelengths more.            │",
            "╰─ 1077 tok/s · 1.4k tok · $0 ─────────────╯",
        ])
        let buffer = ConsoleRenderer.render(s, width: 44, height: 16)
        #expect(buffer[1, 4].style.role == .dim && buffer[1, 8].style.role == .dim)
        #expect(s.notice?.hasPrefix("reasoning shown whole in every pane") == true)
        #expect(s.update(.key(.ctrl("t"))) == [.savePreferences(ConsolePreferences(expandsThinking: false))])
        #expect(Self.paneLines(s)[3] == "│▸ thinking · 1.2k tokens · 8.4 s          │" && !Self.paneLines(s).contains { $0.contains("Plan:") })
    }

    @Test("Ctrl-T on a focused pane changes that pane only, for as long as it is open, and saves nothing")
    func expandOnePane() {
        var s = Self.answering(["sim:thinker", "sim:fast"])
        _ = s.update(.key(.tab)) // focus the first pane
        #expect(s.update(.key(.ctrl("t"))).isEmpty)
        #expect(s.panes[0].expandsThinking == true && s.panes[1].expandsThinking == nil && !s.expandsThinking)
        let screen = ConsoleRenderer.render(s, width: 100, height: 16).lines
        #expect(screen.contains { $0.contains("▾ thinking") && $0.contains("▸ thinking") }, "side by side: \(screen)")
        Self.finish(&s, pane: 0)
        Self.finish(&s, pane: 1)
        _ = Self.type("Next question", into: &s) // to the focused pane: its choice holds for its next answer
        _ = s.update(.event(pane: 0, .reasoning("Another thought."), at: Self.t0 + .seconds(20)))
        _ = s.update(.event(pane: 0, .text("Another answer."), at: Self.t0 + .seconds(21)))
        let again = ConsoleRenderer.render(s, width: 100, height: 30).lines
        #expect(again.contains { $0.hasPrefix("│Another thought.") }, "\(again)")
        Self.finish(&s, pane: 0)
        _ = s.update(.key(.escape)) // no pane focused
        #expect(s.update(.key(.ctrl("t"))) == [.savePreferences(ConsolePreferences(expandsThinking: true))])
        #expect(s.panes.allSatisfy { $0.expandsThinking == nil } && s.expandsThinking, "the choice for every pane replaces each pane's own")
    }

    @Test("/thinking shows or hides the reasoning of the focused pane or of every pane; all sets every pane; a wrong word says how")
    func thinkingCommand() {
        var s = Self.answering(["sim:thinker", "sim:fast"])
        #expect(Self.type("/thinking show", into: &s) == [.savePreferences(ConsolePreferences(expandsThinking: true))])
        #expect(s.expandsThinking)
        #expect(Self.type("/thinking", into: &s) == [.savePreferences(ConsolePreferences(expandsThinking: false))], "alone, it toggles")
        _ = s.update(.key(.tab))
        _ = s.update(.key(.tab)) // the second pane
        #expect(Self.type("/thinking show", into: &s).isEmpty && s.panes[1].expandsThinking == true && s.panes[0].expandsThinking == nil)
        #expect(Self.type("/thinking all hide", into: &s) == [.savePreferences(ConsolePreferences(expandsThinking: false))])
        #expect(s.panes[1].expandsThinking == nil && !s.expandsThinking)
        #expect(Self.type("/thinking loudly", into: &s).isEmpty && s.notice?.hasPrefix("usage: /thinking") == true)
    }

    @Test("the choice is kept in a small file of its own: a console started with it shows reasoning whole")
    func preferencesPersist() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-thinking-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = ConsolePreferences.path(environment: ["XDG_STATE_HOME": folder.path])
        #expect(file == folder.path + "/genesis/console.toml")
        #expect(try ConsolePreferences.load(file: file) == ConsolePreferences(), "no file yet: the defaults")
        try ConsolePreferences(expandsThinking: true).save(file: file)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains(#"thinking = "expanded""#))
        let loaded = try ConsolePreferences.load(file: file)
        #expect(loaded.expandsThinking)

        var s = Self.answering()
        s.expandsThinking = loaded.expandsThinking // as the runtime starts it
        #expect(Self.paneLines(s)[3].hasPrefix("│▾ thinking") && Self.paneLines(s)[4].hasPrefix("│The question is about"))

        #expect(throws: ConsolePreferences.LoadError.self) { try ConsolePreferences.parse(#"thinking = "sometimes""#, file: "console.toml") }
        do { _ = try ConsolePreferences.parse("thinking = true", file: "console.toml") } catch {
            #expect(error.description == #"console.toml: line 1: thinking must be "expanded" or "collapsed", got true; fix it, or delete the file to start from the defaults"#)
        }
        // The file is TOML, read by the same reader as config.toml: a bare word is a syntax error, with its line.
        do { _ = try ConsolePreferences.parse("\nthinking = yes", file: "console.toml"); Issue.record("expected an error") } catch {
            #expect(error.description.hasPrefix("console.toml: line 2: TOML syntax error: yes is not a value"), "\(error)")
        }
        #expect(try ConsolePreferences.parse("# note\n\nlater = 1\nthinking = \"collapsed\"\n", file: "f") == ConsolePreferences(),
                "comments, blank lines and keys of a newer Genesis are fine")
    }

    @Test("each earlier answer keeps its reasoning above it as the conversation goes on, and scrolls with the pane")
    func earlierAnswersKeepTheirSummary() {
        var s = Self.answering()
        Self.finish(&s)
        _ = Self.type("And at sunset?", into: &s)
        _ = s.update(.event(pane: 0, .reasoning("Longer path through air."), at: Self.t0 + .seconds(30)))
        _ = s.update(.event(pane: 0, .text("More scattering: red remains."), at: Self.t0 + .seconds(32)))
        let lines = ConsoleRenderer.render(s, width: 44, height: 24).lines.prefix(21).map { $0 }
        let rows = ["› Why is the sky blue?", "▸ thinking · 1.2k tokens · 8.4 s", "Rayleigh scattering", "› And at sunset?",
                    "▸ thinking · ~6 tokens · 2.0 s", "More scattering: red remains."]
            .map { row in lines.firstIndex { $0.hasPrefix("│" + row) } ?? -1 }
        #expect(!rows.contains(-1) && rows == rows.sorted(), "in order, each summary above its answer: \(lines)")
        _ = s.update(.key(.ctrl("t")))
        _ = s.update(.key(.pageUp))
        #expect(Self.paneLines(s, height: 12).contains { $0.hasPrefix("│▾ thinking · 1.2k tokens") }, "scrolled up to the first reasoning")
    }

    @Test("a long reasoning, expanded, is laid out once: each frame lays out only what is new, and draws only what shows")
    func longReasoningIsLaidOutOnce() {
        var s = Self.answering()
        let long = String(repeating: "A thought about light and air, one of many. ", count: 5000) // 220 kB
        _ = s.update(.event(pane: 0, .reasoning(long)))
        _ = s.update(.key(.ctrl("t")))
        for _ in 0..<20 { _ = ConsoleRenderer.render(s, width: 60, height: 30) }
        let section = s.panes[0].thinking[0]
        #expect(!section.layout.isBehind || s.isLayingOut)
        while s.isLayingOut { s.layOutMore() }
        for _ in 0..<20 { _ = ConsoleRenderer.render(s, width: 60, height: 30) }
        #expect(section.layout.bytesLaidOut <= section.text.utf8.count + 40 * 100, "laid out once, plus the last character of each frame")
    }

    @Test("while the model thinks, each frame lays out only the reasoning that arrived since the last one")
    func liveReasoningIsLaidOutOnce() throws {
        var s = Self.state()
        for n in 0..<2000 {
            _ = s.update(.event(pane: 0, .reasoning("thought \(n) about the sky, ")))
            if n % 10 == 0 { _ = ConsoleRenderer.render(s, width: 60, height: 30) } // a frame every ten deltas
        }
        let section = try #require(s.panes[0].currentThinking)
        #expect(ConsoleRenderer.render(s, width: 60, height: 30).lines.contains { $0.contains("thought 1999 about the sky,") })
        #expect(section.layout.bytesLaidOut <= section.text.utf8.count + 201 * 40, "each byte once, plus the last character of each frame")
    }

    @Test("a request cancelled while the model thinks leaves its summary, timed to the cancellation")
    func cancelledWhileThinking() {
        var s = ConsoleState(models: ["sim:thinker"], simulated: ["sim"])
        _ = Self.type("Why?", into: &s)
        _ = s.update(.event(pane: 0, .reasoning("Hmm, let me see."), at: Self.t0))
        _ = s.update(.failed(pane: 0, category: .cancelled, message: "cancelled", at: Self.t0 + .milliseconds(2500)))
        let lines = Self.paneLines(s)
        #expect(lines[1...3] == ["│› Why?                                    │", "│                                          │",
                                 "│▸ thinking · ~4 tokens · 2.5 s            │"], "\(lines)")
        #expect(!s.panes[0].isThinking && lines[0].contains("cancelled"))
    }

    @Test("without stamped events, the thinking time is the engine's once the answer is done")
    func engineTimeWhenNotMeasured() {
        var s = ConsoleState(models: ["sim:thinker"], simulated: ["sim"])
        _ = Self.type("Why?", into: &s)
        _ = s.update(.event(pane: 0, .reasoning("Hmm.")))
        _ = s.update(.event(pane: 0, .text("Because.")))
        #expect(Self.paneLines(s)[3] == "│▸ thinking · ~1 tokens                    │")
        Self.finish(&s, reasoningTime: .milliseconds(1500))
        #expect(Self.paneLines(s)[3] == "│▸ thinking · 1.2k tokens · 1.5 s          │")
    }

    @Test("the footer's reasoning figures give way before speed and cost in a narrow pane (TTFT first)")
    func narrowFooter() {
        var s = Self.answering()
        Self.finish(&s)
        let pane = s.panes[0]
        #expect(PaneWidget.figures(pane, fitting: 60) == "TTFT 8.7 s · think 1.2k · 8.4 s · 1077 tok/s · 1.4k tok · $0")
        #expect(PaneWidget.figures(pane, fitting: 50) == "think 1.2k · 8.4 s · 1077 tok/s · 1.4k tok · $0")
        #expect(PaneWidget.figures(pane, fitting: 40) == "1077 tok/s · 1.4k tok · $0")
        #expect(PaneWidget.figures(pane, fitting: 20) == "1077 tok/s · $0")
        #expect(Self.paneLines(s, width: 60)[12] == "╰─ think 1.2k · 8.4 s · 1077 tok/s · 1.4k tok · $0 ────────╯")
    }

    @Test("a blind round shows no reasoning, live or summarised, and no reasoning figures, until the vote")
    func blindRoundsHideReasoning() {
        var s = ConsoleState(models: ["sim:thinker", "sim:deep"], simulated: ["sim"])
        _ = s.update(.arenaStarted(order: [0, 1], prompt: "Why is the sky blue?"))
        for pane in s.panes.indices { _ = s.update(.event(pane: pane, .reasoning(Self.reasoning), at: Self.t0)) }
        // The title may say a pane is thinking (as it did before summaries); its body shows nothing of it.
        var screen = ConsoleRenderer.render(s, width: 120, height: 20).lines.dropFirst().joined(separator: "\n")
        #expect(!screen.contains("thinking") && !screen.contains("Rayleigh"))
        for pane in s.panes.indices {
            _ = s.update(.event(pane: pane, .text(Self.answer), at: Self.t0 + .seconds(3)))
            Self.finish(&s, pane: pane)
        }
        _ = s.update(.key(.ctrl("t")))
        screen = ConsoleRenderer.render(s, width: 120, height: 20).lines.joined(separator: "\n")
        #expect(!screen.contains("thinking") && !screen.contains("Plan:") && !screen.contains("think "), "\(screen)")
        _ = Self.type("a", into: &s) // the vote reveals the names, and the reasoning with them
        #expect(ConsoleRenderer.render(s, width: 120, height: 20).lines.contains { $0.contains("▾ thinking · 1.2k tokens") })
    }

    @Test("the layout notes the line each answer starts on, however its text arrives, at any width and within its budget",
          arguments: [1, 7, 64, 100_000])
    func marksFollowTheText(deltaSize: Int) {
        let parts = ["› First prompt, long enough to wrap at a narrow width\n\n", "An answer with **bold**, 茶 and\n- a list item\n",
                     "\n\n› Second\n\n", "```\ncode that wraps past the width\n```\nThe end."]
        let marks = [parts[0].utf8.count, (parts[0] + parts[1] + parts[2]).utf8.count]
        let whole = parts.joined()
        for width in [12, 30] {
            let cache = LayoutCache()
            var text = ""
            let characters = Array(whole)
            for start in stride(from: 0, to: characters.count, by: deltaSize) {
                text += String(characters[start..<min(characters.count, start + deltaSize)])
                _ = cache.window(for: text, width: width, last: 5, marks: marks, budget: 16)
                while !cache.catchUp(text, marks: marks, budget: 16) {}
            }
            let window = cache.window(for: text, width: width, marks: marks)
            #expect(window.lines == MarkdownLayout.lines(whole, width: width) && window.first == 0)
            let expected = marks.map { MarkdownLayout.lines(String(whole.utf8.prefix($0))!, width: width).count - 1 }
            #expect(window.marks == expected, "width \(width)")
        }
    }

    @Test("a reopened conversation shows each answer's recorded reasoning above it, with its tokens and time")
    func reopenedConversationsKeepTheirReasoning() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("thinking-\(UUID())/g.sqlite").path
        let storage = try Storage(path: path)
        let c = try await storage.createConversation(firstPrompt: "Which river?", source: "console")
        try await storage.addPrompt("Which river?", to: c.id)
        let id = try await storage.startAnswer(in: c.id, model: "sim:thinker", parameters: .init())
        try await storage.appendToAnswer(id, "The Loire.", reasoning: "First, rivers of France.")
        var result = GenerationResult(model: "sim:thinker", text: "The Loire.", finishReason: .stop,
                                      usage: Usage(inputTokens: 3, outputTokens: 50, reasoningTokens: 40), cost: nil, latency: .seconds(3))
        result.reasoning = "First, rivers of France."
        result.reasoningTime = .milliseconds(2500)
        try await storage.finishAnswer(id, result: result)

        var s = ConsoleState(models: ["sim:fast"], simulated: ["sim"])
        _ = s.update(.conversationLoaded(try await ConsoleRecords.load(c.id, from: storage, simulated: ["sim"])))
        #expect(Array(Self.paneLines(s)[1...4]) == ["│› Which river?                            │", "│                                          │",
                                                  "│▸ thinking · 40 tokens · 2.5 s            │", "│The Loire.                                │"])
        _ = s.update(.key(.ctrl("t")))
        #expect(Self.paneLines(s)[4] == "│First, rivers of France.                  │")
        #expect(ConsoleApp.makeRequest(s, pane: 0).messages.map(\.text) == ["Which river?", "The Loire."], "reasoning is never sent back")
    }
}
