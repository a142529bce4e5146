import ArgumentParser
import Foundation
import GenesisEngine

/// Standard output and error: written unbuffered so streamed text appears as it arrives, and
/// under one policy for every byte Genesis writes.
///
/// - To a terminal, text goes through the ``Sanitizer`` in `.terminal` mode: escape sequences and
///   control characters other than newline and tab are removed.
/// - To a pipe or a file, escape sequences are removed and everything else stays
///   (`.escapesOnly`); an answer written with `--raw` is written exactly as the model gave it
///   (``AnswerWriter``).
/// - A write never traps: a reader that went away (EPIPE) or a full disk (ENOSPC) is an
///   ``OutputError``, which ends the command (``GenesisCommand/runMain(arguments:)``).
enum Terminal {
    static var stdinIsTerminal: Bool { isatty(0) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Whether Genesis may colour what it writes to `descriptor`: a terminal, and `NO_COLOR`
    /// unset or empty (no-color.org).
    static func colours(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// What text written to `descriptor` must lose.
    static func mode(for descriptor: Int32) -> Sanitizer.Mode {
        isatty(descriptor) == 1 ? .terminal : .escapesOnly
    }

    /// Writes text to standard output, cleaned for where it goes.
    static func out(_ text: String) throws(OutputError) {
        try write(Sanitizer.clean(text, mode(for: 1)), to: 1)
    }

    /// Writes text to standard error, cleaned for where it goes. A standard error that cannot be
    /// written has nowhere to say so: the text is dropped.
    static func err(_ text: String) {
        try? write(Sanitizer.clean(text, mode(for: 2)), to: 2)
    }

    /// Writes `text` as it is: every byte, retried after a signal or a full non-blocking pipe.
    static func write(_ text: String, to descriptor: Int32) throws(OutputError) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written >= 0 { offset += written; continue }
            switch errno {
            case EINTR: continue
            case EAGAIN:
                var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, -1)
            case EPIPE: throw .closed(descriptor: descriptor)
            case let code: throw .failed(descriptor: descriptor, errno: code)
            }
        }
    }

    /// All of standard input as text.
    /// Standard input as text; bytes that are not UTF-8 are an error naming where they are
    /// (never silently replaced).
    static func readStandardInput() throws -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        if let text = String(validating: data, as: UTF8.self) { return text }
        throw InvalidRequestError(message: "standard input is not valid UTF-8 text (the first bad byte is at offset \(firstInvalidOffset(data))); nothing was sent",
                                  hint: "convert it first, e.g. with iconv -t UTF-8")
    }

    /// Refuses a prompt given as an argument whose bytes were not UTF-8: Swift decodes the
    /// command line with replacement characters, so the raw argument is checked here.
    static func checkArgumentIsUTF8(_ argument: String) throws {
        guard argument.unicodeScalars.contains("\u{FFFD}") else { return }
        for index in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
            guard String(validating: bytes, as: UTF8.self) == nil, String(decoding: bytes, as: UTF8.self) == argument else { continue }
            throw InvalidRequestError(message: "the prompt argument is not valid UTF-8 text (the first bad byte is at offset \(firstInvalidOffset(bytes))); nothing was sent",
                                      hint: "convert it first, e.g. with iconv -t UTF-8, or pipe it on standard input")
        }
    }

    /// Where the first byte that is not UTF-8 stands.
    static func firstInvalidOffset<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int {
        var offset = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while case .scalarValue(let scalar) = decoder.decode(&iterator) { offset += String(scalar).utf8.count }
        return offset
    }
}

/// Standard output or error could not be written.
enum OutputError: Error, CustomStringConvertible {
    /// The reader went away (EPIPE): `genesis ask ... | head -c 20`. The command ends quietly
    /// with exit status 141, as a shell reports a command SIGPIPE ended.
    case closed(descriptor: Int32)
    /// Any other failure, such as ENOSPC (`> /dev/full`): the command ends with exit status 74
    /// and says so on standard error.
    case failed(descriptor: Int32, errno: Int32)

    static let closedExitCode: Int32 = 141
    static let failedExitCode: Int32 = 74

    var exitCode: Int32 {
        switch self {
        case .closed: Self.closedExitCode
        case .failed: Self.failedExitCode
        }
    }

    var description: String {
        switch self {
        case .closed(let descriptor):
            "\(Self.name(descriptor)) was closed by its reader"
        case .failed(let descriptor, let code):
            "cannot write to \(Self.name(descriptor)): \(String(cString: strerror(code)))\(code == ENOSPC ? " (ENOSPC); free some space or write elsewhere" : "")"
        }
    }

    private static func name(_ descriptor: Int32) -> String {
        descriptor == 1 ? "standard output" : descriptor == 2 ? "standard error" : "descriptor \(descriptor)"
    }
}

/// Writes one answer to standard output as it streams: cleaned for where it goes by one
/// sanitizer for the whole answer (a sequence split across deltas is still removed), or exactly
/// as the model gave it with `--raw`.
struct AnswerWriter {
    private var sanitizer: Sanitizer?
    /// How many characters reached standard output.
    private(set) var written = 0

    static let rawHelp: ArgumentHelp = "Write answers exactly as the model gave them, escape sequences included (by default they are removed; on a terminal, other control characters too)."

    init(raw: Bool) {
        sanitizer = raw ? nil : Sanitizer(Terminal.mode(for: 1))
    }

    mutating func write(_ text: String) throws(OutputError) {
        let clean = sanitizer?.clean(text) ?? text
        try Terminal.write(clean, to: 1)
        written += clean.count
    }
}

/// Writes a model's reasoning to standard error as it streams, dimmed on a terminal, so that
/// standard output holds only the answer. The reasoning is cleaned as every other text is; the
/// dimming is Genesis's own.
struct ReasoningWriter {
    private var sanitizer = Sanitizer(Terminal.mode(for: 2))
    private let dim = Terminal.colours(2)
    private var open = false

    mutating func write(_ text: String) {
        let clean = sanitizer.clean(text)
        guard !clean.isEmpty else { return }
        open = true
        try? Terminal.write(dim ? "\u{1B}[2m" + clean + "\u{1B}[22m" : clean, to: 2)
    }

    /// The reasoning is over (the answer begins, or the stream ended): ends its line.
    mutating func close() {
        guard open else { return }
        open = false
        try? Terminal.write("\n", to: 2)
    }
}
