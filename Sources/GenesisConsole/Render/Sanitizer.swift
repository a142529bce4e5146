/// Makes model output safe to put on a terminal: escape sequences (CSI, OSC such as window
/// titles and OSC 52 clipboard writes, DCS and the like) are removed whole, and other control
/// characters (BEL, backspace, C1 controls, DEL) are dropped. Newlines stay; tabs become spaces.
///
/// Model output is untrusted: without this, an answer could retitle the window, write to the
/// clipboard or redraw the screen.
public struct Sanitizer: Sendable {
    private enum State { case text, escape, csi, string, stringEscape }
    private var state = State.text

    public init() {}

    /// Cleans one chunk; a sequence cut across chunks is still removed whole.
    public mutating func clean(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch state {
            case .text:
                if v == 0x1B { state = .escape }
                else if v == 0x9B { state = .csi }
                else if v == 0x9D || v == 0x90 || v == 0x9E || v == 0x9F || v == 0x98 { state = .string }
                else if v == 0x0A { out.append(scalar) }
                else if v == 0x09 { out.append(contentsOf: "    ".unicodeScalars) }
                else if v < 0x20 || v == 0x7F || (0x80..<0xA0).contains(v) { continue }
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
    public static func clean(_ text: String) -> String {
        var sanitizer = Sanitizer()
        return sanitizer.clean(text)
    }
}
