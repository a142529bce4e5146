/// Genesis's version: what `genesis --version` prints, what every request's `user-agent` says
/// (`genesis/VERSION`) and what traces name as `service.version`.
public enum GenesisVersion {
    public static let current = "0.1.0"
}
