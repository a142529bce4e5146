/// One screen cell: what it shows, how, and whether it is the right half of a wide character.
/// A plain value with no references, so a frame's 12,000 cells are copied, compared and freed
/// as bytes (with a `Character` inside, every frame paid a release per cell).
public struct Cell: Equatable, Sendable {
    public var glyph: Glyph = .space
    public var style = Style.plain
    public var isContinuation = false

    public init(grapheme: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.glyph = Glyph(grapheme)
        self.style = style
        self.isContinuation = isContinuation
    }

    public init(glyph: Glyph, style: Style = .plain, isContinuation: Bool = false) {
        self.glyph = glyph
        self.style = style
        self.isContinuation = isContinuation
    }

    /// What the cell shows, as a character.
    public var grapheme: Character {
        get { glyph.character }
        set { glyph = Glyph(newValue) }
    }
}

/// A grapheme cluster as a terminal cell holds it: up to five Unicode scalars (curses keeps no
/// more: `CCHARW_MAX`), 21 bits each, packed in two words; a zero ends them early. Longer
/// clusters (long emoji sequences) keep their first five, which is what the terminal would draw.
public struct Glyph: Hashable, Sendable {
    public static let maxScalars = 5
    private var low: UInt64 = 0 // scalars 0, 1, 2
    private var high: UInt64 = 0 // scalars 3, 4

    public static let space = Glyph(ascii: 0x20)

    /// A one-byte character (no check that it is printable ASCII: the caller knows).
    @inline(__always)
    public init(ascii: UInt8) {
        low = UInt64(ascii)
    }

    public init(_ character: Character) {
        var index = 0
        for scalar in character.unicodeScalars where scalar.value != 0 {
            guard index < Self.maxScalars else { break }
            let value = UInt64(scalar.value)
            if index < 3 { low |= value << (21 * index) } else { high |= value << (21 * (index - 3)) }
            index += 1
        }
    }

    /// The scalars' values, in order.
    public var scalars: [UInt32] {
        var values: [UInt32] = []
        forEachScalar { values.append($0) }
        return values
    }

    /// Calls `body` with each scalar's value, in order, with no allocation.
    @inline(__always)
    public func forEachScalar(_ body: (UInt32) -> Void) {
        for index in 0..<Self.maxScalars {
            let value = index < 3 ? (low >> (21 * index)) & 0x1F_FFFF : (high >> (21 * (index - 3))) & 0x1F_FFFF
            if value == 0 { return }
            body(UInt32(value))
        }
    }

    public var character: Character {
        var view = String.UnicodeScalarView()
        forEachScalar { if let scalar = Unicode.Scalar($0) { view.append(scalar) } }
        return view.isEmpty ? " " : Character(String(view))
    }
}

public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    /// The rectangle shrunk by `n` on every side.
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }
}

/// A frame: what the screen should show. Widgets draw into it; the backend writes only the
/// cells that differ from the previous frame.
public struct Buffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from (x, y), clipped to `limit` columns (default: to the right edge).
    /// A wide character that would be cut in half is replaced by a space. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let end = min(width, x + (limit ?? width))
        var column = x
        // Printable ASCII, most of what is drawn, is one column a byte: no grapheme breaking.
        if text.utf8.allSatisfy({ $0 &- 0x20 < 0x5F }) {
            for byte in text.utf8 {
                guard column < end else { break }
                if column >= 0 { self[column, y] = Cell(glyph: Glyph(ascii: byte), style: style) }
                column += 1
            }
            return column - x
        }
        for character in text {
            let w = DisplayWidth.of(character)
            if w == 0 {
                continue // combining marks arrive attached to their base in a Character; stray zero-width scalars are dropped
            }
            if column + w > end {
                if column < end, w == 2 { self[column, y] = Cell(grapheme: " ", style: style) ; column += 1 }
                break
            }
            if column >= 0 {
                self[column, y] = Cell(grapheme: character, style: style)
                if w == 2, column + 1 < width { self[column + 1, y] = Cell(grapheme: " ", style: style, isContinuation: true) }
            }
            column += w
        }
        return column - x
    }

    /// Fills a rectangle with a character and style.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { self[x, y] = Cell(grapheme: character, style: style) }
        }
    }

    /// The cells that differ from `previous`; all of them when there is no previous frame of this size.
    public func changes(since previous: Buffer?) -> [(x: Int, y: Int, cell: Cell)] {
        guard let previous, previous.width == width, previous.height == height else {
            return cells.indices.map { ($0 % width, $0 / width, cells[$0]) }
        }
        var result: [(x: Int, y: Int, cell: Cell)] = []
        cells.withUnsafeBufferPointer { new in
            previous.cells.withUnsafeBufferPointer { old in
                for i in new.indices where old[i] != new[i] { result.append((i % width, i / width, new[i])) }
            }
        }
        return result
    }

    /// The frame as text lines, for snapshot tests.
    public var lines: [String] {
        (0..<height).map { y in
            String((0..<width).compactMap { x -> Character? in
                let cell = self[x, y]
                return cell.isContinuation ? nil : cell.grapheme
            })
        }
    }
}
