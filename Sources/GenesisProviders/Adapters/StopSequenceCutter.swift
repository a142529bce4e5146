import Foundation
import GenesisEngine
import Synchronization

/// Ends an answer at the first of the stop sequences its provider could not be sent (an OpenAI
/// reasoning model takes none, Anthropic refuses one of only whitespace): the request keeps its
/// meaning, and the text stops where the caller asked, the stop sequence itself left out.
///
/// Streamed text is held back only while it could still be the start of a stop sequence, so
/// nothing is shown that a later piece would have cut.
struct StopSequenceCutter: Sendable {
    let stops: [String]
    /// Text that may be the start of a stop sequence, not shown yet.
    private var held = ""
    /// A stop sequence was found: nothing more is shown.
    private(set) var stopped = false

    init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    /// The text before the first stop sequence in `text`, or nil when there is none.
    static func cut(_ text: String, at stops: [String]) -> String? {
        text.prefix(beforeFirstOf: stops).map(String.init)
    }

    /// What of `piece` can be shown now.
    mutating func feed(_ piece: String) -> String {
        guard !stopped else { return "" }
        let text = held + piece
        if let before = Self.cut(text, at: stops) {
            stopped = true
            held = ""
            return before
        }
        // Keep back the longest end of the text that begins some stop sequence.
        let longest = min(text.count, (stops.map(\.count).max() ?? 1) - 1)
        for length in stride(from: longest, through: 1, by: -1) {
            let end = text.suffix(length)
            if stops.contains(where: { $0.hasPrefix(end) }) {
                held = String(end)
                return String(text.dropLast(length))
            }
        }
        held = ""
        return text
    }

    /// The answer ended without a stop sequence: what was held back.
    mutating func finish() -> String {
        defer { held = "" }
        return stopped ? "" : held
    }
}

/// A provider's events with the text ended at the first unsent stop sequence: there the answer
/// finishes (`stop`), and the rest of the stream is not read (dropping it hangs up; the engine
/// estimates the usage it then never hears of).
final class StoppingEvents: Sendable {
    private struct State {
        var cutter: StopSequenceCutter
        var pending: [ProviderEvent] = []
        var done = false

        /// What the consumer gets for one event from upstream (nil: its end).
        mutating func take(_ event: ProviderEvent?) {
            guard let event else {
                done = true
                release(cutter.finish())
                return
            }
            switch event {
            case .text(let piece):
                release(cutter.feed(piece))
                if cutter.stopped {
                    done = true
                    pending.append(.finish(.stop, raw: "stop"))
                }
            case .finish:
                release(cutter.finish())
                pending.append(event)
            default:
                pending.append(event)
            }
        }

        private mutating func release(_ text: String) {
            if !text.isEmpty { pending.append(.text(text)) }
        }
    }

    private let state: Mutex<State>

    init(cutter: StopSequenceCutter) {
        state = Mutex(State(cutter: cutter))
    }

    /// The next event, reading `upstream` as needed; called by one consumer at a time.
    func next(from upstream: @Sendable () async throws -> ProviderEvent?) async throws -> ProviderEvent? {
        while true {
            let ready = state.withLock { state -> (event: ProviderEvent?, finished: Bool) in
                state.pending.isEmpty ? (nil, state.done) : (state.pending.removeFirst(), false)
            }
            if let event = ready.event { return event }
            if ready.finished { return nil }
            let event = try await upstream()
            state.withLock { $0.take(event) }
        }
    }
}
