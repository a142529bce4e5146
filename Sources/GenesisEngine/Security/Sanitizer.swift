/// Makes untrusted text (model output, provider error messages, anything stored from them) safe
/// to put on a terminal. One type for every place Genesis writes to one: the console's panes and
/// the CLI's standard output and error.
///
/// Escape sequences are removed whole in every mode: CSI (`ESC [` or U+009B, up to its final
/// byte), strings such as OSC window titles and OSC 52 clipboard writes, DCS, SOS, PM and APC
/// (`ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _` or their C1 forms, up to BEL or ST), and two-byte
/// `ESC x` sequences. What else goes depends on the ``Mode``. A sequence cut across chunks is
/// still removed whole: keep one sanitizer per stream of chunks.
///
/// Without this, an answer could retitle the window, write to the clipboard or redraw the screen.
public struct Sanitizer: Sendable {
    public enum Mode: Sendable {
        /// For the console's cells: every other control character is dropped (BEL, backspace,
        /// carriage return, C1 controls, DEL) except line feed, and so are the bidirectional
        /// embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069), with which
        /// text can be shown in an order other than the one it has ("Trojan Source"); a tab
        /// becomes four spaces. The marks U+200E and U+200F stay.
        case screen
        /// For a terminal the CLI writes to: as `screen`, but tabs stay tabs.
        case terminal
        /// For a pipe or a file: escape sequences are removed, every other character stays as
        /// the model gave it.
        case escapesOnly
    }

    private enum State { case text, escape, csi, string, stringEscape }
    private var state = State.text
    public let mode: Mode

    public init(_ mode: Mode = .screen) {
        self.mode = mode
    }

    /// Cleans one chunk; a sequence cut across chunks is still removed whole. Text between the
    /// characters that change is found from its UTF-8 bytes and copied a run at a time, not scalar
    /// by scalar (what that saves on long non-ASCII deltas: Benchmarks/README.md, long token).
    public mutating func clean(_ text: String) -> String {
        if state == .text, firstChange(in: text[...]) == nil { return text } // most chunks
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            if state == .text {
                let change = firstChange(in: text[index...]) ?? text.endIndex
                out += text[index..<change]
                index = change
                guard index < text.endIndex else { break }
            }
            step(text.unicodeScalars[index], into: &out)
            index = text.unicodeScalars.index(after: index)
        }
        return out
    }

    /// Where the first scalar that `clean` changes outside a sequence starts, or nil: ESC and the
    /// C1 controls that open a sequence in every mode, and but for `escapesOnly` every other C0
    /// control except the line feed (and the tab, for `terminal`), DEL, C1 control (UTF-8
    /// `C2 80` to `C2 9F`) and bidirectional control (`E2 80 AA` to `E2 80 AE`, `E2 81 A6` to
    /// `E2 81 A9`).
    func firstChange(in text: Substring) -> String.Index? {
        let bytes = text.utf8
        var previous = bytes.startIndex
        for index in bytes.indices {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F {
                if byte == 0x1B || mode != .escapesOnly && byte != 0x0A && !(byte == 0x09 && mode == .terminal) { return index }
            } else if byte >= 0x80, byte < 0xA0, index > bytes.startIndex, bytes[previous] == 0xC2 {
                if mode != .escapesOnly || Self.opensSequence(UInt32(byte)) { return previous }
            } else if byte == 0xE2, mode != .escapesOnly, startsBidiControl(bytes[index...]) {
                return index
            }
            previous = index
        }
        return nil
    }

    /// Whether `bytes` start with the UTF-8 form of a bidirectional control.
    private func startsBidiControl(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        var iterator = bytes.makeIterator()
        guard iterator.next() == 0xE2, let second = iterator.next(), let third = iterator.next() else { return false }
        return Self.isBidiControl(0x2000 | UInt32(second & 0x3F) << 6 | UInt32(third & 0x3F)) && second & 0xC0 == 0x80
    }

    /// The embeddings, overrides and isolates: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI and PDI.
    private static func isBidiControl(_ v: UInt32) -> Bool {
        (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// CSI, OSC, DCS, SOS, PM and APC in their C1 forms.
    private static func opensSequence(_ v: UInt32) -> Bool {
        v == 0x9B || v == 0x9D || v == 0x90 || v == 0x9E || v == 0x9F || v == 0x98
    }

    /// One scalar through the state machine: one that changes, or anything inside a sequence.
    private mutating func step(_ scalar: Unicode.Scalar, into out: inout String) {
        let v = scalar.value
        switch state {
        case .text:
            if v == 0x1B { state = .escape }
            else if v == 0x9B { state = .csi }
            else if Self.opensSequence(v) { state = .string }
            else if v == 0x0A { out.unicodeScalars.append(scalar) }
            else if v == 0x09, mode == .screen { out += "    " }
            else if mode != .escapesOnly, v != 0x09, v < 0x20 || v == 0x7F || (0x80..<0xA0).contains(v) || Self.isBidiControl(v) { return }
            else { out.unicodeScalars.append(scalar) }
        case .escape:
            switch v {
            case 0x5B: state = .csi                              // ESC [
            case 0x5D, 0x50, 0x5E, 0x5F, 0x58: state = .string   // ESC ] P ^ _ X: strings until ST or BEL
            default: state = .text                               // a two-byte sequence: drop both
            }
        case .csi:
            if (0x40...0x7E).contains(v) { state = .text }       // the final byte ends it
            else if v == 0x1B { state = .escape }
        case .string:
            if v == 0x07 || v == 0x9C { state = .text }
            else if v == 0x1B { state = .stringEscape }
        case .stringEscape:
            state = v == 0x5C ? .text : .string                  // ESC \ is the string terminator
        }
    }

    /// One-shot cleaning of a complete text.
    public static func clean(_ text: String, _ mode: Mode = .screen) -> String {
        var sanitizer = Sanitizer(mode)
        return sanitizer.clean(text)
    }
}
