import CNcursesw
import Foundation
import Synchronization

/// The only owner of curses: a dedicated thread that initialises the terminal, waits with
/// `poll()` on standard input and a wake-up pipe, reads keys, draws frames and restores the
/// terminal at the end. Idle, it sleeps in `poll()`: 0% CPU.
///
/// Other threads hand it frames with ``present(_:)`` (kept in a mutex; only the newest is
/// drawn) and get keys from ``events``.
public final class TerminalBackend: Sendable {
    public enum Event: Sendable {
        case keys([Key])
        case resized(width: Int, height: Int)
    }

    private struct Shared {
        var frame: Buffer?
        var stopping = false
        var resizePending = false
        var theme: Theme?
        var size = (width: 80, height: 24)
    }

    private let shared = Mutex(Shared())
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let environment: [String: String]

    /// Uses `theme` from now on (colour pairs are set up again on the curses thread).
    public func setTheme(_ theme: Theme) {
        shared.withLock { $0.theme = theme }
        wake()
    }

    private let initialTheme: Theme?

    public init(theme: Theme? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        initialTheme = theme
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
        (events, continuation) = AsyncStream<Event>.makeStream()
        self.environment = environment
    }

    public var size: (width: Int, height: Int) { shared.withLock { $0.size } }

    /// Keeps the signal sources alive; touched only by `start` and `stop`, under its lock.
    private final class SignalSources: @unchecked Sendable {
        let lock = NSLock()
        var sources: [any DispatchSourceSignal] = []
    }
    private let signals = SignalSources()

