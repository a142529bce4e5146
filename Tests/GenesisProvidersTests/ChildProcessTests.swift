import Foundation
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
        let server = try await FakeServer { _ in .init(chunks: [Array("late".utf8)], delay: .seconds(30)) }
        defer { Task { await server.shutdown() } }
        let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: server.baseURL), connectTimeout: .seconds(5),
                                                        idleTimeout: .seconds(60), pool: ConnectionPool())
        let child = try ChildProcess.start(["/bin/sleep", "20"]) // started while both ends are open
        defer { kill(child.pid, SIGKILL); _ = ChildProcess.wait(child.pid) }
        await server.closeClientConnections()
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { _ = try await response.collect(upTo: 1024) }
        // The close reaches the client as soon as it is made (a held copy would delay it 20 s).
        #expect(ContinuousClock.now - started < .seconds(10))
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
}
