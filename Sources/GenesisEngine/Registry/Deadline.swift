import Clocks

/// Runs `operation` until `deadline`; past it the operation is cancelled and `onTimeout()` is
/// thrown. One deadline covers a request with all its retries and fallbacks, so timeouts never
/// stack up.
///
/// `enforcedByOperation`: the operation stops by the deadline itself (an HTTP adapter closes
/// its connection then), so it runs inline, and a failure past the deadline is reported as the
/// timeout. Otherwise a watchdog child task sleeps until the deadline and cancels it; that costs
/// a task, a timer and two thread hand-overs per request.
func withDeadline<T: Sendable>(
    _ deadline: AnyClock<Duration>.Instant, clock: AnyClock<Duration>, enforcedByOperation: Bool = false,
    onTimeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    if enforcedByOperation {
        do {
            return try await operation()
        } catch {
            if clock.now >= deadline, !Task.isCancelled { throw onTimeout() }
            throw error
        }
    }
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await clock.sleep(until: deadline, tolerance: nil)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw onTimeout() }
        guard let value = first else { throw onTimeout() }
        return value
    }
}
