import GenesisConsole
import GenesisEngine
import Histogram

/// `/diff` on long answers at 200x60: computing the diff (once, off the input loop), the first
/// frame (which lays the columns out), then frames as the view scrolls a page at a time, for two
/// answers against each other and four against the majority.
enum DiffViewBench {
    struct Result {
        var panes: Int
        var words: Int
        var computeMs: Double
        var firstFrameMs: Double
        var frames: Histogram<UInt64>
    }

    /// An answer of `lines` Markdown lines, every `every`th line changed by `variant`.
    static func answer(lines: Int, variant: Int, every: Int = 7) -> String {
        (0..<lines).map { line in
            line % every == variant % every
                ? "- point \(line): variant \(variant) says the limiter waits for its slot, then **books** the next one"
                : "- point \(line): a token bucket refills at a fixed rate and spends one token per request"
        }.joined(separator: "\n")
    }

    static func run(panes: Int, lines: Int) async -> Result {
        let models: [ModelID] = ["sim:fast", "sim:balanced", "sim:deep", "sim:flaky"]
        var state = ConsoleState(models: Array(models.prefix(panes)))
        let answers = (0..<panes).map { answer(lines: lines, variant: $0) }
        state.input.set("Explain rate limiting")
        _ = state.update(.key(.enter))
        for (pane, text) in answers.enumerated() {
            _ = state.update(.event(pane: pane, .completed(GenerationResult(model: state.panes[pane].model, text: text, finishReason: .stop,
                                                                              usage: Usage(inputTokens: 3, outputTokens: lines * 15), cost: nil, latency: .seconds(1)))))
        }
        state.input.set("/diff")
        guard case .computeDiff(let request)? = state.update(.key(.enter)).first else { fatalError("/diff asked for no diff: \(state.notice ?? "")") }
        let clock = ContinuousClock()
        var start = clock.now
        let view = DiffView(request)
        let compute = clock.now - start
        _ = state.update(.diffComputed(view))
        start = clock.now
        var previous = ConsoleRenderer.render(state, width: 200, height: 60)
        let first = clock.now - start
        let frames = await measure(200) {
            _ = state.update(.key(.pageDown))
            let frame = ConsoleRenderer.render(state, width: 200, height: 60)
            _ = frame.changes(since: previous)
            previous = frame
        }
        return Result(panes: panes, words: answers.map { $0.split(separator: " ").count }.reduce(0, +), computeMs: compute.seconds * 1000,
                      firstFrameMs: first.seconds * 1000, frames: frames)
    }
}
