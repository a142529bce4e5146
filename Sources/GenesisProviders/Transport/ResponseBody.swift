import NIOCore

/// A response body as it arrives: parts in the order the server sent them, then the end, or the
/// failure that cut it off after every part that did arrive.
///
/// The buffer between the connection and the consumer is bounded: above
/// ``highWatermark`` parts waiting, the connection stops reading (the server's bytes wait in the
/// kernel, then the server waits), and it reads again once the consumer is down to
/// ``lowWatermark``. A part is what one parse of a read handed on, at most a read's worth (NIO
/// reads at most 64 KiB at a time), so a consumer that falls behind holds a few MiB at most,
/// not the whole body; a body a proxy compressed unasked is counted by what each read
/// decompressed to, which gzip bounds at about a thousand times the read.
///
/// A consumer that leaves before the end (its task cancelled, or it stops iterating) closes the
/// connection. Cancelled, the iterator ends (returns nil) as `AsyncThrowingStream`'s does.
public struct ResponseBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    static let lowWatermark = 16
    static let highWatermark = 64

    typealias Producer = NIOThrowingAsyncSequenceProducer<ByteBuffer, any Error,
                                                           NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Demand>
    typealias Source = Producer.Source

    let parts: Producer

    /// A body and the source its connection feeds, telling `demand` when the consumer wants more
    /// or left.
    static func make(_ demand: Demand) -> (body: ResponseBody, source: Source) {
        let made = Producer.makeSequence(backPressureStrategy: .init(lowWatermark: lowWatermark, highWatermark: highWatermark),
                                         finishOnDeinit: false, delegate: demand)
        return (ResponseBody(parts: made.sequence), made.source)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(parts: parts.makeAsyncIterator()) }

    public struct Iterator: AsyncIteratorProtocol {
        var parts: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            do {
                return try await parts.next()
            } catch is CancellationError {
                return nil // the consumer's own task was cancelled: the body ends for it
            }
        }
    }

    /// What the consumer's pace means for the connection, told on its event loop (NIO calls these
    /// from any thread, and may call `didTerminate` while the handler is finishing the body).
    struct Demand: NIOAsyncSequenceProducerDelegate {
        let eventLoop: any EventLoop
        let onMore: @Sendable () -> Void
        let onTerminate: @Sendable () -> Void

        func produceMore() { eventLoop.execute(onMore) }
        func didTerminate() { eventLoop.execute(onTerminate) }
    }
}
