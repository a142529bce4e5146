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

    public init(timeout: Duration? = nil, maxAttempts: Int? = nil, extraFallbacks: [ModelID] = [], useFallbacks: Bool = true,
                cachePolicy: CachePolicy? = nil, conversationID: String? = nil, versions: [ModelID: String] = [:]) {
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
