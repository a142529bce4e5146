import NIOCore
import NIOHTTP1

/// A failure of one exchange, and whether the request may go again on another connection: only
/// when a kept connection closed before any response, and either the request had not been
/// written whole or it is one that may be repeated (GET, HEAD). A POST the server may have
/// received is never sent twice here (the engine's retry policy decides that).
struct ExchangeFailure: Error {
    var error: any Error
    var replaceable: Bool
}

/// One request and its response on a connection: per-request handlers in, the request out, the
/// head awaited; the body streams on (``ResponseBody``), read as fast as its consumer keeps up.
struct HTTPExchange: Sendable {
    let head: HTTPRequestHead
    let payload: ByteBuffer?
    let idleTimeout: Duration
    let deadline: ContinuousClock.Instant?
    /// Read the body at most this often once it flows (``ReadPacer``); nil reads as it comes.
    var readPacing: Duration? = nil

    func run(on channel: any Channel, pool: ConnectionPool, key: String) async throws(ExchangeFailure) -> HTTPStreamingResponse {
        // The exchange's handler lives on the loop; the consumer's pace and the caller's leaving
        // reach it there through this box. Empty until the exchange is set up.
        let exchange = NIOLoopBoundBox.makeEmptyBox(valueType: HTTPExchangeHandler.self, eventLoop: channel.eventLoop)
        // The caller left: hang up. Decided on the event loop, where the exchange ends: one that
        // ended has let the connection go, perhaps to another request already. Left before the
        // exchange was set up: the closed connection fails it at once.
        let callerLeft: @Sendable () -> Void = {
            if let handler = exchange.value { handler.callerLeft(channel: channel) } else { channel.close(promise: nil) }
        }
        let (body, source) = ResponseBody.make(ResponseBody.Demand(eventLoop: channel.eventLoop,
                                                                   onMore: { exchange.value?.consumerCaughtUp() },
                                                                   onTerminate: callerLeft))
        let readTimeout = TimeAmount(idleTimeout)
        let head = self.head, payload = self.payload, deadline = self.deadline
        let pacing = readPacing.map(TimeAmount.init)
        do {
            let responseHead = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<HTTPResponseHead, any Error>) in
                    // One trip to the event loop sets the exchange up and sends it: nothing can be
                    // read on the connection in between, and a request pays one thread hand-over
                    // here, not one per step.
                    channel.eventLoop.execute {
                        let handler = HTTPExchangeHandler(method: head.method, headWaiter: waiter, body: source) { channel in
                            pool.put(channel, key: key)
                        }
                        exchange.value = handler
                        let operations = channel.pipeline.syncOperations
                        if let guardContext = try? operations.context(handlerType: KeptConnectionGuard.self) {
                            operations.removeHandler(context: guardContext, promise: nil)
                        }
                        // Closed while it was kept (its close already went by): nothing would ever answer.
                        guard channel.isActive, (try? operations.addHandler(IdleStateHandler(readTimeout: readTimeout), name: HTTPExchangeHandler.idleHandlerName)) != nil,
                              pacing.map({ (try? operations.addHandler(ReadPacer(interval: $0), name: ReadPacer.name)) != nil }) ?? true,
                              (try? operations.addHandler(handler)) != nil else {
                            handler.writeFailed(TransportError.closedEarly, channel: channel) // nothing was written
                            return
                        }
                        if let deadline {
                            let timer = channel.eventLoop.scheduleTask(in: TimeAmount(max(.zero, ContinuousClock.now.duration(to: deadline)))) {
                                channel.pipeline.fireErrorCaught(TransportError.deadlineExceeded)
                            }
                            handler.setDeadlineTimer(timer) // cancelled when the exchange ends, whichever way
                        }
                        channel.write(HTTPClientRequestPart.head(head), promise: nil)
                        if let payload { channel.write(HTTPClientRequestPart.body(.byteBuffer(payload)), promise: nil) }
                        // Whether the request went out whole decides whether the connection may be kept,
                        // and whether a failure may be retried; one that cannot be written fails only this exchange.
                        // (The callback is attached before the write, so it runs the moment the write
                        // completes, on the loop, before any reply can be read.)
                        let sent = channel.eventLoop.makePromise(of: Void.self)
                        sent.futureResult.assumeIsolated().whenComplete { result in
                            switch result {
                            case .success: handler.requestWritten()
                            case .failure(let error): handler.writeFailed(error, channel: channel)
                            }
                        }
                        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: sent)
                    }
                }
            } onCancel: {
                channel.eventLoop.execute(callerLeft)
            }
            return HTTPStreamingResponse(status: Int(responseHead.status.code), headers: responseHead.headers,
                                         eventLoop: channel.eventLoop, body: body)
        } catch var failure as ExchangeFailure {
            failure.replaceable = failure.replaceable && !Task.isCancelled
            throw failure
        } catch {
            throw ExchangeFailure(error: error, replaceable: false) // the handler fails the head only with ExchangeFailure
        }
    }
}