    /// Starts the curses thread and waits until the terminal is set up. Resizes (SIGWINCH) wake
    /// the curses thread; SIGTERM and SIGHUP restore the terminal before the process ends.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "genesis-terminal"
        thread.start()
        started.wait()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGWINCH, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN) // delivered through the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                if signalNumber == SIGWINCH {
                    shared.withLock { $0.resizePending = true }
                    wake()
                } else {
                    stop()
                    exit(128 + signalNumber)
                }
            }
            source.resume()
            sources.append(source)
        }
        signals.lock.withLock { signals.sources = sources }
    }

    /// Hands over the newest frame; the curses thread draws what changed.
    public func present(_ frame: Buffer) {
        shared.withLock { $0.frame = frame }
        wake()
    }

    /// Restores the terminal and ends the curses thread; returns when the terminal is back.
    public func stop() {
        let alreadyStopping = shared.withLock { s -> Bool in
            defer { s.stopping = true }
            return s.stopping
        }
        if !alreadyStopping {
            wake()
            finished.wait()
            signals.lock.withLock { signals.sources.forEach { $0.cancel() } }
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: The curses thread

    private func run() {
        setlocale(LC_ALL, "")
        guard gn_init() != gn_err() else {
            continuation.finish()
            started.signal()
            finished.signal()
            return
        }
        var palette = setUpColours(initialTheme)
        gn_enable_mouse()
        writeTerminal("\u{1B}[?2004h") // bracketed paste on
        var decoder = KeyDecoder(codes: Self.keyCodes())
        var previous: Buffer?
        updateSize()
        started.signal()

        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        loop: while true {
            fds[0].revents = 0
            fds[1].revents = 0
            _ = poll(&fds, 2, -1) // EINTR (a resize signal) falls through to reading keys
            var raw: [RawInput] = []
            var resized = false
            var ch: wint_t = 0
            while true {
                let result = gn_get_wch(&ch)
                if result == gn_err() { break }
                if result == gn_key_code_yes() {
                    let code = Int32(ch)
                    if code == gn_key_resize() { resized = true; continue }
                    if code == gn_key_mouse() {
                        var direction: Int32 = 0
                        if gn_wheel(&direction) == 0 { raw.append(.code(direction < 0 ? Self.wheelUpCode : Self.wheelDownCode)) }
                        continue
                    }
                    raw.append(.code(code))
                } else {
                    raw.append(.character(UInt32(ch)))
                }
            }
            if !raw.isEmpty {
                let keys = decoder.decode(raw)
                if !keys.isEmpty { continuation.yield(.keys(keys)) }
            }
            if resized {
                updateSize()
                previous = nil
                let size = self.size
                continuation.yield(.resized(width: size.width, height: size.height))
            }
            if fds[1].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(wakeRead, &drain, 64) > 0 {}
            }
            let (frame, stopping, resizePending, theme) = shared.withLock { s -> (Buffer?, Bool, Bool, Theme?) in
                defer { s.frame = nil; s.resizePending = false; s.theme = nil }
                return (s.frame, s.stopping, s.resizePending, s.theme)
            }
            if stopping { break loop }
            if let theme {
                palette = setUpColours(theme)
                previous = nil
            }
            if resizePending, gn_resize_to_terminal() != gn_err() {
                updateSize()
                previous = nil
                let size = self.size
                continuation.yield(.resized(width: size.width, height: size.height))
            }
            if let frame {
                draw(frame, since: previous, palette: palette)
                previous = frame
            }
        }
        writeTerminal("\u{1B}[?2004l") // bracketed paste off
        endwin()
        continuation.finish()
        finished.signal()
    }

    private func writeTerminal(_ sequence: String) {
        var bytes = Array(sequence.utf8)
        _ = write(1, &bytes, bytes.count)
    }

    private func updateSize() {
        var rows: Int32 = 0, cols: Int32 = 0
        gn_size(&rows, &cols)
        shared.withLock { $0.size = (Int(cols), Int(rows)) }
    }

    private func draw(_ frame: Buffer, since previous: Buffer?, palette: Palette) {
        let size = self.size
        guard frame.width == size.width, frame.height == size.height else { return } // a frame for an old size
        if previous == nil {
            erase()
            gn_force_repaint()
        }
        // Per role, once per frame rather than per cell: its attributes and colour pair.
        let roles = Style.Role.allCases.map { (attributes: attrs(palette.entries[$0]), pair: Int16(($0.pairIndex) + 1)) }
        var scalars: [wchar_t] = []
        scalars.reserveCapacity(6)
        for change in frame.changes(since: previous) where !change.cell.isContinuation {
            scalars.removeAll(keepingCapacity: true)
            change.cell.glyph.forEachScalar { scalars.append(wchar_t(bitPattern: $0)) }
            scalars.append(0)
            let role = roles[change.cell.style.role.pairIndex]
            var attributes = role.attributes
            if change.cell.style.bold { attributes |= gn_bold() }
            if change.cell.style.reverse { attributes |= gn_reverse() }
            _ = scalars.withUnsafeBufferPointer { gn_put_cell(Int32(change.y), Int32(change.x), $0.baseAddress, attributes, role.pair) }
        }
        refresh()
    }

    private func attrs(_ entry: Palette.Entry?) -> attr_t {
        guard let entry else { return 0 }
        var a: attr_t = 0
        if entry.bold { a |= gn_bold() }
        if entry.dim { a |= gn_dim() }
        if entry.underline { a |= gn_underline() }
        if entry.reverse { a |= gn_reverse() }
        return a
    }

    private func setUpColours(_ theme: Theme?) -> Palette {
        let hasColour = has_colors()
        if hasColour {
            start_color()
            use_default_colors()
        }
        let depth = Palette.depth(colors: hasColour ? Int(gn_colors()) : 0, environment: environment)
        let palette = theme?.palette(depth: depth) ?? Palette.dark(depth: depth)
        if depth != .none {
            for (index, role) in Style.Role.allCases.enumerated() {
                let entry = palette.entries[role]
                init_pair(Int16(index + 1), entry?.foreground ?? -1, entry?.background ?? -1)
            }
        }
        return palette
    }

    static let wheelUpCode: Int32 = -1001
    static let wheelDownCode: Int32 = -1002

    static func keyCodes() -> [Int32: Key] {
        var codes: [Int32: Key] = [
            gn_key_up(): .up, gn_key_down(): .down, gn_key_left(): .left, gn_key_right(): .right,
            gn_key_home(): .home, gn_key_end(): .end, gn_key_backspace(): .backspace, gn_key_dc(): .delete,
            gn_key_ppage(): .pageUp, gn_key_npage(): .pageDown, gn_key_enter(): .enter, gn_key_btab(): .backTab,
            wheelUpCode: .wheelUp, wheelDownCode: .wheelDown,
        ]
        for n in 1...12 { codes[gn_key_f(Int32(n))] = .function(n) }
        return codes
    }
}
