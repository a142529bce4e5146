import GenesisEngine

/// Decodes a provider's streaming response body (its bytes as they come off the wire) into the
/// events an adapter yields, exactly as the adapter does: for replaying captures, for clients
/// that bring their own transport, and for measuring decoding speed.
///
/// ```swift
/// var decoder = try TranscriptDecoder(format: "openai")
/// for chunk in body { for event in try decoder.feed(chunk) { ... } }
/// let rest = try decoder.finish()
/// ```
///
/// The formats are those of the kinds in a ``ProviderKindTable``: each kind's wire format under
/// its name (`openai`, `anthropic`, `gemini`, `mistral`, `ollama`, …), and `openai-responses`
/// for OpenAI's Responses API.
public struct TranscriptDecoder: Sendable {
    /// The name of a wire format a transcript can be in (``ProviderKindTable/transcriptFormats``).
    public struct Format: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }
    }

    /// No registered kind has a transcript format of this name.
    public struct UnknownFormat: Error, Sendable, Equatable, CustomStringConvertible {
        public var format: Format
        /// The formats there are.
        public var known: [Format]
        public var description: String {
            "no transcript format \"\(format)\"; use one of: \(known.map(\.rawValue).joined(separator: ", "))"
        }
    }

    private var base: any EventDecoding

    /// A decoder of `format`, as the adapter of its kind in `kinds` decodes it.
    public init(format: Format, kinds: ProviderKindTable = .standard) throws(UnknownFormat) {
        guard let base = kinds.transcriptDecoder(named: format.rawValue) else {
            throw UnknownFormat(format: format, known: kinds.transcriptFormats)
        }
        self.base = base
    }

    /// The events the next chunk of the body completes. Throws what the adapter would.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws -> [ProviderEvent] where Bytes.Element == UInt8 {
        var events: [ProviderEvent] = []
        try base.feed(bytes) { events.append($0) }
        return events
    }

    /// Hands each event the next chunk completes to `emit`, without collecting them.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes, _ emit: (ProviderEvent) -> Void) throws where Bytes.Element == UInt8 {
        try base.feed(bytes, emit)
    }

    /// The body ended: the events of what is left.
    public mutating func finish() throws -> [ProviderEvent] {
        var events: [ProviderEvent] = []
        try base.finish { events.append($0) }
        return events
    }

    /// Whether the stream's end-of-answer marker arrived (a body without it was cut off).
    public var isComplete: Bool { base.isComplete }

    /// Events of a whole body fed in `chunkSize`-byte reads. Throws what the adapter would.
    public static func decode(_ body: [UInt8], format: Format, kinds: ProviderKindTable = .standard,
                              chunkSize: Int = 16 << 10) throws -> [ProviderEvent] {
        var decoder = try TranscriptDecoder(format: format, kinds: kinds)
        var events: [ProviderEvent] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + max(1, chunkSize))
            try decoder.feed(body[offset..<end]) { events.append($0) }
            offset = end
        }
        try decoder.base.finish { events.append($0) }
        return events
    }
}

/// ``StreamDecoder`` whatever its interpreter.
protocol EventDecoding: Sendable {
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes, _ emit: (ProviderEvent) -> Void) throws where Bytes.Element == UInt8
    mutating func finish(_ emit: (ProviderEvent) -> Void) throws
    var isComplete: Bool { get }
}

extension StreamDecoder: EventDecoding {}
