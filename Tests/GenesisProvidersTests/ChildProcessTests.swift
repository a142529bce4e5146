import Foundation
import GenesisProcess
@testable import GenesisProviders
import GenesisTestSupport
import NIOCore
import Testing

/// `ChildProcess`: a child gets standard input, output and error, and none of our other
/// descriptors (SwiftNIO's sockets are not close-on-exec, and a child holding a copy keeps a
/// connection we closed open).
@Suite("Child processes")
struct ChildProcessTests {
    /// The descriptors a shell started as a child has open.
    static func descriptorsOfAChild() throws -> Set<String> {
        let (status, output) = try ChildProcess.run(["/bin/sh", "-c", "ls /proc/$$/fd"])
        #expect(status == 0)
        return Set(String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init))
    }

    @Test("a socket of ours that is not close-on-exec stays with us")
    func socketsAreNotInherited() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(socketFD >= 0)
        let high = fcntl(socketFD, F_DUPFD, 300) // a number the shell would not open for itself
        defer { close(socketFD); close(high) }
        #expect(high >= 300 && fcntl(high, F_GETFD) & FD_CLOEXEC == 0)
        let open = try Self.descriptorsOfAChild()
        #expect(open.isSuperset(of: ["0", "1", "2"]))
        #expect(!open.contains("\(high)"), "the child holds our socket: \(open.sorted())")
    }

    @Test("run returns the exit status and what the child wrote to standard output and error, in order; a signal ends it as 128 + the signal, whatever we ignore or block")
    func runCollectsStatusAndOutput() throws {
        let (status, output) = try ChildProcess.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(status == 3)
        #expect(String(decoding: output, as: UTF8.self) == "out\nerr\n")
        #expect(try ChildProcess.run(["/bin/sh", "-c", "kill -TERM $$"]).status == 128 + SIGTERM)
    }

    @Test("a connection our server closes while a child runs is closed for the client at once, not when the child exits")
    func aClosedConnectionIsNotHeldOpenByAChild() async throws {
        let server = try await FakeServer { _ in .init(chunks: [Array("late".utf8)], delay: .seconds(120)) }
        defer { Task { await server.shutdown() } }
        let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: server.baseURL), connectTimeout: .seconds(5),
                                                        idleTimeout: .seconds(60), pool: ConnectionPool())
        let child = try ChildProcess.start(["/bin/sleep", "90"]) // started while both ends are open
        defer { kill(child.pid, SIGKILL); _ = ChildProcess.wait(child.pid) }
        await server.closeClientConnections()
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { _ = try await response.collect(upTo: 1024) }
        // The close reaches the client when it is made, not when the child exits (a held copy
        // would delay it until then); the bound leaves room for a busy machine.
        #expect(ContinuousClock.now - started < .seconds(45))
    }

    @Test("a program that is not there is an error naming it")
    func missingProgram() {
        #expect { try ChildProcess.run(["/nonexistent/program"]) } throws: { error in
            "\(error)".contains("cannot start /nonexistent/program") && "\(error)".contains("No such file")
        }
    }

    @Test("the environment given is the child's whole environment; standard input is empty")
    func environmentAndInput() throws {
        let (_, output) = try ChildProcess.run(["/bin/sh", "-c", "echo \"$ONLY:$HOME\"; cat; echo end"], environment: ["ONLY": "this"])
        #expect(String(decoding: output, as: UTF8.self) == "this:\nend\n")
    }

    @Test("a bounded run hands the child our bytes on standard input, more than a pipe holds, and returns what it wrote")
    func boundedRunWithInput() async throws {
        let input = Array(String(repeating: "abcdefgh", count: 40_000).utf8) // 320 KB: the child writes while we still write
        let finished = try await ChildProcess.run(["/bin/sh", "-c", "cat; echo done >&2; exit 4"], input: input, limits: .init(time: .seconds(60)))
        #expect(finished.ending == .exited(4))
        #expect(finished.output == input + Array("done\n".utf8))
    }

    @Test("a bounded run past its time is killed with all it started; one that writes too much is killed at the limit")
    func boundedRunLimits() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("orphan-\(UUID())").path
        // The grandchild would write the marker after 3 s; killing the session stops it too.
        let slow = try await ChildProcess.run(["/bin/sh", "-c", "(sleep 3; touch \(marker)) & echo started; sleep 30"], input: [],
                                              limits: .init(time: .milliseconds(500)))
        #expect(slow.ending == .timedOut && String(decoding: slow.output, as: UTF8.self) == "started\n")
        try await Task.sleep(for: .seconds(4))
        #expect(!FileManager.default.fileExists(atPath: marker), "a process the child started outlived the kill")
        let loud = try await ChildProcess.run(["/bin/sh", "-c", "yes"], input: [], limits: .init(time: .seconds(60), outputBytes: 10_000))
        #expect(loud.ending == .wroteTooMuch && loud.output.count == 10_000)
    }

    @Test("a child that stops reading its input early is not an error of ours (no SIGPIPE)")
    func boundedRunInputNotRead() async throws {
        let finished = try await ChildProcess.run(["/bin/sh", "-c", "exit 0"], input: Array(repeating: 65, count: 1 << 20), limits: .init())
        #expect(finished.ending == .exited(0))
    }

    @Test("find looks a program up in a PATH value")
    func findOnPath() {
        #expect(ChildProcess.find("sh", searchPath: "/nonexistent:/bin") == "/bin/sh")
        #expect(ChildProcess.find("sh", searchPath: "/nonexistent") == nil)
        #expect(ChildProcess.find("/bin/sh", searchPath: nil) == "/bin/sh")
    }
}
