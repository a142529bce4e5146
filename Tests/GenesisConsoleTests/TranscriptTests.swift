@testable import GenesisConsole
import GenesisEngine
import Testing

/// A pane's shown text and the turns it sends come from one record.
@Suite("A pane's transcript")
struct TranscriptTests {
    @Test("a prompt is shown and sent; its answer is shown as it streams and becomes a turn as the model gave it")
    func anAnswerIsShownThenSent() {
        var transcript = Transcript()
        transcript.ask("Which river?")
        #expect(transcript.turns == [.user("Which river?")] && transcript.text == "› Which river?\n\n")
        transcript.show("The ")
        transcript.show("Loire.")
        #expect(transcript.answer == "The Loire." && transcript.turns == [.user("Which river?")])
        transcript.end(with: "The \u{1B}[31mLoire.") // shown cleaned, sent as given
        #expect(transcript.turns == [.user("Which river?"), .assistant("The \u{1B}[31mLoire.")])
        #expect(transcript.text == "› Which river?\n\nThe Loire." && transcript.answer.isEmpty)
    }

    @Test("a failed answer keeps what was shown as its turn; with nothing shown, its prompt stays on screen and is not sent again")
    func failuresKeepWhatWasShown() {
        var pane = PaneState(model: "sim:fast", isSimulated: true)
        pane.appendPrompt("one")
        pane.appendAnswer("half an")
        pane.closeFailedAnswer()
        pane.appendPrompt("two")
        pane.closeFailedAnswer()
        #expect(pane.turns == [.user("one"), .assistant("half an")])
        #expect(pane.text == "› one\n\nhalf an\n\n› two\n\n")
        pane.appendPrompt("three")
        #expect(pane.turns == [.user("one"), .assistant("half an"), .user("three")])
        pane.clear()
        #expect(pane.turns.isEmpty && pane.text.isEmpty)
    }

    @Test("through update: a prompt, its streamed answer and its completion leave the text and the turns in step")
    func updateKeepsOneRecord() {
        var state = ConsoleState(models: ["sim:fast"])
        state.input.set("hi")
        _ = state.update(.key(.enter))
        _ = state.update(.event(pane: 0, .text("hello")))
        _ = state.update(.event(pane: 0, .completed(GenerationResult(model: "sim:fast", text: "hello", finishReason: .stop,
                                                                     usage: Usage(inputTokens: 1, outputTokens: 1), cost: nil, latency: .zero))))
        #expect(state.panes[0].turns == [.user("hi"), .assistant("hello")] && state.panes[0].text == "› hi\n\nhello")
        #expect(state.panes[0].transcript.exchanges.count == 1)
    }
}
