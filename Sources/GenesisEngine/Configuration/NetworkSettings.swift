/// How Genesis reaches the network (`[network]` in the configuration): a proxy and the hosts
/// that bypass it, and a certificate authority to trust besides the system's. Each one set here
/// goes over what the environment says (`HTTPS_PROXY`, `NO_PROXY`, `SSL_CERT_FILE`, ...).
public struct NetworkSettings: Sendable, Hashable {
    /// `http://[user:password@]host:port`, for every request.
    public var proxy: String?
    /// Hosts reached directly, as `NO_PROXY` lists them: `localhost,.corp.example,10.0.0.0/8`.
    public var noProxy: String?
    /// A PEM file of certificate authorities trusted besides the system's.
    public var caFile: String?

    public init(proxy: String? = nil, noProxy: String? = nil, caFile: String? = nil) {
        self.proxy = proxy
        self.noProxy = noProxy
        self.caFile = caFile
    }
}
