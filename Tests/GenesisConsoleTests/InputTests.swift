@testable import GenesisConsole
import GenesisEngine
import Testing

@Suite("Keys, editing and commands")
struct InputTests {
    var decoder = KeyDecoder(codes: [300: .up, 301: .pageDown])

    func chars(_ s: String) -> [RawInput] { s.unicodeScalars.map { .character($0.value) } }

    @Test mutating func keysDecode() {
        #expect(decoder.decode(chars("a\u{01}\u{0D}\u{0A}\u{7F}\u{09}")) == [.char("a"), .ctrl("a"), .enter, .altEnter, .backspace, .tab])
        #expect(decoder.decode([.code(300), .code(301), .code(999)]) == [.up, .pageDown])
        #expect(decoder.decode(chars("\u{1B}b\u{1B}f")) == [.alt("b"), .alt("f")])
        #expect(decoder.decode(chars("\u{1B}")) == [.escape])
        #expect(decoder.decode(chars("\u{1B}\u{0D}")) == [.altEnter])
        #expect(decoder.decode(chars("茶")) == [.char("茶")])
    }

    @Test mutating func aBracketedPasteArrivesAsTextEvenAcrossReads() {
        #expect(decoder.decode(chars("\u{1B}[200~line one\rline")) == [])
        #expect(decoder.decode(chars(" two\u{1B}[201~x")) == [.paste("line one\nline two"), .char("x")])
    }

    @Test func readlineKeysEditTheLine() {
        var editor = LineEditor()
        for c in "hello big world" { _ = editor.handle(.char(c)) }
        _ = editor.handle(.ctrl("w"))
        #expect(editor.string == "hello big ")
        _ = editor.handle(.ctrl("a")); _ = editor.handle(.alt("f")); _ = editor.handle(.ctrl("k"))
        #expect(editor.string == "hello")
        _ = editor.handle(.alt("b")); _ = editor.handle(.char(">"))
        #expect(editor.string == ">hello" && editor.cursor == 1)
        _ = editor.handle(.ctrl("e")); _ = editor.handle(.ctrl("u"))
        #expect(editor.string.isEmpty)
    }

    @Test func historyRecallsEarlierPromptsAndKeepsTheDraft() {
        var editor = LineEditor(history: ["first", "second"])
        for c in "draft" { _ = editor.handle(.char(c)) }
        _ = editor.handle(.up)
        #expect(editor.string == "second")
        _ = editor.handle(.up); _ = editor.handle(.up)
        #expect(editor.string == "first")
        _ = editor.handle(.down); _ = editor.handle(.down)
        #expect(editor.string == "draft")
    }

    @Test func enterSendsToEveryPaneOrToTheFocusedOne() {
        var state = ConsoleState(models: ["sim:fast", "sim:deep"])
        for c in "hi" { _ = state.update(.key(.char(c))) }
        #expect(state.update(.key(.enter)) == [.send(prompt: "hi", panes: [0, 1])])
        #expect(state.panes.allSatisfy { $0.phase == .waiting && $0.turns == [.user("hi")] })
        _ = state.update(.failed(pane: 0, category: .cancelled, message: "")); _ = state.update(.failed(pane: 1, category: .cancelled, message: ""))
        _ = state.update(.key(.tab)); _ = state.update(.key(.tab))
        #expect(state.focus == 1)
        for c in "again" { _ = state.update(.key(.char(c))) }
        #expect(state.update(.key(.enter)) == [.send(prompt: "again", panes: [1])])
    }

    @Test func escapeCancelsStreamsAndCtrlCTwiceQuitsWhenIdle() {
        var state = ConsoleState(models: ["sim:fast"])
        _ = state.update(.key(.char("x"))); _ = state.update(.key(.enter))
        #expect(state.update(.key(.escape)) == [.cancelAll])
        _ = state.update(.failed(pane: 0, category: .cancelled, message: ""))
        #expect(state.panes[0].phase == .cancelled)
        #expect(state.update(.key(.ctrl("c"))) == [] && state.quitArmed)
        #expect(state.update(.key(.ctrl("c"))) == [.quit])
        #expect(state.update(.key(.ctrl("q"))) == [.quit])
    }

