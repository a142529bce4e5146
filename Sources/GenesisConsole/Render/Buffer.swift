/// One terminal cell: a grapheme and its style. The right half of a wide grapheme is a
/// continuation cell, never written to the terminal itself.
public struct Cell: Equatable, Sendable {
    public var grapheme: Character = " "
    public var style = Style.plain
    public var isContinuation = false

    public init(grapheme: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.grapheme = grapheme
        self.style = style
        self.isContinuation = isContinuation
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
                if column >= 0 { self[column, y] = Cell(grapheme: Character(Unicode.Scalar(byte)), style: style) }
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
        let old = previous.flatMap { $0.width == width && $0.height == height ? $0.cells : nil }
        var result: [(x: Int, y: Int, cell: Cell)] = []
        for i in cells.indices where old?[i] != cells[i] { result.append((i % width, i / width, cells[i])) }
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
