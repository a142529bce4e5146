import Foundation
import GenesisEngine

/// What a provider's configuration adds to every request its wire format builds (`headers`,
/// `key_header` and `query` in `[providers.NAME]`): what gateways and Azure OpenAI need beside
/// the API they copy. Applied by ``HTTPChatProvider`` to chat, embedding, model-list and health
/// requests alike.
struct GatewaySettings: Sendable {
    var headers: [(String, String)] = []
    var keyHeader: String?
    var query: [(String, String)] = []

    init() {}

    init(_ configuration: ProviderConfiguration) {
        headers = configuration.headers.sorted { $0.key < $1.key }
        keyHeader = configuration.keyHeader
        query = configuration.query.sorted { $0.key < $1.key }
    }

    /// `spec` with the key moved to ``keyHeader`` (as it is, without `Bearer `), the configured
    /// headers set (replacing a format's own of the same name) and the query parameters added.
    func applied(to spec: HTTPRequestSpec) -> HTTPRequestSpec {
        guard !headers.isEmpty || keyHeader != nil || !query.isEmpty else { return spec }
        var spec = spec
        if let keyHeader, let index = spec.headers.firstIndex(where: { ProviderConfiguration.keyCarryingHeaders.contains($0.0.lowercased()) }) {
            let (name, value) = spec.headers.remove(at: index)
            let key = name.lowercased() == "authorization" && value.hasPrefix("Bearer ") ? String(value.dropFirst("Bearer ".count)) : value
            spec.headers.append((keyHeader, key))
        }
        for (name, value) in headers {
            spec.headers.removeAll { $0.0.lowercased() == name.lowercased() }
            spec.headers.append((name, value))
        }
        if !query.isEmpty {
            let parameters = query.map { Self.escaped($0.0) + "=" + Self.escaped($0.1) }.joined(separator: "&")
            spec.url += (spec.url.contains("?") ? "&" : "?") + parameters
        }
        return spec
    }

    /// RFC 3986's unreserved characters stay; everything else is percent-encoded.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
