import Foundation
import GenesisEngine
import Logging
import Synchronization

enum Logging {
    /// The CLI's logger: info and up to `$XDG_STATE_HOME/genesis/genesis.log` (private to the
    /// user), and with `--verbose` to standard error too; without it, budget alerts alone go to
    /// standard error as `genesis: ...` lines when `alerts` is set (not in the console, whose
    /// screen shows them). Every line is redacted: the keys Genesis holds and anything shaped like
    /// a key never reach either.
    static func logger(verbose: Bool, alerts: Bool = true, secrets: [String] = [],
                       environment: [String: String] = ProcessInfo.processInfo.environment) -> Logger {
        let file = LogFile.shared(path: logPath(environment: environment))
        let secrets = secrets
        var logger = Logger(label: "genesis") { label in
            var handlers: [any LogHandler] = []
            if let file { handlers.append(RedactingLogHandler(label: label, secrets: secrets, sink: .file(file))) }
            if verbose {
                handlers.append(RedactingLogHandler(label: label, secrets: secrets, sink: .standardError))
            } else if alerts {
                handlers.append(RedactingLogHandler(label: label, secrets: secrets, sink: .alertsToStandardError))
            }
            return handlers.isEmpty ? SwiftLogNoOpLogHandler() : MultiplexLogHandler(handlers)
        }
        logger.logLevel = .info
        return logger
    }

    /// `$XDG_STATE_HOME/genesis/genesis.log`, or `~/.local/state/genesis/genesis.log`.
    static func logPath(environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return base + "/genesis/genesis.log"
    }
}

/// An append-only log file, created private to the user.
final class LogFile: Sendable {
    let path: String
    private let descriptor: Int32
    private let lock = Mutex(())
    private static let opened = Mutex<[String: LogFile]>([:])

    static func shared(path: String) -> LogFile? {
        opened.withLock { files in
            if let file = files[path] { return file }
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return nil } // no log file is not a reason to fail a command
            let file = LogFile(path: path, descriptor: fd)
            files[path] = file
            return file
        }
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    func write(_ line: String) {
        lock.withLock { _ in
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { buffer in _ = Foundation.write(descriptor, buffer.baseAddress, buffer.count) }
        }
    }
}

/// One line per message, `2026-11-25T15:45:07Z warning genesis: message key=value`, redacted.
struct RedactingLogHandler: LogHandler {
    enum Sink: Sendable {
        case file(LogFile)
        case standardError
        /// Budget alerts only, as `genesis: MESSAGE` notices.
        case alertsToStandardError
    }

    let label: String
    let secrets: [String]
    let sink: Sink
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    init(label: String, secrets: [String], sink: Sink) {
        self.label = label
        self.secrets = secrets
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if case .alertsToStandardError = sink {
            guard event.metadata?[BudgetAlert.logMetadataKey] != nil else { return }
            Terminal.err(Redactor.redact("genesis: \(event.message)", keys: secrets) + "\n")
            return
        }
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let stamp = Date().formatted(.iso8601)
        let text = "\(stamp) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)"
        let line = Redactor.redact(text, keys: secrets) + "\n"
        switch sink {
        case .file(let file): file.write(line)
        case .standardError, .alertsToStandardError: Terminal.err(line)
        }
    }
}
