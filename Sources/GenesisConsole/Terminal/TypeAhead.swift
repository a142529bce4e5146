#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Keys typed while the console starts, before curses owns the terminal, arrive as typed.
///
/// A terminal in its normal (cooked) mode turns Return into a newline as the key arrives
/// (`ICRNL`), long before curses switches that off: a prompt typed ahead and sent with Return
/// reached the console as Ctrl-J, a line break in the prompt, and was never sent.
/// ``keepReturns(fd:)`` turns that one translation off from the console's first moment;
/// ``restore()``, also run when the process exits, puts the terminal back as it was found.
/// Curses saves and restores its own modes in between. (A process killed by a signal before
/// curses starts runs neither; shells put the terminal back after a job a signal ended, as bash
/// does, and not after one that exited normally, which is why the exit is covered.)
public enum TypeAhead {
    private static let saved = Mutex<(fd: Int32, modes: termios)?>(nil)

    /// Turns off Return-to-newline translation on the terminal `fd`; false when `fd` is not a
    /// terminal or its modes cannot be read or set (nothing is changed then).
    @discardableResult
    public static func keepReturns(fd: Int32 = STDIN_FILENO) -> Bool {
        var modes = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &modes) == 0 else { return false }
        let original = modes
        let first = saved.withLock { saved -> Bool in
            guard saved == nil else { return false }
            saved = (fd, original)
            return true
        }
        guard first else { return true }
        modes.c_iflag &= ~tcflag_t(ICRNL)
        guard tcsetattr(fd, TCSANOW, &modes) == 0 else {
            saved.withLock { $0 = nil }
            return false
        }
        atexit { TypeAhead.restore() }
        return true
    }

    /// Puts the terminal back as ``keepReturns(fd:)`` found it; does nothing the second time.
    public static func restore() {
        guard let (fd, modes) = saved.withLock({ saved in defer { saved = nil }; return saved }) else { return }
        var original = modes
        _ = tcsetattr(fd, TCSANOW, &original)
    }
}
