@testable import GenesisConsole
import GenesisEngine
import GenesisEvaluation
import Testing

@Suite("/judge: a model compares the panes' answers")
struct JudgeConsoleTests {
    @Test func theJudgeIsAskedAboutTheLastPromptsAnswers() {
        var round = Round(["sim:fast", "sim:balanced"], prompt: "Why is the sky blue?")
        round.answer(0, "Rayleigh scattering.")
        round.answer(1, "Because of the air.")
        #expect(round.state.submit("/judge openai:gpt-4o-mini") == [.judge(JudgeRequest(
            judge: "openai:gpt-4o-mini", prompt: "Why is the sky blue?",
            answers: [.init(model: "sim:fast", text: "Rayleigh scattering."), .init(model: "sim:balanced", text: "Because of the air.")]))])
        #expect(round.state.notice == "openai:gpt-4o-mini is judging 1 pair, each in both orders…")
    }

    @Test(arguments: [
        ("/judge", "usage: /judge provider:model (that model compares the panes' last answers)"),
        ("/judge openai:gpt-4o-mini", "the judge needs two answers to the last prompt or more, and there is one"),
    ])
    func withoutTwoAnswersThereIsNothingToJudge(line: String, notice: String) {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.")
        _ = round.state.update(.failed(pane: 1, category: .server, message: "boom"))
        #expect(round.state.submit(line).isEmpty)
        #expect(round.state.notice == notice)
    }

    @Test func theVerdictsAndReasonsShowInAnOverlayAndTheJudgesCostCounts() {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.", dollars: 0.5)
        round.answer(1, "Blue.", dollars: 0.25)
        let pair = JudgedPair(a: "sim:fast", b: "sim:balanced", verdicts: [
            JudgeVerdict(order: .ab, winner: .a, reason: "It names the colour plainly and says nothing it cannot back up.", cost: 0.01),
            JudgeVerdict(order: .ba, winner: .a, reason: "Shorter and right.", cost: 0.01)])
        let commands = round.state.update(.judged(Judgement(judge: "openai:gpt-4o-mini", models: ["sim:fast", "sim:balanced"], pairs: [pair])))
        #expect(commands == [.refreshProviders])
        #expect(abs(round.state.sessionCost - 0.77) < 1e-9)
        let lines = ConsoleRenderer.render(round.state, width: 60, height: 16).lines
        #expect(Array(lines[3...11]) == [
            "│╭─ Judge openai:gpt-4o-mini: sim:fast wins ──────────────╮│",
            "││                                                        ││",
            "││ sim:fast vs sim:balanced: sim:fast                     ││",
            "││   sim:fast as A: sim:fast: It names the colour plainly ││",
            "││     and says nothing it cannot back up.                ││",
            "││   sim:balanced as A: sim:fast: Shorter and right.      ││",
            "││ winner: sim:fast · the judge cost $0.0200              ││",
            "││                                                        ││",
            "╰╰─────────────────────────────────────── any key closes ─╯╯",
        ])
        _ = round.state.update(.key(.escape))
        #expect(round.state.overlay == nil)
    }
}
