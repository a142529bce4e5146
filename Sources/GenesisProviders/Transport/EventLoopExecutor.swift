import NIOCore
import NIOPosix

/// Runs tasks' jobs on one NIO event loop. The engine consumes a streamed answer preferring the
/// executor of the loop its connection is read on (``AttemptContext/readsStream(on:)``), so
/// each chunk is decoded and handed on by the thread that read it, instead of waking a thread of
/// the cooperative pool per chunk. Nothing that runs on it may block: storage writes and other
/// slow work happen outside that scope.
public final class EventLoopExecutor: TaskExecutor {
    public let loop: any EventLoop

    private init(loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// One executor per loop of the shared event loop group.
    private static let executors: [ObjectIdentifier: EventLoopExecutor] = {
        var executors: [ObjectIdentifier: EventLoopExecutor] = [:]
        for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() { executors[ObjectIdentifier(loop)] = EventLoopExecutor(loop: loop) }
        return executors
    }()

    /// The executor of `loop` (a loop of the shared group), or nil for any other loop.
    public static func of(_ loop: any EventLoop) -> EventLoopExecutor? { executors[ObjectIdentifier(loop)] }
}
