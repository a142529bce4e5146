import GenesisEngine
import GenesisProviders
import Testing

/// What the engine guarantees about text it hands on: held keys are masked wherever they appear,
/// and the one sanitizer says what each destination keeps.
@Suite("Output safety: held keys masked, one sanitizer for every terminal")
struct OutputSafetyTests {
    static let key = "sk-proj-HELDkeyForTests0123456789abcdef"
    static let bare = String(key.dropFirst("sk-proj-".count))

    @Test("held keys are looked for whole and without their provider prefix; short keys are left alone")
    func needles() {
        let keys = HeldKeys([Self.key, "sk-ant-api03-ANTHROPICkey987654321", "AIzaGEMINIkey12345678", "short"])
        #expect(keys.needles.contains(Self.key) && keys.needles.contains(Self.bare))
        #expect(keys.needles.contains("api03-ANTHROPICkey987654321"), "sk-ant- is a prefix of its own, not sk-")
        #expect(keys.needles.contains("AIzaGEMINIkey12345678") && !keys.needles.contains("short"))
        #expect(keys.redact("k=\(Self.key) b=\(Self.bare)") == "k=…cdef b=…cdef")
    }

    @Test("a key split across deltas is masked, and text that cannot start a key is never held back",
          arguments: [1, 2, 3, 5, 7, 11])
    func streamedKeys(pieceLength: Int) {
        let answer = "Here: \(Self.key), and bare \(Self.bare). sk- alone is fine, and so is sk-proj-."
        var stream = KeyRedactingStream(HeldKeys([Self.key]))
        var shown = ""
        var piece = ""
        for character in answer {
            piece.append(character)
            if piece.count == pieceLength { shown += stream.feed(piece); piece = "" }
        }
        shown += stream.feed(piece) + stream.finish()
        #expect(shown == "Here: …cdef, and bare …cdef. sk- alone is fine, and so is sk-proj-.")

        var plain = KeyRedactingStream(HeldKeys([Self.key]))
        #expect(plain.feed("no key here, ") == "no key here, ")
        #expect(plain.feed("but sk-pr") == "but ", "what could start the key waits")
        #expect(plain.feed("ose is not one") == "sk-prose is not one")
        #expect(plain.finish().isEmpty)
    }

    @Test("errors are masked in what they repeat of the provider's words")
    func errors() {
        let keys = HeldKeys([Self.key])
        let masked = keys.redact(ProviderError(.authentication, provider: "openai", model: "m", status: 401,
                                               message: "Incorrect API key provided: \(Self.bare)"))
        #expect(masked.description.contains("…cdef") && !masked.description.contains(Self.bare.dropLast(4)))
    }

    @Test("the registry masks a key an upstream echoes, in streamed and whole answers and the served version")
    func registryMasksKeys() async throws {
        // Made with the adapters' factory: every kind it makes has its key variables held.
        let registry = ModelRegistry(factory: ProviderAdapters.factory, environment: ["OPENAI_API_KEY": Self.key])
        try await registry.addProvider(name: "chunks", provider: ChunkedProvider(["key: sk-proj-HELD", "keyForTests0123456789", "abcdef!"]))
        var streamed = ""
        for try await event in registry.streamGenerate(provider: "chunks", model: "m", prompt: "echo") {
            if case .text(let delta) = event { streamed += delta }
        }
        #expect(streamed == "key: …cdef!")
        let whole = try await registry.generateText(provider: "chunks", model: "m", prompt: "echo")
        #expect(whole.text == "key: …cdef!")
    }

    @Test("the sanitizer's modes: the console's cells, a terminal, a pipe",
          arguments: [
            (Sanitizer.Mode.screen, "a\tb\r\n\u{07}c\u{85}d", "a    b\ncd"),
            (.terminal, "a\tb\r\n\u{07}c\u{85}d", "a\tb\ncd"),
            (.escapesOnly, "a\tb\r\n\u{07}c\u{85}d", "a\tb\r\n\u{07}c\u{85}d"),
            (.escapesOnly, "x\u{1B}]52;c;aGk=\u{07}y\u{1B}[2Jz\u{9B}1mw", "xyzw"),
            (.terminal, "x\u{1B}]0;title\u{1B}\\y", "xy"),
          ])
    func sanitizerModes(mode: Sanitizer.Mode, input: String, output: String) {
        #expect(Sanitizer.clean(input, mode) == output)
    }

    @Test("text between controls is kept as it is, whatever it is written in, and a sequence is still removed whole across chunks",
          arguments: [
            (Sanitizer.Mode.screen, ["茶 é\u{A0}«» ok\n"], "茶 é\u{A0}«» ok\n"),
            (.screen, ["茶\u{85}茶\t茶"], "茶茶    茶"),
            (.terminal, ["é\u{9F}x\u{9C}é\t"], "éé\t"),
            (.escapesOnly, ["茶\u{85}\u{7F}", "\u{1B}]0;t", "itle\u{07}茶"], "茶\u{85}\u{7F}茶"),
            (.screen, ["茶 \u{1B}[3", "1m茶\u{1B}", "[0m"], "茶 茶"),
          ])
    func sanitizerKeepsTextBetweenControls(mode: Sanitizer.Mode, chunks: [String], output: String) {
        var sanitizer = Sanitizer(mode)
        #expect(chunks.map { sanitizer.clean($0) }.joined() == output)
    }

    /// "Trojan Source": an override shows `if admin { /* ok */ }` in an order other than its own.
    @Test("bidirectional embeddings, overrides and isolates are removed for a screen or a terminal, kept for a pipe; the marks and their neighbours stay",
          arguments: [
            (Sanitizer.Mode.screen, "a\u{202E}b\u{202A}c\u{202B}d\u{202C}e\u{202D}f", "abcdef"),
            (.terminal, "x\u{2066}y\u{2067}z\u{2068}w\u{2069}", "xyzw"),
            (.escapesOnly, "a\u{202E}b\u{2066}c", "a\u{202E}b\u{2066}c"),
            (.screen, "\u{200E}ש\u{200F}\u{2027}\u{2029}\u{2065}\u{206A}\u{202F}", "\u{200E}ש\u{200F}\u{2027}\u{2029}\u{2065}\u{206A}\u{202F}"),
          ])
    func bidirectionalControls(mode: Sanitizer.Mode, input: String, output: String) {
        #expect(Sanitizer.clean(input, mode) == output)
        var split = Sanitizer(mode)
        #expect(input.map { split.clean(String($0)) }.joined() == output, "a character at a time")
    }
}
