import GenesisEngine

/// Decodes a recorded streaming response body (its bytes as they came off the wire) into the
/// events an adapter yields: for replaying captures, and for measuring decoding speed.
public enum TranscriptDecoder {
    /// The wire formats a transcript can be in.
    public enum Format: String, Sendable, CaseIterable {
        case openai, anthropic, gemini, ollama
    }

    /// Events of a whole body fed in `chunkSize`-byte reads. Throws what the adapter would.
    public static func decode(_ body: [UInt8], format: Format, chunkSize: Int = 16 << 10) throws -> [ProviderEvent] {
        switch format {
        case .openai: try decode(body, OpenAIChatFormat(provider: "openai", dialect: .openAI, baseURL: "https://api.openai.com/v1"), chunkSize)
        case .anthropic: try decode(body, AnthropicFormat(provider: "anthropic", baseURL: "https://api.anthropic.com"), chunkSize)
        case .gemini: try decode(body, GeminiFormat(provider: "gemini", baseURL: "https://generativelanguage.googleapis.com"), chunkSize)
        case .ollama: try decode(body, OllamaFormat(provider: "ollama", baseURL: "http://127.0.0.1:11434"), chunkSize)
        }
    }

    static func decode<Format: ChatWireFormat>(_ body: [UInt8], _ format: Format, _ chunkSize: Int) throws -> [ProviderEvent] {
        var interpreter = format.makeInterpreter(model: "transcript")
        var events: [ProviderEvent] = []
        switch format.framing {
        case .serverSentEvents:
            var parser = ServerSentEventParser()
            var offset = 0
            while offset < body.count {
                let end = min(body.count, offset + max(1, chunkSize))
                for event in try parser.feed(body[offset..<end]) { events += try interpreter.consume(type: event.type, data: event.data) }
                offset = end
            }
        case .jsonLines:
            var parser = JSONLinesParser()
            var offset = 0
            while offset < body.count {
                let end = min(body.count, offset + max(1, chunkSize))
                for line in try parser.feed(body[offset..<end]) { events += try interpreter.consume(type: "line", data: String(decoding: line, as: UTF8.self)) }
                offset = end
            }
        }
        return events
    }
}
