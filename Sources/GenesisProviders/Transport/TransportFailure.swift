import AsyncHTTPClient
import GenesisEngine

/// Turns what went wrong below HTTP (refused, timed out, reset) into the engine's errors.
enum TransportFailure {
    enum Phase { case connecting, streaming }

    static func map(_ error: any Error, provider: String, model: String, url: String, phase: Phase,
                    connectTimeout: Duration, idleTimeout: Duration) -> any Error {
        if error is CancellationError || error is any GenesisError { return error }
        let host = URLParts.hostAndPort(url)
        let text = String(describing: error)
        let lower = text.lowercased()
        if let client = error as? HTTPClientError {
            if client == .connectTimeout {
                return ProviderError(.timeout, provider: provider, model: model,
                                     message: "could not connect to \(host) within \(Int(connectTimeout.seconds)) s")
            }
            if client == .readTimeout {
                return ProviderError(.timeout, provider: provider, model: model,
                                     message: phase == .streaming ? "the stream stalled: no data for \(Int(idleTimeout.seconds)) s"
                                                                  : "\(host) sent no response for \(Int(idleTimeout.seconds)) s")
            }
            if client == .deadlineExceeded {
                return ProviderError(.timeout, provider: provider, model: model, message: "the request to \(host) took too long")
            }
            if client == .cancelled { return CancellationError() }
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
