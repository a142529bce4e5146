import GenesisEngine

/// Decodes a provider's streaming response body (its bytes as they come off the wire) into the
/// events an adapter yields, exactly as the adapter does: for replaying captures, for clients
/// that bring their own transport, and for measuring decoding speed.
///
/// ```swift
/// var decoder = TranscriptDecoder(format: .openai)
/// for chunk in body { for event in try decoder.feed(chunk) { ... } }
/// let rest = try decoder.finish()
/// ```
public struct TranscriptDecoder: Sendable {
    /// The wire formats a transcript can be in.
    public enum Format: String, Sendable, CaseIterable {
        /// Chat Completions.
        case openai
        /// OpenAI's Responses API.
        case openaiResponses = "openai-responses"
        case anthropic, gemini, ollama
    }

    private var base: any EventDecoding

    public init(format: Format) {
        switch format {
        case .openai: base = StreamDecoder(OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: ProviderKind.openAI.defaultBaseURL ?? ""), model: "transcript")
        case .openaiResponses:
            let chat = OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: ProviderKind.openAI.defaultBaseURL ?? "")
            base = StreamDecoder(OpenAIResponsesFormat(chat: chat, memo: OpenAIMemo()), model: "transcript")
        case .anthropic: base = StreamDecoder(AnthropicFormat(provider: "anthropic", baseURL: ProviderKind.anthropic.defaultBaseURL ?? ""), model: "transcript")
        case .gemini: base = StreamDecoder(GeminiFormat(provider: "gemini", baseURL: ProviderKind.gemini.defaultBaseURL ?? ""), model: "transcript")
        case .ollama: base = StreamDecoder(OllamaFormat(provider: "ollama", baseURL: ProviderKind.ollama.defaultBaseURL ?? ""), model: "transcript")
        }
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
    public static func decode(_ body: [UInt8], format: Format, chunkSize: Int = 16 << 10) throws -> [ProviderEvent] {
        var decoder = TranscriptDecoder(format: format)
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
private protocol EventDecoding: Sendable {
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes, _ emit: (ProviderEvent) -> Void) throws where Bytes.Element == UInt8
    mutating func finish(_ emit: (ProviderEvent) -> Void) throws
    var isComplete: Bool { get }
}

extension StreamDecoder: EventDecoding {}
