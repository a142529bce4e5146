/// Request validation and content rules.
public struct SecuritySettings: Sendable {
    /// The longest prompt accepted, in characters (Unicode scalars; all messages of a request together).
    public var maxPromptCharacters = 1_000_000
    /// Content rules on prompts and answers; none by default.
    public var filter = ContentFilter.none

    public init() {}
}

/// Checks of what a person sends, before any provider sees it.
enum InputSanitizer {
    /// Control characters have no business in a prompt: C0 controls other than tab, line feed
    /// and carriage return, DEL, and C1 controls (terminal escape sequences among them).
    /// One pass: the first forbidden control character, and the length in Unicode scalars.
    static func scan(_ text: String) -> (control: (scalar: Unicode.Scalar, offset: Int)?, length: Int) {
        var length = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: break
            case 0x00...0x1F, 0x7F, 0x80...0x9F: return ((scalar, length), length)
            default: break
            }
            length += 1
        }
        return (nil, length)
    }

    static func name(of scalar: Unicode.Scalar) -> String {
        let names: [UInt32: String] = [0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI"]
        return String(format: "U+%04X", scalar.value) + (names[scalar.value].map { " (\($0))" } ?? "")
    }
}
