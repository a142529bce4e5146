import Foundation

/// An HTTP proxy as a URL names it: `http://[user:password@]host[:port]` (a bare `host:port`
/// is taken as `http://`; the port defaults to 1080 as curl's does). Credentials are sent as
/// `Proxy-Authorization: Basic` and never shown: ``description`` is `host:port`.
public struct ProxyAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// `Basic base64(user:password)`, when the URL carries credentials.
    public var authorization: String?

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The proxy `text` names, or nil with ``problem(_:)`` saying why.
    public static func parse(_ text: String) -> ProxyAddress? {
        var text = text.trimmingCharacters(in: .whitespaces)
        if !text.contains("://") { text = "http://" + text }
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
              var host = components.host, !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? 1080
        guard (1...65535).contains(port) else { return nil }
        var authorization: String?
        if let user = components.user {
            let password = components.password ?? ""
            // URLComponents keeps them percent-encoded; the proxy wants them as typed.
            let plain = (user.removingPercentEncoding ?? user) + ":" + (password.removingPercentEncoding ?? password)
            authorization = "Basic " + Data(plain.utf8).base64EncodedString()
        }
        return ProxyAddress(host: host, port: port, authorization: authorization)
    }

    /// Why `text` is not a proxy Genesis can use, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        let scheme = text.contains("://") ? String(text.prefix { $0 != ":" }).lowercased() : "http"
        if scheme.hasPrefix("socks") { return "\(scheme) proxies are not supported; give an HTTP proxy, http://host:port" }
        if scheme == "https" { return "a proxy reached over TLS (https://) is not supported; give http://host:port (requests to https servers still go through it encrypted, by CONNECT)" }
        return parse(text) == nil ? "is not a proxy URL; write http://host:port, or http://user:password@host:port" : nil
    }
}
