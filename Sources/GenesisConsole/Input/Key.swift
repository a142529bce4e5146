/// A key press (or paste) as the console understands it.
public enum Key: Hashable, Sendable {
    case char(Character)
    /// Ctrl with a letter, lower-case: `.ctrl("c")`.
    case ctrl(Character)
    /// Alt (or Esc then the key): `.alt("b")`.
    case alt(Character)
    case enter, altEnter, tab, backTab, backspace, delete, escape
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    case wheelUp, wheelDown
    /// Text pasted in one go (bracketed paste): inserted as is, never executed as keys.
    case paste(String)
    case resize
}

/// What the terminal delivers: a character, or a curses key code.
public enum RawInput: Equatable, Sendable {
    case character(UInt32)
    case code(Int32)
}

/// Turns raw terminal input into keys. Pure and stateful only across a paste: `ESC` followed at
/// once by a character is Alt; `ESC [ 200 ~ ... ESC [ 201 ~` is a bracketed paste; Enter is
/// CR, Ctrl-J (LF) or Alt-Enter insert a newline.
public struct KeyDecoder: Sendable {
    /// Curses key codes, supplied by the backend (they are macros in C).
    public var codes: [Int32: Key]
    private var paste: [UInt32]?

    public init(codes: [Int32: Key]) {
        self.codes = codes
    }

    public mutating func decode(_ inputs: [RawInput]) -> [Key] {
        var keys: [Key] = []
        var index = 0
        func character(at i: Int) -> UInt32? {
            guard i < inputs.count, case .character(let c) = inputs[i] else { return nil }
            return c
        }
        func matches(_ sequence: String, at i: Int) -> Bool {
            for (offset, scalar) in sequence.unicodeScalars.enumerated() where character(at: i + offset) != scalar.value { return false }
            return true
        }
        while index < inputs.count {
            if var buffer = paste {
                if matches("\u{1B}[201~", at: index) {
                    keys.append(.paste(String(String.UnicodeScalarView(buffer.compactMap(Unicode.Scalar.init)))))
                    paste = nil
                    index += 6
                } else {
                    if let c = character(at: index) { buffer.append(c == 0x0D ? 0x0A : c) }
                    paste = buffer
                    index += 1
                }
                continue
            }
            switch inputs[index] {
            case .code(let code):
                if let key = codes[code] { keys.append(key) }
                index += 1
            case .character(let c):
                if c == 0x1B {
                    if matches("\u{1B}[200~", at: index) { paste = []; index += 6; continue }
                    if let next = character(at: index + 1) {
                        if next == 0x0D || next == 0x0A { keys.append(.altEnter) }
                        else if next == 0x1B { keys.append(.escape); index += 1; continue }
                        else if let scalar = Unicode.Scalar(next) { keys.append(.alt(Character(scalar))) }
                        index += 2
                        continue
                    }
                    keys.append(.escape)
                    index += 1
                    continue
                }
                keys.append(Self.key(for: c))
                index += 1
            }
        }
        return keys
    }

    static func key(for c: UInt32) -> Key {
        switch c {
        case 0x0D: .enter
        case 0x0A: .altEnter // Ctrl-J: a newline in the prompt
        case 0x09: .tab
        case 0x7F, 0x08: .backspace
        case 0x01...0x1A: .ctrl(Character(Unicode.Scalar(c + 0x60) ?? "?"))
        default: Unicode.Scalar(c).map { .char(Character($0)) } ?? .char("?")
        }
    }
}
