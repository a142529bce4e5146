import GenesisEngine
import GenesisProviders

/// The kinds Genesis ships, as the CLI reads configurations.
let kinds = ProviderKindTable.standard.configurableKinds

// libFuzzer harness: the configuration parser (TOML, or the seed's JSON when the text starts with
// `{`) never crashes on any bytes, and everything it refuses is a ConfigurationError that names
// the file and a line within the text, never a crash or another kind of error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try ConfigLoader.parse(text, file: "fuzz.toml", kinds: kinds)
    } catch {
        guard error.file == "fuzz.toml" else { fatalError("an error for another file: \(error)") }
        let lines = text.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 } // "\r\n" is one Character: count bytes
        if let line = error.line, !(1...max(1, lines)).contains(line) {
            fatalError("line \(line) of a \(lines)-line text: \(error)")
        }
    }
    return 0
}
