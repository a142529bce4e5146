import CSpawn
import Foundation

extension ChildProcess {
    /// How long a bounded run may take and how much it may write.
    public struct Limits: Sendable, Hashable {
        public var time: Duration
        /// Standard output and error together.
        public var outputBytes: Int

        public init(time: Duration = .seconds(30), outputBytes: Int = 1 << 20) {
            self.time = time
            self.outputBytes = outputBytes
        }
    }

    /// How a bounded run ended, and what the child wrote (standard output and error, in order, at
    /// most the limit's bytes).
    public struct Finished: Sendable, Hashable {
        public enum Ending: Sendable, Hashable {
            /// Its exit status, or 128 + the signal that ended it.
            case exited(Int32)
            /// It outlived the time limit and was killed.
            case timedOut
            /// It wrote more than the output limit and was killed.
            case wroteTooMuch
        }

        public var ending: Ending
        public var output: [UInt8]
    }

    /// Runs `arguments` (a path, not looked up) in a session of its own with `input` on its
    /// standard input, to its end, or until it outlives `limits.time` or writes more than
    /// `limits.outputBytes`: then the whole session is killed (whatever it started goes too).
    ///
    /// The waiting is done on a Dispatch thread, never on Swift's cooperative pool, so a slow child
    /// does not hold up other tasks. Input and output are interleaved (poll), so a child that
    /// writes much before it has read everything does not deadlock against us.
    public static func run(_ arguments: [String], input: [UInt8], limits: Limits,
                           environment: [String: String]? = nil) async throws(Failure) -> Finished {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Finished, Failure>, Never>) in
            DispatchQueue.global().async {
                continuation.resume(returning: runBlocking(arguments, input: input, limits: limits, environment: environment))
            }
        }
        return try result.get()
    }

    private static func runBlocking(_ arguments: [String], input: [UInt8], limits: Limits,
                                    environment: [String: String]?) -> Result<Finished, Failure> {
        let child: Started
        do { child = try start(arguments, input: .socket, output: .pipe, environment: environment, newSession: true) } catch {
            return .failure(error)
        }
        // start made both ends for .socket and .pipe.
        guard let outputFD = child.output, var inputFD = child.input else {
            return .failure(Failure(description: "no pipes to \(arguments[0])"))
        }
        for fd in [outputFD, inputFD] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let clock = ContinuousClock(), deadline = clock.now + limits.time
        var output: [UInt8] = [], written = 0, ending: Finished.Ending?
        var chunk = [UInt8](repeating: 0, count: 16_384)
        if input.isEmpty { close(inputFD); inputFD = -1 }

        exchange: while true {
            let remaining = deadline - clock.now
            guard remaining > .zero else { ending = .timedOut; break }
            var fds = [pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)]
            if inputFD >= 0 { fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            if fds[0].revents != 0 {
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
                    if count > 0 {
                        output += chunk[0..<count]
                        if output.count > limits.outputBytes {
                            output.removeLast(output.count - limits.outputBytes)
                            ending = .wroteTooMuch
                            break exchange
                        }
                        continue
                    }
                    if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { break }
                    break exchange // end of output (or an error reading it): the child is done with it
                }
            }
            if inputFD >= 0, fds.count > 1, fds[1].revents != 0 {
                let sent = input.withUnsafeBytes { bytes in
                    genesis_send_nosignal(inputFD, bytes.baseAddress.map { $0 + written }, UInt(input.count - written))
                }
                if sent > 0 { written += sent }
                // All sent, or the child stopped reading (EPIPE, reset): its input ends here.
                let failed = sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
                if written == input.count || failed {
                    close(inputFD)
                    inputFD = -1
                }
            }
        }
        if inputFD >= 0 { close(inputFD) }
        close(outputFD)

        var status: Int32 = 0
        if ending == nil {
            // Its output is closed; it exits about now. Wait, to the deadline.
            while true {
                let reaped = waitpid(child.pid, &status, WNOHANG)
                if reaped == child.pid { break }
                if reaped < 0 && errno != EINTR { status = -1; break }
                if clock.now >= deadline { ending = .timedOut; break }
                usleep(2_000)
            }
        }
        // The whole session: the child (when still there) and anything it left running.
        kill(-child.pid, SIGKILL)
        if let ending {
            _ = wait(child.pid)
            return .success(Finished(ending: ending, output: output))
        }
        let exit: Int32 = status < 0 ? -1 : (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return .success(Finished(ending: .exited(exit), output: output))
    }

    /// The first executable file named `name` in the directories of `searchPath` (a PATH value),
    /// or `name` itself when it holds a slash and is executable.
    public static func find(_ name: String, searchPath: String?) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (searchPath ?? "").split(separator: ":") where !directory.isEmpty {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
