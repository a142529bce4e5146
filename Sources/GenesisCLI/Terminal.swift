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
        var offset = 0
        var iterator = data.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += String(scalar).utf8.count
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        throw InvalidRequestError(message: "standard input is not valid UTF-8 text (the first bad byte is at offset \(offset)); nothing was sent",
                                  hint: "convert it first, e.g. with iconv -t UTF-8")
    }

}
