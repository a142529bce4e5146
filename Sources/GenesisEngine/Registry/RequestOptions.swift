/// Per-request overrides of the registry's configuration.
public struct RequestOptions: Sendable, Hashable {
    /// The whole request's deadline (all attempts and fallbacks); nil uses the configuration's.
    public var timeout: Duration?
    /// Attempts per model, the first included; nil uses the configuration's retry policy.
    public var maxAttempts: Int?
    /// Models to try after the configured chain, in order (the CLI's `--fallback`).
    public var extraFallbacks: [ModelID]
    /// Whether to use fallback chains at all.
    public var useFallbacks: Bool
    /// nil uses the configuration's cache policy.
    public var cachePolicy: CachePolicy?
    /// The conversation the request belongs to, recorded with its ledger rows.
    public var conversationID: String?
    /// Versions pinned for this request only, over the registry's pins (a deployment's version):
    /// `gpt-4` with `0613` is sent as `gpt-4-0613`, whatever another request pins at the same time.
    public var versions: [ModelID: String]
    /// Read a streamed answer at most this often, once its first text arrived: whatever came in
    /// between is handed on at once, as one piece. A display that draws 30 frames a second loses
    /// nothing by it, and the process wakes per interval instead of per network packet (the
    /// console uses 25 ms). nil reads each packet as it comes. The time to the first token is
    /// never delayed.
    public var readPacing: Duration?
    /// Handle each streamed chunk on the thread that read it, when the provider reads on a
    /// thread of its own (the HTTP adapters: the connection's event loop). That saves a thread
    /// wake per chunk, for a caller that does little with each event, as the console. Many
    /// streams at full speed then share the event loops' threads and lose throughput, so
    /// throughput-bound callers leave it off (both figures: Benchmarks/README.md).
    public var decodeOnReadingThread: Bool

    public init(timeout: Duration? = nil, maxAttempts: Int? = nil, extraFallbacks: [ModelID] = [], useFallbacks: Bool = true,
                cachePolicy: CachePolicy? = nil, conversationID: String? = nil, versions: [ModelID: String] = [:],
                readPacing: Duration? = nil, decodeOnReadingThread: Bool = false) {
        self.readPacing = readPacing
        self.decodeOnReadingThread = decodeOnReadingThread
        self.conversationID = conversationID
        self.versions = versions
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.extraFallbacks = extraFallbacks
        self.useFallbacks = useFallbacks
        self.cachePolicy = cachePolicy
    }
}

public typealias GenerationStream = AsyncThrowingStream<GenerationEvent, any Error>
