import GenesisEngine
import Foundation

/// Standard output and error, written unbuffered so streamed text appears as it arrives.
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static var stdinIsTerminal: Bool { isatty(0) == 1 }
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

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
