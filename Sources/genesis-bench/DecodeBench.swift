import Foundation
import GenesisProviders

/// Decoding speed on a synthetic OpenAI stream of `chunks` chunks: SSE framing alone (MB/s),
/// and chunk-to-delta decoding, SSE plus JSON (chunks/s), on one core.
enum DecodeBench {
    struct Figures {
        var megabytesPerSecond: Double
        var chunksPerSecond: Double
        var bytes: Int
    }

    static func body(chunks: Int) -> [UInt8] {
        var text = ""
        text.reserveCapacity(chunks * 190)
        for n in 0..<chunks {
            text += #"data: {"id":"chatcmpl-9xYz","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1","choices":[{"index":0,"delta":{"content":" token\#(n % 100)"},"logprobs":null,"finish_reason":null}]}"# + "\n\n"
        }
        text += #"data: {"id":"chatcmpl-9xYz","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        return Array(text.utf8)
    }

    static func run(chunks: Int = 100_000) throws -> Figures {
        let bytes = body(chunks: chunks)
        let clock = ContinuousClock()
        // Best of three, so a busy moment on the machine does not decide the figure.
        var framing = Duration.seconds(1_000), decoding = Duration.seconds(1_000)
        for _ in 0..<3 {
            var start = clock.now
            var parser = ServerSentEventParser()
            var events = 0
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 16 << 10)
                events += try parser.feed(bytes[offset..<end]).count
                offset = end
            }
            framing = min(framing, clock.now - start)
            precondition(events == chunks + 2)
            start = clock.now
            let decoded = try TranscriptDecoder.decode(bytes, format: .openai)
            decoding = min(decoding, clock.now - start)
            precondition(decoded.count >= chunks)
        }
        return Figures(megabytesPerSecond: Double(bytes.count) / 1e6 / framing.seconds,
                       chunksPerSecond: Double(chunks) / decoding.seconds, bytes: bytes.count)
    }
}
