import Foundation
import GenesisEngine
import NIOCore
import NIOSSL
import Synchronization

/// A provider that keeps its connections in a pool of its own: raw requests sent through
/// ``HTTPStreamingCall/send(_:connectTimeout:idleTimeout:deadline:pool:readPacing:)`` with this
/// pool reuse the provider's connections (the benchmark's bare client does, so both paths share one).
public protocol PooledConnections: Sendable {
    var connections: ConnectionPool { get }
}

/// Connections kept alive after a complete response, by `scheme://host:port`, newest first out.
/// A kept connection is closed after `maxIdle` unused, when the server closes it, or when it
/// sends anything while nobody asked. The pool also says how its connections are made: through
/// which proxy (``ProxyRules``), trusting which certificate authorities (``TrustRoots``).
public final class ConnectionPool: Sendable {
    /// As many as a batch or a gateway-style load keeps busy at once: at 8, the load run (200
    /// streams over four hosts) opened a connection for one request in three. Idle ones still
    /// close after `maxIdle`.
    static let maxPerHost = 64
    static let maxIdle: Duration = .seconds(30)

    private struct Kept {
        let channel: any Channel
        let since: ContinuousClock.Instant
    }

    private let kept = Mutex<[String: [Kept]]>([:])
    let rules: ProxyRules
    let trust: TrustRoots

    /// A pool that goes through the proxy `network` and the environment name, trusting the
    /// certificate authorities they name besides the system's.
    public init(network: NetworkSettings = NetworkSettings(), environment: [String: String] = ProcessInfo.processInfo.environment) {
        rules = ProxyRules(settings: network, environment: environment)
        trust = TrustRoots(network: network, environment: environment)
    }

    /// A pool that connects straight to every host, whatever the environment says (probes of
    /// local servers on loopback).
    public static func direct() -> ConnectionPool { ConnectionPool(environment: [:]) }

    /// The one pool for probes of local ports (discovery, local servers' readiness): straight,
    /// never through a proxy the environment names.
    static let localProbes = direct()

    /// The TLS context for https connections (one per set of trusted authorities, made once).
    func tls() throws(TransportError) -> NIOSSLContext { try trust.context() }

    /// A pool that goes (its provider went) closes what it kept.
    deinit {
        for list in kept.withLock({ $0.values }) { for entry in list { entry.channel.close(promise: nil) } }
    }

    /// A live connection to `key` kept less than `maxIdle`, if there is one.
    func take(_ key: String) -> (any Channel)? {
        var stale: [any Channel] = []
        let found = kept.withLock { kept -> (any Channel)? in
            while let last = kept[key]?.popLast() {
                if last.channel.isActive, ContinuousClock.now - last.since < Self.maxIdle { return last.channel }
                stale.append(last.channel)
            }
            return nil
        }
        for channel in stale { channel.close(promise: nil) }
        return found
    }

    /// Keeps `channel` (on its event loop, its request's handlers already gone).
    func put(_ channel: any Channel, key: String) {
        guard channel.isActive, (try? channel.pipeline.syncOperations.addHandler(KeptConnectionGuard())) != nil else {
            channel.close(promise: nil)
            return
        }
        let kept = kept.withLock { kept -> Bool in
            guard kept[key, default: []].count < Self.maxPerHost else { return false }
            kept[key, default: []].append(Kept(channel: channel, since: .now))
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Drops `channel` (it closed).
    func forget(_ channel: any Channel, key: String) {
        kept.withLock { $0[key]?.removeAll { $0.channel === channel } }
    }

    /// How many connections are kept (for tests).
    var count: Int { kept.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
