import Logging

enum Logging {
    /// The CLI's logger: warnings and up to standard error with `--verbose`, nothing otherwise
    /// (standard output carries answers only).
    static func logger(verbose: Bool) -> Logger {
        guard verbose else { return Logger(label: "genesis", factory: { _ in SwiftLogNoOpLogHandler() }) }
        var logger = Logger(label: "genesis", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .info
        return logger
    }
}
