@testable import GenesisConsole
import GenesisEngine
import Testing

@Suite("Synchronised scrolling: every pane at the same share of its lines")
struct ScrollSyncTests {
    @Test(arguments: [
        (0.0, 100, 10, 0), (1.0, 100, 10, 90), (0.5, 100, 10, 45), (0.5, 30, 10, 10), (1.0, 8, 10, 0), (1.7, 100, 10, 90), (-1.0, 100, 10, 0),
    ])
    func aShareMapsToLinesUpFromTheEnd(fraction: Double, lines: Int, height: Int, offset: Int) {
        #expect(ScrollSync.offset(fraction: fraction, lines: lines, height: height) == offset)
    }

    @Test func aStepMovesTheLongestPaneByThatManyLinesAndStopsAtTheTopAndTheEnd() {
        var sync = ScrollSync()
        sync.scroll(by: 10, longest: 200)
        #expect(sync.fraction == 0.05)
        sync.scroll(by: 1000, longest: 200)
        #expect(sync.fraction == 1)
        sync.scroll(by: -5000, longest: 200)
        #expect(sync.fraction == 0)
    }

    /// Two panes, one answer three times as long as the other.
    func panes() -> ConsoleState {
        var round = Round(["sim:fast", "sim:balanced"], prompt: "Count")
        round.answer(0, (1...20).map { "short \($0)" }.joined(separator: "\n"))
        round.answer(1, (1...60).map { "long \($0)" }.joined(separator: "\n"))
        return round.state
    }

    @Test func panesOfDifferentLengthsAreAtTheirTopsTogetherAndAtTheirEndsTogether() {
        var state = panes()
        _ = state.update(.key(.ctrl("s")))
        #expect(state.scrollSync == ScrollSync(fraction: 0))
        var screen = ConsoleRenderer.render(state, width: 80, height: 20).lines
        #expect(screen[14].hasPrefix("│short 20") && screen[14].contains("│long 60"), "at the end")
        #expect(screen[17].contains("⇅ scroll synced"))
        for _ in 0..<20 { _ = state.update(.key(.pageUp)) }
        screen = ConsoleRenderer.render(state, width: 80, height: 20).lines
        #expect(screen[1].hasPrefix("│› Count") && screen[1].contains("││› Count"), "at the top:\n\(screen.joined(separator: "\n"))")
        state.scrollSync = ScrollSync(fraction: 0.5)
        screen = ConsoleRenderer.render(state, width: 80, height: 20).lines
        // short: 22 lines in 14 rows scrolls 8, half is 4; long: 62 lines scrolls 48, half is 24.
        #expect(screen[14].hasPrefix("│short 16") && screen[14].contains("│long 36"), "\(screen[14])")
        _ = state.update(.key(.ctrl("s")))
        #expect(state.scrollSync == nil && state.notice == "each pane scrolls on its own")
    }
}
