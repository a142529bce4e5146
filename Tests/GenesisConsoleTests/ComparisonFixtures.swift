@testable import GenesisConsole
import GenesisEngine

/// A console with `models` that has asked `prompt` and got each answer with its figures.
struct Round {
    var state: ConsoleState

    init(_ models: [ModelID], prompt: String = "Name a colour") {
        state = ConsoleState(models: models)
        for c in prompt { _ = state.update(.key(.char(c))) }
        _ = state.update(.key(.enter))
    }

    mutating func answer(_ pane: Int, _ text: String, ttft: Duration = .milliseconds(300), latency: Duration = .seconds(1),
                         dollars: Double? = 0.001, tokens: Int = 10) {
        _ = state.update(.event(pane: pane, .text(text)))
        let result = GenerationResult(model: state.panes[pane].model, text: text, finishReason: .stop,
                                      usage: Usage(inputTokens: 3, outputTokens: tokens), cost: dollars.map { Cost(dollars: $0) },
                                      latency: latency, timeToFirstToken: ttft)
        _ = state.update(.event(pane: pane, .completed(result)))
    }
}

extension ConsoleState {
    /// `line` typed at the prompt and Enter pressed: what the console asks for.
    mutating func submit(_ line: String) -> [Command] {
        input.set(line)
        return update(.key(.enter))
    }
}
