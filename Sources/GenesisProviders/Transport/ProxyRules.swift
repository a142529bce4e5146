import GenesisEngine

/// Which proxy, if any, a request goes through, from `[network]` and the environment as curl
/// reads it: `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY` for http ones
/// (the upper-case one not in a CGI program, where a request header could set it: httpoxy),
/// `all_proxy`/`ALL_PROXY` for either, lower case first; `no_proxy`/`NO_PROXY` lists the hosts
/// reached directly. `[network] proxy` and `no_proxy` go over all of them.
public struct ProxyRules: Sendable, Hashable {
    /// A proxy and where it was named (`HTTPS_PROXY`, `[network] proxy`), for error messages.
    public struct Route: Sendable, Hashable {
        public var proxy: ProxyAddress
        public var source: String
    }

    var forHTTP: Route?
    var forHTTPS: Route?
    var bypass: NoProxy
    /// A variable that names no usable proxy, by the scheme it was for: every request it would
    /// carry fails, saying so.
    var unusable: [String: (variable: String, problem: String)]

    public static let direct = ProxyRules(forHTTP: nil, forHTTPS: nil, bypass: NoProxy(""), unusable: [:])

    public static func == (a: ProxyRules, b: ProxyRules) -> Bool {
        a.forHTTP == b.forHTTP && a.forHTTPS == b.forHTTPS && a.bypass == b.bypass && a.unusable.mapValues(\.variable) == b.unusable.mapValues(\.variable)
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(forHTTP); hasher.combine(forHTTPS) }

    public init(settings: NetworkSettings, environment: [String: String]) {
        func first(_ names: [String]) -> (String, String)? {
            names.lazy.compactMap { name in environment[name].flatMap { $0.isEmpty ? nil : (name, $0) } }.first
        }
        let isCGI = environment["REQUEST_METHOD"] != nil
        var unusable: [String: (variable: String, problem: String)] = [:]
        func route(_ named: (String, String)?, for schemes: [String]) -> Route? {
            guard let (source, text) = named else { return nil }
            if let problem = ProxyAddress.problem(text) {
                for scheme in schemes { unusable[scheme] = (source, problem) }
                return nil
            }
            return ProxyAddress.parse(text).map { Route(proxy: $0, source: source) }
        }
        let bypass = NoProxy(settings.noProxy ?? first(["no_proxy", "NO_PROXY"])?.1 ?? "")
        if let configured = settings.proxy {
            let both = route(("[network] proxy", configured), for: ["http", "https"])
            self.init(forHTTP: both, forHTTPS: both, bypass: bypass, unusable: unusable)
            return
        }
        let all = ["all_proxy", "ALL_PROXY"]
        let http = route(first(["http_proxy"] + (isCGI ? [] : ["HTTP_PROXY"]) + all), for: ["http"])
        let https = route(first(["https_proxy", "HTTPS_PROXY"] + all), for: ["https"])
        self.init(forHTTP: http, forHTTPS: https, bypass: bypass, unusable: unusable)
    }

    init(forHTTP: Route?, forHTTPS: Route?, bypass: NoProxy, unusable: [String: (variable: String, problem: String)]) {
        self.forHTTP = forHTTP
        self.forHTTPS = forHTTPS
        self.bypass = bypass
        self.unusable = unusable
    }

    /// The proxy a request to `scheme://host` goes through; nil: straight to the host.
    func route(scheme: String, host: String) throws(TransportError) -> Route? {
        let route = scheme == "https" ? forHTTPS : forHTTP, broken = unusable[scheme]
        // No proxy named (the usual case): nothing to match, on every request.
        guard route != nil || broken != nil, !bypass.matches(host) else { return nil }
        if let route { return route }
        if let (variable, problem) = broken { throw TransportError.proxy("\(variable) \(problem)") }
        return nil
    }
}

/// `NO_PROXY` as curl reads it: comma-separated; `*` alone bypasses every host; a name matches
/// itself and every name under it (a leading dot is the same as none); an IP address matches
/// itself, and an IPv4 block in CIDR form (`10.0.0.0/8`) every address in it. Case is ignored,
/// ports are not looked at.
struct NoProxy: Sendable, Hashable {
    let everything: Bool
    let names: [String]
    let blocks: [(address: UInt32, mask: UInt32)]

    init(_ list: String) {
        var names: [String] = [], blocks: [(UInt32, UInt32)] = [], everything = false
        for raw in list.split(separator: ",") {
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { everything = true; continue }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if entry.hasPrefix("["), let end = entry.firstIndex(of: "]") { entry = String(entry[entry.index(after: entry.startIndex)..<end]) }
            guard !entry.isEmpty else { continue }
            if let slash = entry.firstIndex(of: "/"), let address = Self.ipv4(String(entry[..<slash])),
               let bits = Int(entry[entry.index(after: slash)...]), (0...32).contains(bits) {
                let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
                blocks.append((address & mask, mask))
            } else {
                names.append(entry)
            }
        }
        self.everything = everything
        self.names = names
        self.blocks = blocks
    }

    static func == (a: NoProxy, b: NoProxy) -> Bool {
        a.everything == b.everything && a.names == b.names && a.blocks.map(\.address) == b.blocks.map(\.address) && a.blocks.map(\.mask) == b.blocks.map(\.mask)
    }
    func hash(into hasher: inout Hasher) { hasher.combine(names) }

    func matches(_ host: String) -> Bool {
        if everything { return true }
        let host = host.lowercased()
        if names.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { return true }
        guard !blocks.isEmpty, let address = Self.ipv4(host) else { return false }
        return blocks.contains { address & $0.mask == $0.address }
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
