import Foundation
import GenesisEngine
import GRDB
import Logging

/// Genesis's one SQLite database: conversations and their messages, the usage ledger, the
/// persistent cache and prompt history.
///
/// WAL mode, so readers never wait for the writer and several processes (two consoles, a
/// console and a script) can use it at once; writers wait up to `busyTimeout` for each other.
/// Every write is its own committed transaction, so a killed process loses nothing it had saved.
public final class Storage: Sendable {
    public let path: String
    let pool: DatabasePool
    let logger: Logger

    /// Opens (creating when needed, private to the user) and migrates the database at `path`.
    public init(path: String, busyTimeout: TimeInterval = 10,
                logger: Logger = Logger(label: "genesis.storage", factory: { _ in SwiftLogNoOpLogHandler() })) throws(StorageError) {
        self.path = path
        self.logger = logger
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
        } catch {
            throw StorageError(path: path, message: "cannot create the database: \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "genesis"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        // Several processes may open a new database at once: one creates and migrates it, the
        // others wait for its lock and then find the migrations applied.
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        // Prompts and answers are private: the file (and SQLite's -wal/-shm, which copy its mode)
        // is readable by its owner only. O_CREAT without O_TRUNC never replaces a database that
        // another process has open (FileManager.createFile writes atomically, by renaming a new
        // empty file over it, which left that process writing to an unlinked file).
        let file = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard file >= 0 else {
            throw StorageError(path: path, message: "cannot create the database: \(String(cString: strerror(errno)))")
        }
        close(file)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch {
            throw StorageError(path: path, message: "\(error)")
        }
    }

    /// `$XDG_DATA_HOME/genesis/genesis.sqlite`, or `~/.local/share/genesis/genesis.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return base + "/genesis/genesis.sqlite"
    }

    /// The database's size on disk in bytes, its WAL included.
    public var sizeOnDisk: Int {
        [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }

    /// Moves the write-ahead log into the database file and empties it.
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// The migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// Writes even when the asking task is cancelled (GRDB would refuse): what a cancelled answer
    /// had streamed, and the ledger row of a cancelled request, are exactly what must not be lost.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        let pool = self.pool
        do {
            if Task.isCancelled { return try await Task { try await pool.write(body) }.value }
            return try await pool.write(body)
        } catch {
            throw StorageError(path: path, message: "\(error)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.read(body) } catch { throw StorageError(path: path, message: "\(error)") }
    }
}

/// The database could not be opened, read or written.
public struct StorageError: GenesisError, Hashable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var provider: String? { nil }
    public var model: String? { nil }
    public var category: ErrorCategory { .configuration }
    public var description: String {
        "storage \(path): \(message). Next: check that the directory is writable, or pass --no-history to run without storage."
    }
}
