import Clocks

/// Runs `operation` until `deadline`; past it the operation is cancelled and `onTimeout()` is
/// thrown. One deadline covers a request with all its retries and fallbacks, so timeouts never
/// stack up.
func withDeadline<T: Sendable>(
    _ deadline: AnyClock<Duration>.Instant, clock: AnyClock<Duration>,
    onTimeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
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
