import Foundation
import Synchronization

/// Where a URL sends a request: parsed once per URL (a provider sends every request to the
/// same few), not on every request.
struct Target: Sendable {
    let scheme: String
    let host: String
    let port: Int
    /// Path and query, percent-encoded, as the request line carries them.
    let path: String
    /// The `host` header: the host (IPv6 literals in brackets) and the port when the URL names one.
    let hostHeader: String
    /// The connection pool's key: `scheme://host:port`.
    let key: String

    private static let parsed = Mutex<[String: Target]>([:])

    static func parse(_ url: String) throws(TransportError) -> Target {
        if let known = parsed.withLock({ $0[url] }) { return known }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", var host = components.host, !host.isEmpty else {
            throw TransportError.invalidURL(url)
        }
        // An IPv6 literal: Foundation on Linux keeps its brackets, which a connect must not see.
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw TransportError.invalidURL(url) }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let bracketed = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host // IPv6 literals keep their brackets
        let target = Target(scheme: scheme, host: host, port: port, path: path,
                            hostHeader: components.port.map { "\(bracketed):\($0)" } ?? bracketed, key: "\(scheme)://\(host):\(port)")
        parsed.withLock { known in
            if known.count >= 256 { known.removeAll() } // URLs with ever-changing queries must not grow it without end
            known[url] = target
        }
        return target
    }
}
