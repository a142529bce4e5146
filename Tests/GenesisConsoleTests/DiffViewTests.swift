@testable import GenesisConsole
import GenesisEngine
import GenesisEvaluation
import Testing

@Suite("/diff: the panes' last answers word by word")
struct DiffViewTests {
    func answered(_ answers: [String]) -> ConsoleState {
        let models: [ModelID] = ["sim:fast", "sim:balanced", "sim:deep"]
        var round = Round(Array(models.prefix(answers.count)))
        for (pane, text) in answers.enumerated() { round.answer(pane, text) }
        return round.state
    }

    /// What `/diff …` asks for, computed as the runner computes it, and shown.
    func diff(_ line: String, in state: inout ConsoleState) throws {
        let commands = state.submit(line)
        guard case .computeDiff(let request) = try #require(commands.first) else { Issue.record("\(commands)"); return }
        _ = state.update(.diffComputed(DiffView(request)))
    }

    @Test func twoAnswersSideBySideSharedWordsPlainTheirOwnInTheirPanesColour() throws {
        var state = answered(["The sky is blue today.", "The sky is grey today."])
        try diff("/diff", in: &state)
        let view = try #require(state.diff)
        #expect(view.title == "sim:fast vs sim:balanced · 83% similar")
        let buffer = ConsoleRenderer.render(state, width: 60, height: 12)
        #expect(buffer.lines.prefix(5) == [
            " diff: sim:fast vs sim:balanced · 83% similar               ",
            "╭ sim:fast ──────────────────╮╭ sim:balanced ──────────────╮",
            "│The sky is blue today.      ││The sky is grey today.      │",
            "│                            ││                            │",
            "│                            ││                            │",
        ])
        #expect(buffer[12, 2].style == DiffWidget.highlight(pane: 0) && buffer[42, 2].style == DiffWidget.highlight(pane: 1))
        #expect(buffer[1, 2].style == .plain && buffer[31, 2].style == .plain)
        #expect(DiffWidget.highlight(pane: 0) != DiffWidget.highlight(pane: 1))
    }

    @Test func panesArePickedByNumberOrModelAndWithThreeOrMoreAloneEachGoesAgainstTheMajority() throws {
        var state = answered(["red green blue", "red green yellow", "red green blue"])
        #expect(state.submit("/diff 3 sim:fast") == [.computeDiff(DiffRequest(answers: [
            .init(pane: 2, label: "sim:deep", text: "red green blue"), .init(pane: 0, label: "sim:fast", text: "red green blue")],
            againstMajority: false))])
        #expect(state.submit("/diff balanced deep").count == 1)
        try diff("/diff", in: &state)
        let view = try #require(state.diff)
        #expect(view.columns.map(\.agreement) == [1, 2.0 / 3, 1])
        #expect(view.columns[1].segments.last == WordDiff.Segment(.insert, "yellow"))
        let screen = ConsoleRenderer.render(state, width: 90, height: 12).lines.joined(separator: "\n")
        #expect(screen.contains("sim:balanced · 67% agreed"))
    }

    @Test(arguments: [
        ("/diff 1 4", "unknown pane 4: give a pane number from 1 to 2 or an open model (sim:fast, sim:balanced)"),
        ("/diff 1 1", "/diff compares two different panes: /diff 1 2"),
        ("/diff 1", "usage: /diff, or /diff A B with A and B pane numbers (1 to 2) or models"),
    ])
    func aWrongPaneIsNamed(line: String, notice: String) {
        var state = answered(["one", "two"])
        #expect(state.submit(line).isEmpty)
        #expect(state.notice == notice)
    }

    @Test func thereIsNothingToDiffBeforeTheAnswers() {
        var state = ConsoleState(models: ["sim:fast", "sim:balanced"])
        #expect(state.submit("/diff").isEmpty)
        #expect(state.notice == "sim:fast has no answer yet: send a prompt, and wait for it to finish")
        state = ConsoleState(models: ["sim:fast"])
        #expect(state.submit("/diff").isEmpty)
        #expect(state.notice == "a diff needs two panes: /model add provider:model")
    }

    @Test func escapeOrTheKeyGoesBackToThePanesAndPageKeysScrollTheDiff() throws {
        let long = (1...40).map { "line \($0)" }.joined(separator: "\n")
        var state = answered([long, long + "\nextra"])
        _ = state.update(.key(.ctrl("o")))
        #expect(state.notice == "comparing the answers…")
        try diff("/diff", in: &state)
        _ = ConsoleRenderer.render(state, width: 60, height: 16) // lays the columns out
        _ = state.update(.key(.pageDown))
        #expect(state.diff?.scroll == 10)
        #expect(ConsoleRenderer.render(state, width: 60, height: 16).lines[2].hasPrefix("│line 11"))
        _ = state.update(.key(.pageUp)); _ = state.update(.key(.pageUp))
        #expect(state.diff?.scroll == 0)
        _ = state.update(.key(.escape))
        #expect(state.diff == nil)
        try diff("/diff", in: &state)
        _ = state.update(.key(.function(5)))
        #expect(state.diff == nil)
    }
}
