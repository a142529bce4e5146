import Foundation
import GenesisEngine
import GenesisProcess

/// Starts and stops the llama.cpp servers of `[local.NAME]`: the server runs in a session of its
/// own (it outlives the command that started it), writes its output to
/// `$XDG_STATE_HOME/genesis/local-NAME.log`, and its process id to `local-NAME.pid`.
public enum LocalServers {
    /// The servers Genesis starts are on this machine: asked straight, never through a proxy.

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
                                                                connectTimeout: .milliseconds(500), idleTimeout: .seconds(2), pool: .localProbes)
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

    /// Starts `arguments` in a new session with its output appended to `log`. Nothing else of
    /// ours is inherited: a server that holds a copy of our output pipe would keep whoever reads it
    /// (a script, a terminal multiplexer) waiting until the server stops, and one holding our
    /// connections would keep them open after we closed them.
    static func spawn(_ arguments: [String], log: String) throws -> Int32 {
        do {
            return try ChildProcess.start(arguments, output: .appending(toFile: log), newSession: true).pid
        } catch {
            throw ConfigurationError(key: "local", message: error.description)
        }
    }

    static func tail(of file: String) -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return "(no output)" }
        let lines = text.split(separator: "\n").suffix(3).joined(separator: " | ")
        return lines.isEmpty ? "(no output)" : String(lines.suffix(400))
    }
}
