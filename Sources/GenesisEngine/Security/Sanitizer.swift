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
        /// carriage return, C1 controls, DEL) except line feed; a tab becomes four spaces.
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

    /// Cleans one chunk; a sequence cut across chunks is still removed whole.
    public mutating func clean(_ text: String) -> String {
        // The common case, printable ASCII and line feeds, passes as it is.
        if state == .text, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F || $0 == 0x0A }) { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch state {
            case .text:
                if v == 0x1B { state = .escape }
                else if v == 0x9B { state = .csi }
                else if v == 0x9D || v == 0x90 || v == 0x9E || v == 0x9F || v == 0x98 { state = .string }
                else if v == 0x0A { out.append(scalar) }
                else if v == 0x09, mode == .screen { out.append(contentsOf: "    ".unicodeScalars) }
                else if mode != .escapesOnly, v != 0x09, v < 0x20 || v == 0x7F || (0x80..<0xA0).contains(v) { continue }
                else { out.append(scalar) }
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
        return String(out)
    }

    /// One-shot cleaning of a complete text.
    public static func clean(_ text: String, _ mode: Mode = .screen) -> String {
        var sanitizer = Sanitizer(mode)
        return sanitizer.clean(text)
    }
}
