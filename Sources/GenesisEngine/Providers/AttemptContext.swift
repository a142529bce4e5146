import Synchronization

/// One attempt as the engine describes it to a provider (``ProviderRequest/attempt``), and what
/// only the provider can tell back about it.
///
/// Told to the provider: which attempt this is, when the request's time is up, how often a
/// streamed answer may be read. Told back, by calling the methods below while the attempt runs
/// (before `stream` returns, for the reading thread): the key it sent with, for the ledger, and
/// the thread its stream is read on.
public final class AttemptContext: Sendable {
    /// 1 for the first attempt on a model, 2 for its first retry, and so on.
    public let number: Int
    /// When the request's time is up, all retries and fallbacks included. Providers that
    /// ``Provider/enforcesDeadline`` stop by it.
    public let deadline: ContinuousClock.Instant?
    /// How often a streamed answer may be read once its text flows (``RequestOptions/readPacing``);
    /// nil reads every packet as it comes.
    public let readPacing: Duration?

    public init(number: Int = 1, deadline: ContinuousClock.Instant? = nil, readPacing: Duration? = nil) {
        self.number = number
        self.deadline = deadline
        self.readPacing = readPacing
    }

    private let key = Mutex<String?>(nil)
    private let executor = Mutex<(any TaskExecutor)?>(nil)

    /// The provider sent the request with the key of this id (``ProviderKeys``); the ledger records it.
    public func usedKey(_ id: String) { key.withLock { $0 = id } }
    /// The id the provider named with ``usedKey(_:)``, if any.
    public var keyID: String? { key.withLock { $0 } }

    /// A provider whose stream is read on a thread of its own (an HTTP adapter: the connection's
    /// event loop) names it here before `stream` returns; the engine then consumes that stream
    /// with the executor preferred, so each chunk is handled on the thread that read it (no
    /// hand-over per chunk). Whatever runs there must never block.
    public func readsStream(on executor: (any TaskExecutor)?) { self.executor.withLock { $0 = executor } }
    /// The executor named with ``readsStream(on:)``, if any.
    public var streamExecutor: (any TaskExecutor)? { executor.withLock { $0 } }
}
