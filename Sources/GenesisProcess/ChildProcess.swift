import CSpawn
import Foundation

/// Starts other programs with `posix_spawn`, handing them standard input from `/dev/null` (or
/// bytes of ours), their output where asked, default signal handling, and no other descriptor of ours.
///
/// The rest matters: SwiftNIO opens its sockets without close-on-exec, so a child started the
/// usual way (`popen`, a bare `posix_spawn`) keeps a copy of every connection open at that
/// moment. A connection closed here then stays open until that child exits, and the peer never
/// sees the close (a local server started by the orchestrator lives for hours; a test's tmux
/// server held a fake upstream's cut-off streams open past their idle timeout).
public enum ChildProcess {
    /// Where a child's standard output and error go.
    public enum Output: Sendable {
        case discard
        case appending(toFile: String)
        /// A pipe the caller reads (``run(_:environment:)``).
        case pipe
    }

    /// Where a child's standard input comes from.
    public enum Input: Sendable {
        case empty
        /// A socket the caller writes and then closes (``run(_:input:limits:environment:)``). A
        /// socket rather than a pipe: writing to one whose reader has gone fails with EPIPE
        /// instead of raising SIGPIPE, which would end a process that does not ignore it.
        case socket
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// A started child: its process id, the read end of its output when it goes to a pipe, and
    /// our end of its input when that is a socket.
    public struct Started: Sendable {
        public let pid: pid_t
        public let output: Int32?
        public var input: Int32? = nil
    }

    /// Starts `arguments[0]` (a path, not looked up) with `arguments`. With `newSession` it
    /// starts a session of its own, so closing the terminal that started it does not stop it.
    /// `environment` nil passes ours on.
    public static func start(_ arguments: [String], input: Input = .empty, output: Output = .discard, environment: [String: String]? = nil,
                             newSession: Bool = false) throws(Failure) -> Started {
        guard let path = arguments.first else { throw Failure(description: "nothing to start") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals as a fresh program has them: none blocked, none ignored (we ignore SIGPIPE, and a
        // thread of ours may block others; a child would inherit both).
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        var flags = Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newSession { flags |= genesis_spawn_setsid_flag() }
        posix_spawnattr_setflags(&attributes, flags)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }

        var pipeEnds: [Int32] = [-1, -1], inputEnds: [Int32] = [-1, -1]
        switch input {
        case .empty:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .socket:
            // Close-on-exec, as the output pipe below; dup2 clears it on the child's copy.
            guard genesis_socketpair_cloexec(&inputEnds) == 0 else {
                throw Failure(description: "cannot make a socket pair: \(String(cString: strerror(errno)))")
            }
            posix_spawn_file_actions_adddup2(&actions, inputEnds[1], 0)
        }
        switch output {
        case .discard:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        case .appending(let file):
            posix_spawn_file_actions_addopen(&actions, 1, file, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        case .pipe:
            // Close-on-exec here, so that no other child of ours holds the write end and keeps
            // the reader from seeing the end; dup2 clears the flag on the child's copy.
            guard genesis_pipe_cloexec(&pipeEnds) == 0 else {
                for fd in inputEnds where fd >= 0 { close(fd) }
                throw Failure(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
            }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        }
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let closing = genesis_spawn_close_from(&actions, 3)
        if closing != 0 { closeInheritable(&actions) } // a C library without closefrom: the ones open now

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in argv + (envp ?? []) { free(pointer) } }
        var pid: pid_t = 0
        func spawn() -> Int32 {
            if let envp { return posix_spawn(&pid, path, &actions, &attributes, argv, envp) }
            return posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        }
        var result = spawn()
        // "Text file busy": the binary was just written, and a process forked meanwhile (by any
        // thread of ours) still holds it open for writing until it execs. That clears in moments.
        for _ in 0..<20 where result == ETXTBSY {
            usleep(50_000)
            result = spawn()
        }
        if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
        if inputEnds[1] >= 0 { close(inputEnds[1]) }
        guard result == 0 else {
            if pipeEnds[0] >= 0 { close(pipeEnds[0]) }
            if inputEnds[0] >= 0 { close(inputEnds[0]) }
            throw Failure(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        return Started(pid: pid, output: pipeEnds[0] >= 0 ? pipeEnds[0] : nil, input: inputEnds[0] >= 0 ? inputEnds[0] : nil)
    }

    /// Runs `arguments` to the end: its exit status (128 + signal when a signal ended it) and
    /// everything it wrote to standard output and error.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws(Failure) -> (status: Int32, output: [UInt8]) {
        let child = try start(arguments, output: .pipe, environment: environment)
        var output: [UInt8] = []
        if let fd = child.output {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                output += chunk[0..<count]
            }
            close(fd)
        }
        return (wait(child.pid), output)
    }

    /// Waits for `pid` to exit: its exit status, 128 + the signal that ended it, or -1 when it
    /// cannot be waited for (not our child, or already reaped).
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Closes in the child every descriptor open now above 2 that is not close-on-exec.
    private static func closeInheritable(_ actions: inout posix_spawn_file_actions_t) {
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for fd in open where fd > 2 && fcntl(fd, F_GETFD) >= 0 && fcntl(fd, F_GETFD) & FD_CLOEXEC == 0 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}
