import Foundation
import GenesisEngine

/// Starts and stops the llama.cpp servers of `[local.NAME]`: the server runs in a session of its
/// own (it outlives the command that started it), writes its output to
/// `$XDG_STATE_HOME/genesis/local-NAME.log`, and its process id to `local-NAME.pid`.
public enum LocalServers {
    public struct Started: Sendable, Hashable {
        public var pid: Int32
        public var baseURL: String
        public var log: String
    }

    static func stateDirectory(_ environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return base + "/genesis"
    }

    public static func pidFile(_ name: String, environment: [String: String]) -> String { stateDirectory(environment) + "/local-\(name).pid" }
    public static func logFile(_ name: String, environment: [String: String]) -> String { stateDirectory(environment) + "/local-\(name).log" }

    /// The running server's process id, if its pid file names a live process that is still the
    /// server started (a pid reused by another program after the server died is not it).
    public static func runningPID(_ name: String, environment: [String: String]) -> Int32? {
        guard let text = try? String(contentsOfFile: pidFile(name, environment: environment), encoding: .utf8) else { return nil }
        let fields = text.split(separator: "\n", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = fields.first, let pid = Int32(first), pid > 0, kill(pid, 0) == 0 else { return nil }
        if fields.count > 1, let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) {
            let arguments = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.contains(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        }
        return pid
    }

    /// Starts the server and waits until `/health` says ok.
    public static func start(_ settings: LocalServerSettings, environment: [String: String]) async throws -> Started {
        let key = "local.\(settings.name)"
        guard FileManager.default.isExecutableFile(atPath: settings.binary) else {
            throw ConfigurationError(key: key + ".binary", message: "\(settings.binary) is not an executable file; point it at llama.cpp's llama-server")
        }
        guard FileManager.default.fileExists(atPath: settings.modelFile) else {
            throw ConfigurationError(key: key + ".model_file", message: "\(settings.modelFile) does not exist; point it at a .gguf model file")
        }
        if let pid = runningPID(settings.name, environment: environment) {
            throw InvalidRequestError(provider: settings.name, message: "the local server \"\(settings.name)\" is running already (process \(pid))",
                                      hint: "stop it with `genesis deploy --stop-local \(settings.name)`")
        }
        try? FileManager.default.createDirectory(atPath: stateDirectory(environment), withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let log = logFile(settings.name, environment: environment)
        let arguments = [settings.binary, "--model", settings.modelFile, "--host", "127.0.0.1", "--port", "\(settings.port)"] + settings.arguments
        let pid = try spawn(arguments, log: log)
        try "\(pid)\n\(settings.binary)\n".write(toFile: pidFile(settings.name, environment: environment), atomically: true, encoding: .utf8)
        do {
            try await waitUntilHealthy(settings, pid: pid, log: log)
        } catch {
            kill(pid, SIGTERM)
            try? FileManager.default.removeItem(atPath: pidFile(settings.name, environment: environment))
            throw error
        }
        return Started(pid: pid, baseURL: settings.baseURL, log: log)
    }

    /// Stops the server (SIGTERM, then SIGKILL after `grace`); false when it was not running.
    @discardableResult
    public static func stop(_ name: String, environment: [String: String], grace: Duration = .seconds(5)) async -> Bool {
        defer { try? FileManager.default.removeItem(atPath: pidFile(name, environment: environment)) }
        guard let pid = runningPID(name, environment: environment) else { return false }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if kill(pid, 0) != 0 { return true }
            _ = waitpid(pid, nil, WNOHANG) // reap it when it is our child
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, nil, WNOHANG)
        return true
    }

    static func waitUntilHealthy(_ settings: LocalServerSettings, pid: Int32, log: String) async throws {
        let deadline = ContinuousClock.now + settings.startupTimeout
        var last = "no answer yet"
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || kill(pid, 0) != 0 {
                throw ProviderError(.network, provider: settings.name, model: "*",
                                    message: "the local server exited while starting; its output ends with: \(tail(of: log))")
            }
            do {
                let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: settings.baseURL + "/health"),
                                                                connectTimeout: .milliseconds(500), idleTimeout: .seconds(2))
                let body = try await response.collect(upTo: 64 << 10)
                if response.status == 200 { return }
                last = "HTTP \(response.status) \(String(decoding: body, as: UTF8.self).prefix(120))"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ProviderError(.timeout, provider: settings.name, model: "*",
                            message: "the local server did not become healthy within \(Int(settings.startupTimeout.seconds)) s (last: \(last)); see \(log), or raise startup_timeout_s")
    }

    /// Starts `arguments` in a new session with its output appended to `log`.
    static func spawn(_ arguments: [String], log: String) throws -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Self.newSession)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else is inherited: a server that holds a copy of our output pipe would keep
        // whoever reads it (a script, a terminal multiplexer) waiting until the server stops.
        let inherited = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for fd in inherited where fd > 2 && fcntl(fd, F_GETFD) >= 0 && fcntl(fd, F_GETFD) & FD_CLOEXEC == 0 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        // "Text file busy": the binary was just written, and a process forked meanwhile (by any
        // thread of ours) still holds it open for writing until it execs. That clears in moments.
        for _ in 0..<20 where result == ETXTBSY {
            usleep(50_000)
            result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        }
        guard result == 0 else {
            throw ConfigurationError(key: "local", message: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// glibc's POSIX_SPAWN_SETSID (C hides it behind _GNU_SOURCE): the child starts a session of
    /// its own, so closing the terminal that started it does not stop it.
    #if os(Linux)
    static let newSession: Int16 = 0x80
    #else
    static let newSession: Int16 = 0x400
    #endif

    static func tail(of file: String) -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return "(no output)" }
        let lines = text.split(separator: "\n").suffix(3).joined(separator: " | ")
        return lines.isEmpty ? "(no output)" : String(lines.suffix(400))
    }
}
