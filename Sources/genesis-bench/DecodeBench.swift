import Foundation
import GenesisEngine
import GenesisProviders

/// Decoding speed on a synthetic OpenAI stream of `chunks` chunks: SSE framing alone (MB/s),
/// and chunk-to-delta decoding, SSE plus JSON (chunks/s), on one core; and the same number of
/// Responses API text deltas decoded (events/s), and the chat stream again with every delta a
/// `reasoning_content` delta (DeepSeek, vLLM): reasoning must cost no more a token than text.
enum DecodeBench {
    struct Figures {
        var megabytesPerSecond: Double
        var chunksPerSecond: Double
        var bytes: Int
        var responsesEventsPerSecond: Double
        var responsesBytes: Int
        var reasoningChunksPerSecond: Double

        var line: String {
            String(format: "decoding: SSE framing %.0f MB/s; OpenAI chunk to delta (SSE + JSON) %.0f chunks/s (as reasoning deltas %.0f), Responses event to delta %.0f events/s on one core (%.1f and %.1f MB transcripts)",
                   megabytesPerSecond, chunksPerSecond, reasoningChunksPerSecond, responsesEventsPerSecond, Double(bytes) / 1e6, Double(responsesBytes) / 1e6)
        }
    }

    /// A Responses stream of `deltas` text deltas, shaped as OpenAI sends them (named events,
    /// sequence numbers, `logprobs` and `obfuscation` on each delta), between its opening and
    /// closing events.
    static func responsesBody(deltas: Int) -> [UInt8] {
        var text = ""
        text.reserveCapacity(deltas * 230)
        text += "event: response.created\n" + #"data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_68b1","object":"response","created_at":1764000000,"status":"in_progress","model":"gpt-5.5-pro-2026-10-01","output":[],"usage":null}}"# + "\n\n"
        text += "event: response.output_item.added\n" + #"data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_68b1","type":"message","status":"in_progress","content":[],"role":"assistant"}}"# + "\n\n"
        for n in 0..<deltas {
            text += "event: response.output_text.delta\n" + #"data: {"type":"response.output_text.delta","sequence_number":\#(n + 2),"item_id":"msg_68b1","output_index":0,"content_index":0,"delta":" token\#(n % 100)","logprobs":[],"obfuscation":"Zp1q"}"# + "\n\n"
        }
        text += "event: response.completed\n" + #"data: {"type":"response.completed","sequence_number":\#(deltas + 2),"response":{"id":"resp_68b1","object":"response","status":"completed","model":"gpt-5.5-pro-2026-10-01","output":[],"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":\#(deltas),"output_tokens_details":{"reasoning_tokens":0},"total_tokens":\#(deltas + 12)}}}"# + "\n\n"
        return Array(text.utf8)
    }

    /// `chunks` content deltas, or with `field` `reasoning_content` as many reasoning deltas.
    static func body(chunks: Int, field: String = "content") -> [UInt8] {
        var text = ""
        text.reserveCapacity(chunks * 200)
        for n in 0..<chunks {
            text += #"data: {"id":"chatcmpl-9xYz","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1","choices":[{"index":0,"delta":{"\#(field)":" token\#(n % 100)"},"logprobs":null,"finish_reason":null}]}"# + "\n\n"
        }
        text += #"data: {"id":"chatcmpl-9xYz","object":"chat.completion.chunk","created":1732540000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        return Array(text.utf8)
    }

    static func run(chunks: Int = 100_000) throws -> Figures {
        let bytes = body(chunks: chunks)
        let clock = ContinuousClock()
        // Best of three, so a busy moment on the machine does not decide the figure.
        let responses = responsesBody(deltas: chunks), reasoning = body(chunks: chunks, field: "reasoning_content")
        var framing = Duration.seconds(1_000), decoding = Duration.seconds(1_000), responsesDecoding = Duration.seconds(1_000)
        var reasoningDecoding = Duration.seconds(1_000)
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
            let decoded = try TranscriptDecoder.decode(bytes, format: "openai")
            decoding = min(decoding, clock.now - start)
            precondition(decoded.count >= chunks)
            start = clock.now
            let responsesEvents = try TranscriptDecoder.decode(responses, format: "openai-responses")
            responsesDecoding = min(responsesDecoding, clock.now - start)
            precondition(responsesEvents.last == ProviderEvent.finish(.stop, raw: "completed"))
            start = clock.now
            let thoughts = try TranscriptDecoder.decode(reasoning, format: "openai")
            reasoningDecoding = min(reasoningDecoding, clock.now - start)
            precondition(thoughts.count { if case .reasoning = $0 { true } else { false } } == chunks)
        }
        return Figures(megabytesPerSecond: Double(bytes.count) / 1e6 / framing.seconds,
                       chunksPerSecond: Double(chunks) / decoding.seconds, bytes: bytes.count,
                       responsesEventsPerSecond: Double(chunks) / responsesDecoding.seconds, responsesBytes: responses.count,
                       reasoningChunksPerSecond: Double(chunks) / reasoningDecoding.seconds)
    }
}
