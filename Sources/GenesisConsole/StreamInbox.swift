import Synchronization

/// Where the panes' streams leave their events for the console loop. Streaming answers bring
/// hundreds of events a second; the loop is woken only by the first event after it last took
/// them, and takes them all at once when the next frame is due, so a frame costs one wakeup
/// rather than one per token.
final class StreamInbox: Sendable {
    private let queue = Mutex<[Message]>([])

    /// Leaves `message`; true when the inbox was empty, so the loop must be told.
    func put(_ message: Message) -> Bool {
        queue.withLock { queue in
            queue.append(message)
            return queue.count == 1
        }
    }

    /// Everything left so far, oldest first.
    func takeAll() -> [Message] {
        queue.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }
}
