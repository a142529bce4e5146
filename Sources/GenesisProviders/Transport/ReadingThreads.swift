import Foundation
import NIOCore
import Synchronization

extension HTTPStreamingCall {
    private static let threadCountSet = Mutex(false)

    /// Reads every connection of this process on one event loop thread instead of one per core.
    /// For a process that holds a handful of streams and wants few wakes, like the console: its
    /// panes' streams are then read in one wake per pacing tick, not one per thread, and their
    /// text reaches the screen in one frame, and the console uses less of a core (figures:
    /// Benchmarks/README.md). One thread reads and decodes far more than a console shows;
    /// a gateway-style load wants the default.
    ///
    /// Call it first, before anything uses SwiftNIO's shared event loops (a request, a server, a
    /// probe): once they are in use, NIO stops the process rather than change their number.
    /// Calling it again does nothing. `NIO_SINGLETON_GROUP_LOOP_COUNT` in the environment wins over it.
    public static func readOnOneThread() {
        guard ProcessInfo.processInfo.environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] == nil else { return }
        let first = threadCountSet.withLock { set in
            defer { set = true }
            return !set
        }
        if first { NIOSingletons.groupLoopCountSuggestion = 1 } // NIO allows setting it once
    }
}
