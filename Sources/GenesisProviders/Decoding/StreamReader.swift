import GenesisEngine
import NIOCore

/// Turns a streamed response body into provider events on demand, in the task that asks for
/// them (the engine's), so a token costs no hand-over between tasks on its way in.
///
/// Deltas decoded from one read go on as one text event: a consumer that is behind gets the text
/// in fewer, larger pieces. Text before a failure in the same read is handed on before the failure.
final class StreamReader<Interpreter: StreamInterpreter>: @unchecked Sendable {
    // Unchecked: `AsyncThrowingStream(unfolding:)` calls `next()` for one consumer, one call at a time.
    private var body: ResponseBody.Iterator
    private var decoder: StreamDecoder<Interpreter>
    private let provider: String
    private let model: String
    private var ready: [ProviderEvent] = []
    private var position = 0
    private var failure: (any Error)?
    private var ended = false

    init(body: ResponseBody, decoder: StreamDecoder<Interpreter>, first: [ProviderEvent], provider: String, model: String) {
        self.body = body.makeAsyncIterator()
        self.decoder = decoder
        self.ready = first
        self.provider = provider
        self.model = model
    }

    /// The next event; nil after the last. A failure is thrown once the events before it are out.
    func next() async throws -> ProviderEvent? {
        while true {
            if position < ready.count {
                defer { position += 1 }
                return ready[position]
            }
            ready.removeAll(keepingCapacity: true)
            position = 0
            if let failure {
                self.failure = nil
                ended = true
                throw failure
            }
            if ended { return nil }
            await read()
        }
    }

    /// One read of the body, decoded into `ready` (and `failure`, `ended`).
    private func read() async {
        var pending = ""
        func flush() {
            if !pending.isEmpty { ready.append(.text(pending)); pending = "" }
        }
        do {
            guard let chunk = try await body.next() else {
                // The consumer left: that is a cancellation, not a stream that ended early.
                try Task.checkCancellation()
                ended = true
                try decoder.finish { ready.append($0) }
                guard decoder.isComplete else {
                    throw ProviderError(.brokenStream, provider: provider, model: model,
                                        message: "the stream ended early, without \(decoder.missingMarker)")
                }
                return
            }
            try decoder.feed(chunk.readableBytesView) { event in
                if case .text(let delta) = event {
                    pending += delta
                    return
                }
                flush()
                ready.append(event)
            }
            flush()
        } catch {
            flush()
            failure = error
        }
    }
}
