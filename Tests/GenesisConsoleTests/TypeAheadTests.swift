#if canImport(Glibc)
import Glibc
#endif
@testable import GenesisConsole
import Testing

/// Keys typed before curses starts, on a pseudo-terminal: the line discipline translates them
/// as they arrive, so what a console reads once raw shows what the typist's Return became.
@Suite("Keys typed ahead of the console", .serialized)
struct TypeAheadTests {
    /// A pseudo-terminal in the kernel's default (cooked) modes: the typist's side and the program's side.
    final class PseudoTerminal {
        let typist: Int32, program: Int32

        init() throws {
            // posix_openpt and friends are hidden from Swift's Glibc; these are their ioctls.
            let unlock: UInt = 0x4004_5431 /* TIOCSPTLCK */, number: UInt = 0x8004_5430 /* TIOCGPTN */
            typist = open("/dev/ptmx", O_RDWR | O_NOCTTY)
            var locked: Int32 = 0, index: UInt32 = 0
            guard typist >= 0, ioctl(typist, unlock, &locked) == 0, ioctl(typist, number, &index) == 0 else {
                throw PseudoTerminalFailure()
            }
            program = open("/dev/pts/\(index)", O_RDWR | O_NOCTTY)
            guard program >= 0 else { throw PseudoTerminalFailure() }
        }

        deinit { close(program); close(typist) }

        /// Types `text` and returns once the line discipline has taken all of it in (it does so
        /// on a kernel worker, later): what it echoes back to the typist says when.
        func type(_ text: String) {
            var bytes = Array(text.utf8)
            _ = write(typist, &bytes, bytes.count)
            var echoed = 0, quiet = 0
            while echoed < bytes.count, quiet < 50 {
                var waiting = pollfd(fd: typist, events: Int16(POLLIN), revents: 0)
                guard poll(&waiting, 1, 100) > 0 else { quiet += 1; continue }
                var buffer = [UInt8](repeating: 0, count: 64)
                echoed += max(0, read(typist, &buffer, buffer.count))
            }
        }

        /// The first `count` bytes the program reads once it switches to raw mode, as curses does
        /// (the line discipline may hand typed bytes on in more than one piece).
        func readRaw(count: Int) -> String {
            var modes = termios()
            _ = tcgetattr(program, &modes)
            cfmakeraw(&modes)
            modes.c_cc.5 = 1 // VTIME: a tenth of a second
            modes.c_cc.6 = 0 // VMIN
            _ = tcsetattr(program, TCSANOW, &modes)
            var bytes: [UInt8] = [], attempts = 0
            while bytes.count < count, attempts < 50 { // at most ~5 s
                var buffer = [UInt8](repeating: 0, count: 64)
                let got = read(program, &buffer, buffer.count)
                if got > 0 { bytes += buffer.prefix(got) } else { attempts += 1 }
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        var translatesReturn: Bool {
            var modes = termios()
            _ = tcgetattr(program, &modes)
            return modes.c_iflag & tcflag_t(ICRNL) != 0
        }
    }

    struct PseudoTerminalFailure: Error {}

    @Test func aCookedTerminalTurnsReturnIntoANewline() throws {
        let terminal = try PseudoTerminal()
        terminal.type("hi\r")
        #expect(terminal.readRaw(count: 3) == "hi\n") // the console would see Ctrl-J: a line break, not Enter
    }

    @Test func keptReturnsArriveAsReturnOnceTheConsoleIsRaw() throws {
        let terminal = try PseudoTerminal()
        #expect(TypeAhead.keepReturns(fd: terminal.program))
        defer { TypeAhead.restore() }
        terminal.type("hi\r")
        #expect(terminal.readRaw(count: 3) == "hi\r")
    }

    @Test func restoreGivesTheTerminalBackItsTranslation() throws {
        let terminal = try PseudoTerminal()
        #expect(TypeAhead.keepReturns(fd: terminal.program))
        #expect(!terminal.translatesReturn)
        TypeAhead.restore()
        #expect(terminal.translatesReturn)
        TypeAhead.restore() // a second time changes nothing
        #expect(terminal.translatesReturn)
    }

    @Test func aFileThatIsNoTerminalIsLeftAlone() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        #expect(!TypeAhead.keepReturns(fd: fds[0]))
    }
}
