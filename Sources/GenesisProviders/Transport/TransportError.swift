/// What can go wrong below HTTP, in words ``TransportFailure`` turns into engine errors.
public enum TransportError: Error, Sendable, Equatable {
    case invalidURL(String)
    case connectTimeout
    case idleTimeout
    /// The connection closed before the response was complete.
    case closedEarly
    case bodyTooLarge(Int)
    /// The request's deadline passed; the connection was closed.
    case deadlineExceeded
    /// The proxy is unusable or refused the request; the words say which and what to do.
    case proxy(String)
    /// The certificate authorities to trust cannot be read.
    case trust(String)
}