    @Test func slashCommandsChangeTheSession() {
        var state = ConsoleState(models: ["sim:fast"])
        func run(_ line: String) -> [Command] {
            state.input.set(line)
            return state.update(.key(.enter))
        }
        _ = run("/model add sim:deep")
        #expect(state.panes.map(\.model) == ["sim:fast", "sim:deep"])
        _ = run("/model remove sim:fast")
        #expect(state.panes.map(\.model) == ["sim:deep"])
        _ = run("/temp 0.2"); _ = run("/max-tokens 64"); _ = run("/system Be terse.")
        #expect(state.temperature == 0.2 && state.maxTokens == 64 && state.system == "Be terse.")
        _ = run("/temp hot")
        #expect(state.notice?.hasPrefix("usage: /temp") == true && state.temperature == 0.2)
        _ = run("/bogus")
        #expect(state.notice?.contains("unknown command /bogus") == true)
        #expect(run("/retry") == [])
        _ = run("hello")
        _ = state.update(.failed(pane: 0, category: .server, message: "boom"))
        #expect(run("/retry") == [.send(prompt: "hello", panes: [0])])
        #expect(run("/quit") == [.quit])
    }

    @Test func deltasAreSanitisedAndTheConversationIsKeptPerPane() {
        var state = ConsoleState(models: ["sim:fast"])
        state.input.set("q"); _ = state.update(.key(.enter))
        _ = state.update(.event(pane: 0, .text("safe \u{1B}]52;c;aGk=\u{07}text")))
        let result = GenerationResult(model: "sim:fast", text: "safe text", finishReason: .stop, usage: Usage(inputTokens: 1, outputTokens: 2),
                                      cost: nil, latency: .seconds(1))
        _ = state.update(.event(pane: 0, .completed(result)))
        #expect(state.panes[0].text.hasSuffix("safe text") && state.panes[0].turns == [.user("q"), .assistant("safe text")])
        #expect(!state.panes[0].costKnown)
    }
}

@Suite("Console edge cases")
struct ConsoleEdgeTests {
    @Test func aPaneStaysBusyUntilItsAnswerIsRecorded() {
        var state = ConsoleState(models: ["sim:fast"])
        state.input.set("q"); _ = state.update(.key(.enter))
        _ = state.update(.event(pane: 0, .finish(.stop)))
        #expect(state.isStreaming) // `finish` alone does not free the pane
        state.input.set("next")
        #expect(state.update(.key(.enter)) == [])
    }

    @Test func noPaneIsRemovedWhileAnswersStream() {
        var state = ConsoleState(models: ["sim:fast", "sim:deep"])
        state.focus = 1
        state.input.set("q"); _ = state.update(.key(.enter))
        state.input.set("/model remove sim:fast"); _ = state.update(.key(.enter))
        #expect(state.panes.count == 2 && state.notice?.contains("streaming") == true)
    }

    @Test func anUnterminatedSequenceInOneAnswerDoesNotSwallowTheNext() {
        var state = ConsoleState(models: ["sim:fast"])
        state.input.set("a"); _ = state.update(.key(.enter))
        _ = state.update(.event(pane: 0, .text("x\u{1B}]0;never closed")))
        _ = state.update(.failed(pane: 0, category: .brokenStream, message: "cut"))
        state.input.set("b"); _ = state.update(.key(.enter))
        _ = state.update(.event(pane: 0, .text("visible")))
        #expect(state.panes[0].text.hasSuffix("visible"))
    }

    @Test func aCombiningMarkAtTheStartOfThePromptDoesNotCrashTheRenderer() {
        var state = ConsoleState(models: ["sim:fast"])
        _ = state.update(.key(.paste("\u{301}x")))
        let screen = ConsoleRenderer.render(state, width: 40, height: 12).lines
        #expect(screen[10].hasPrefix("›"))
    }
}
