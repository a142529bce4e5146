import GenesisEngine

/// A provider's streaming body in, provider events out: the format's framing (server-sent
/// events or JSON lines) and its interpreter, for any chunking of the bytes. The one decoding
/// path of adapters, transcript replays and the benchmark's bare client.
struct StreamDecoder<Interpreter: StreamInterpreter>: Sendable {
    private var interpreter: Interpreter
    private var events: ServerSentEventParser?
    private var lines: JSONLinesParser?

    init<Format: ChatWireFormat>(_ format: Format, model: String) where Format.Interpreter == Interpreter {
        interpreter = format.makeInterpreter(model: model)
        switch format.framing {
        case .serverSentEvents:
            var parser = ServerSentEventParser()
            parser.reportsErrorFields = true
            events = parser
        case .jsonLines:
            lines = JSONLinesParser()
        }
    }

    /// Decodes the next chunk of the body, handing each event to `emit` in order.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes, _ emit: (ProviderEvent) -> Void) throws where Bytes.Element == UInt8 {
        if events != nil {
            for event in try events!.feed(bytes) {
                for output in try interpreter.consume(type: event.type, data: event.data) { emit(output) }
            }
        } else if lines != nil {
            for line in try lines!.feed(bytes) {
                for output in try interpreter.consume(type: "line", data: String(decoding: line, as: UTF8.self)) { emit(output) }
            }
        }
    }

    /// The body ended: decodes what is left (a JSON line without its LF; an unfinished event is
    /// dropped, as the SSE rules say).
    mutating func finish(_ emit: (ProviderEvent) -> Void) throws {
        events?.finish()
        if let last = lines?.finish() {
            for output in try interpreter.consume(type: "line", data: String(decoding: last, as: UTF8.self)) { emit(output) }
        }
    }

    /// Whether the provider's end-of-answer marker arrived; see ``StreamInterpreter/isComplete``.
    var isComplete: Bool { interpreter.isComplete }
    var missingMarker: String { interpreter.missingMarker }
}
