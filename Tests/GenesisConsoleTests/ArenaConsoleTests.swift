import Foundation
@testable import GenesisConsole
import GenesisEngine
import GenesisEvaluation
import Testing

@Suite("Blind arena, evaluation and leaderboard in the console")
struct ArenaConsoleTests {
    let fast: ModelID = "sim:fast", deep: ModelID = "sim:deep"

    func type(_ text: String, into state: inout ConsoleState) -> [Command] {
        for c in text { _ = state.update(.key(.char(c))) }
        return state.update(.key(.enter))
    }

    func screen(_ state: ConsoleState) -> String {
        ConsoleRenderer.render(state, width: 140, height: 30).lines.joined(separator: "\n")
    }

    func finish(_ state: inout ConsoleState) {
        for i in state.panes.indices {
            _ = state.update(.event(pane: i, .text("An answer.")))
            _ = state.update(.event(pane: i, .completed(GenerationResult(model: state.panes[i].model, text: "An answer.", finishReason: .stop,
                                                                           usage: Usage(inputTokens: 1, outputTokens: 2), cost: Cost(dollars: 0.5),
                                                                           latency: .seconds(1)))))
        }
    }

    @Test("/arena shuffles the panes into letters, hides names, speed and cost, takes a vote, then reveals")
    func blindRound() {
        var state = ConsoleState(models: [fast, deep])
        #expect(type("/arena Which is faster?", into: &state) == [.startArena(prompt: "Which is faster?")])
        let commands = state.update(.arenaStarted(order: [1, 0], prompt: "Which is faster?"))
        #expect(commands == [.send(prompt: "Which is faster?", panes: [0, 1])])
        #expect(state.panes.map(\.model) == [deep, fast]) // screen order follows the shuffle
        finish(&state)
        var text = screen(state)
        #expect(text.contains("Answer A") && text.contains("Answer B"))
        #expect(!text.contains("sim:fast") && !text.contains("sim:deep") && !text.contains("$0.5"), "names and figures stay hidden")
        _ = state.update(.key(.tab)) // focusing a pane names it by its letter only
        #expect(!screen(state).contains("sim:fast") && !screen(state).contains("sim:deep") && screen(state).contains("prompt → A"))
        _ = state.update(.key(.backTab))
        #expect(state.update(.key(.char("b"))).isEmpty && state.arena?.revealed == false) // a key types; Enter votes
        #expect(state.update(.key(.enter)) == [.vote([ArenaVote(modelA: deep, modelB: fast, outcome: .b)])])
        text = screen(state)
        #expect(state.notice == "vote: B is better. A was sim:deep, B was sim:fast")
        #expect(text.contains("sim:fast") && text.contains("$0.5"))
        #expect(type("a", into: &state) == [.send(prompt: "a", panes: [0, 1])]) // one vote per round; then a prompt
    }

    @Test("a prompt that starts with a vote's letter is a prompt, not a vote")
    func promptsAreNotVotes() {
        var state = ConsoleState(models: [fast, deep])
        _ = state.update(.arenaStarted(order: [0, 1], prompt: "q"))
        finish(&state)
        #expect(type("and what about B?", into: &state) == [.send(prompt: "and what about B?", panes: [0, 1])])
        #expect(state.arena == nil && state.notice == "the blind round ended without a vote")
    }

    @Test("a pane that failed is left out of the vote and cannot win it")
    func failedPanes() {
        let tiny: ModelID = "sim:tiny"
        var state = ConsoleState(models: [fast, deep, tiny])
        _ = state.update(.arenaStarted(order: [0, 1, 2], prompt: "q"))
        finish(&state)
        _ = state.update(.failed(pane: 2, category: .server, message: "overloaded"))
        #expect(type("c", into: &state).isEmpty && state.notice?.contains("C gave no answer") == true && state.arena?.revealed == false)
        #expect(type("a", into: &state) == [.vote([ArenaVote(modelA: fast, modelB: deep, outcome: .a)])])
        #expect(state.notice?.contains("left out") == true)

        var lone = ConsoleState(models: [fast, deep])
        _ = lone.update(.arenaStarted(order: [0, 1], prompt: "q"))
        finish(&lone)
        _ = lone.update(.failed(pane: 1, category: .server, message: "down"))
        #expect(type("t", into: &lone).isEmpty && lone.notice?.hasPrefix("fewer than two answers came") == true && lone.arena?.revealed == true)
    }

    @Test("t is a tie and n both bad; a new prompt before voting ends the round without a vote")
    func tiesAndAbandon() {
        var state = ConsoleState(models: [fast, deep])
        _ = state.update(.arenaStarted(order: [0, 1], prompt: "q"))
        finish(&state)
        #expect(type("n", into: &state) == [.vote([ArenaVote(modelA: fast, modelB: deep, outcome: .bothBad)])])
        _ = state.update(.arenaStarted(order: [0, 1], prompt: "q2"))
        finish(&state)
        #expect(type("Tell me more", into: &state) == [.send(prompt: "Tell me more", panes: [0, 1])]) // capitals are typing, not votes
        #expect(state.arena == nil && state.panes.allSatisfy { $0.blindLabel == nil })
        finish(&state)
        _ = state.update(.arenaStarted(order: [0, 1], prompt: "q3"))
        #expect(state.arena != nil)
        finish(&state)
        _ = state.update(.key(.escape))
        #expect(state.arena == nil && state.notice == "blind round skipped", "\(String(describing: state.notice))")
        var single = ConsoleState(models: [fast])
        #expect(type("/arena q", into: &single).isEmpty && single.notice?.contains("at least two panes") == true)
    }

    @Test("/eval and /leaderboard ask the runtime; their result shows over the panes until a key")
    func overlays() {
        var state = ConsoleState(models: [fast])
        #expect(type("/eval suite.yaml", into: &state) == [.runEvaluation(path: "suite.yaml")])
        #expect(type("/leaderboard", into: &state) == [.showLeaderboard])
        _ = state.update(.overlay(TextOverlay(title: "Evaluation: smoke", lines: ["case   sim:fast", "#1     PASS 1.00"])))
        let text = screen(state)
        #expect(text.contains("Evaluation: smoke") && text.contains("#1     PASS 1.00"))
        _ = state.update(.key(.char("q")))
        #expect(state.overlay == nil && state.input.isEmpty)
    }
}
