import GenesisEngine
import NIOHTTP1

/// Turns what went wrong below HTTP (refused, timed out, reset) into the engine's errors.
enum TransportFailure {
    enum Phase { case connecting, streaming }

    static func map(_ error: any Error, provider: String, model: String, url: String, phase: Phase,
                    connectTimeout: Duration, idleTimeout: Duration) -> any Error {
        if error is CancellationError || error is any GenesisError { return error }
        let host = URLParts.hostAndPort(url)
        let text = String(describing: error)
        let lower = text.lowercased()
        switch error as? TransportError {
        case .connectTimeout?:
            return ProviderError(.timeout, provider: provider, model: model,
                                 message: "could not connect to \(host) within \(Int(connectTimeout.seconds)) s")
        case .idleTimeout?:
            return ProviderError(.timeout, provider: provider, model: model,
                                 message: phase == .streaming ? "the stream stalled: no data for \(idleTimeout.seconds) s"
                                                              : "\(host) sent no response for \(idleTimeout.seconds) s")
        case .invalidURL(let url)?:
            return ConfigurationError(key: "providers.\(provider).base_url", message: "\"\(url)\" is not a usable http(s) URL")
        case .deadlineExceeded?:
            return ProviderError(.timeout, provider: provider, model: model,
                                 message: phase == .streaming ? "the request's deadline passed in the middle of the answer"
                                                              : "the request's deadline passed before \(host) answered")
        case .bodyTooLarge(let limit)?:
            return ProviderError(.server, provider: provider, model: model, message: "the response from \(host) is larger than \(limit) bytes")
        case .proxy(let words)?:
            return ProviderError(.network, provider: provider, model: model, message: words)
        case .trust(let words)?:
            return ConfigurationError(key: "network.ca_file", message: words)
        case .closedEarly?, nil:
            break
        }
        if let parserError = error as? HTTPParserError, parserError != .invalidEOFState { // not a connection that closed mid-body
            // A response the HTTP parser refuses (a control character in a header, a broken
            // status line) came from the server or a proxy in between: it was reached.
            return ProviderError(.server, provider: provider, model: model,
                                 message: "\(host) answered with something that is not valid HTTP (\(Self.short(text))); the server, or a proxy between, is misbehaving")
        }
        if error is NIOHTTPDecompression.DecompressionError || error is NIOHTTPDecompression.ExtraDecompressionError {
            // The body ended, or went on, where its gzip or deflate stream says it cannot.
            return ProviderError(.server, provider: provider, model: model,
                                 message: "\(host) sent a body marked content-encoding gzip or deflate that does not decompress (\(Self.short(text))); the server, or a proxy between, is misbehaving")
        }
        if phase == .streaming {
            return ProviderError(.brokenStream, provider: provider, model: model,
                                 message: "the connection to \(host) broke in the middle of the answer (\(Self.short(text)))")
        }
        if lower.contains("refused") {
            return ProviderError(.network, provider: provider, model: model,
                                 message: "cannot connect to \(host): connection refused; is the server running, and is the base URL right?")
        }
        if lower.contains("timeout") || lower.contains("timed out") {
            return ProviderError(.timeout, provider: provider, model: model, message: "connecting to \(host) timed out")
        }
        return ProviderError(.network, provider: provider, model: model, message: "cannot reach \(host): \(Self.short(text))")
    }

    private static func short(_ text: String) -> String {
        text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}

/// URL helpers that never show a query string (where some APIs would put a key).
enum URLParts {
    static func hostAndPort(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "the server" }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// `base` without one trailing slash, joined to `path`.
    static func join(_ base: String, _ path: String) -> String {
        var base = base
        if base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}

import Foundation
import NIOHTTPCompression
