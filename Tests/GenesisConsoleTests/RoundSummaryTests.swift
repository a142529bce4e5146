@testable import GenesisConsole
import GenesisEngine
import Testing

@Suite("The round summary: who won what, once every pane has answered")
struct RoundSummaryTests {
    @Test func eachFigureGoesToThePaneThatDidBestOnIt() throws {
        var round = Round(["sim:fast", "sim:balanced", "sim:deep"])
        round.answer(0, "Red.", ttft: .milliseconds(120), latency: .seconds(2), dollars: 0.003, tokens: 40)
        round.answer(1, "Blue.", ttft: .milliseconds(400), latency: .milliseconds(900), dollars: 0.002, tokens: 12)
        round.answer(2, "Green.", ttft: .milliseconds(800), latency: .seconds(3), dollars: 0.0005, tokens: 90)
        let summary = try #require(round.state.roundSummary)
        #expect(summary.awards.map { "\($0.title): \($0.pane) \($0.figure)" } == [
            "fastest first token: 0 120 ms", "fastest answer: 1 900 ms", "cheapest: 2 $0.000500", "shortest: 1 12 tok", "longest: 2 90 tok"])
        #expect(summary.marks(for: 1) == ["fastest", "shortest"])
    }

    @Test func thereIsNoSummaryUntilTheLastPaneHasFinished() {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.")
        #expect(round.state.roundSummary == nil)
        _ = round.state.update(.failed(pane: 1, category: .server, message: "boom"))
        #expect(round.state.roundSummary == nil, "one answer has nothing to be compared with")
        round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.", tokens: 5)
        round.answer(1, "Blue.", tokens: 7)
        #expect(round.state.roundSummary != nil)
        for c in "again" { _ = round.state.update(.key(.char(c))) }
        _ = round.state.update(.key(.enter))
        #expect(round.state.roundSummary == nil, "the next prompt starts a new round")
    }

    @Test func answersOfTheSameLengthWinNeitherShortestNorLongest() throws {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.", dollars: nil)
        round.answer(1, "Blue.", dollars: 0.001)
        let titles = try #require(round.state.roundSummary).awards.map(\.title)
        #expect(titles == ["fastest first token", "fastest answer"], "one known cost is not a comparison either")
    }

    @Test func theStripUnderThePanesNamesTheWinnersAndEachFooterMarksItsWins() {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.", ttft: .milliseconds(120), latency: .seconds(2), dollars: 0.003, tokens: 40)
        round.answer(1, "Blue.", ttft: .milliseconds(400), latency: .milliseconds(900), dollars: 0.002, tokens: 12)
        let lines = ConsoleRenderer.render(round.state, width: 150, height: 14).lines
        #expect(lines[10] == " ★ fastest first token sim:fast 120 ms · fastest answer sim:balanced 900 ms · cheapest sim:balanced $0.002000 · shortest sim:balanced 12 tok          ", "the longest did not fit: left off whole")
        #expect(lines[9].contains("$0.003000 · ★ 1st token, longest"))
        #expect(lines[9].contains("TTFT 400 ms · 24 tok/s · 12 tok · $0.002000 · ★ 3"), "too long for the pane: the wins shrink to their count")
    }

    @Test func inANarrowPaneTheWinsShrinkToTheirCountBeforeAnyFigureGoes() throws {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.", ttft: .milliseconds(72), latency: .milliseconds(500), dollars: 0.001, tokens: 5)
        round.answer(1, "Blue and green.", ttft: .milliseconds(300), latency: .seconds(2), dollars: 0.002, tokens: 40)
        let wins = try #require(round.state.roundSummary).marks(for: 0)
        #expect(wins == ["1st token", "fastest", "cheapest", "shortest"])
        let full = PaneWidget.figures(round.state.panes[0], wins: wins)
        #expect(full.hasSuffix("$0.001000 · ★ 1st token, fastest, cheapest, shortest"))
        let narrow = PaneWidget.figures(round.state.panes[0], wins: wins, fitting: 50)
        #expect(narrow.hasPrefix("TTFT 72 ms") && narrow.hasSuffix("$0.001000 · ★ 4"), "\(narrow)")
        var wider = Round(["sim:fast", "sim:balanced"])
        wider.answer(0, "Red.", ttft: .milliseconds(120), latency: .seconds(2), dollars: 0.003, tokens: 40)
        wider.answer(1, "Blue.", ttft: .milliseconds(400), latency: .milliseconds(900), dollars: 0.002, tokens: 12)
        let wide = ConsoleRenderer.render(wider.state, width: 200, height: 14).lines
        #expect(wide[9].contains("$0.002000 · ★ fastest, cheapest, shortest"), "with room, the wins are named")
    }
}
