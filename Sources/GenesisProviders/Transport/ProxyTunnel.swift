import NIOCore
import NIOExtras
import NIOHTTP1

/// The `CONNECT` tunnel through a proxy to an https server: its handlers' names, and its
/// failures in words.
enum ProxyTunnel {
    static let encoder = "genesis.proxy.encoder", decoder = "genesis.proxy.decoder", connect = "genesis.proxy.connect"

    /// Asks the proxy on `channel` for a tunnel to `host:port` and, once it says 200, takes the
    /// HTTP handlers off again (one after another, as each goes), leaving a bare byte stream to
    /// the server for TLS.
    static func open(on channel: any Channel, to host: String, port: Int, route: ProxyRules.Route, timeout: Duration) async throws {
        let opened = channel.eventLoop.makePromise(of: Void.self)
        do {
            try await channel.eventLoop.submit {
                var headers = HTTPHeaders()
                if let authorization = route.proxy.authorization { headers.add(name: "proxy-authorization", value: authorization) }
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(HTTPRequestEncoder(), name: encoder)
                try operations.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)), name: decoder)
                try operations.addHandler(NIOHTTP1ProxyConnectHandler(targetHost: host, targetPort: port, headers: headers,
                                                                      deadline: .now() + TimeAmount(timeout), promise: opened), name: connect)
            }.get()
        } catch {
            opened.fail(error) // never left pending: NIO traps on a promise dropped unfulfilled
            throw error
        }
        try await opened.futureResult.get()
        // The CONNECT handler took itself off as it succeeded.
        for name in [decoder, encoder] {
            try await channel.pipeline.removeHandler(name: name).get()
        }
    }

    static func failure(_ error: any Error, route: ProxyRules.Route, host: String, port: Int) -> TransportError {
        let proxy = "the proxy at \(route.proxy) (\(route.source))"
        guard let refusal = error as? NIOHTTP1ProxyConnectHandler.Error else {
            return .proxy("\(proxy) did not open a tunnel to \(host):\(port): \(error)")
        }
        if refusal == .proxyAuthenticationRequired() {
            return .proxy("\(proxy) answered 407: it needs credentials; put them in the proxy URL, http://user:password@host:port")
        }
        if refusal == .httpProxyHandshakeTimeout() {
            return .proxy("\(proxy) did not answer the CONNECT to \(host):\(port) in time")
        }
        let said = String(describing: refusal)
        let status = said.firstMatch(of: /status: ([^,]+)/).map { "answered \($0.1)" } ?? said.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
        return .proxy("\(proxy) refused the CONNECT to \(host):\(port) (\(status)); check that it lets Genesis reach that host")
    }
}
