/// Splits an `application/x-ndjson` body into lines, one JSON value each.
///
/// Lines end at LF (a CR before it is dropped); blank and whitespace-only lines are skipped.
/// Splitting happens on bytes before decoding, so chunk boundaries cannot cut a character. At
/// the end of the body a last line without its LF is returned by `finish()`; whether it is
/// complete JSON is for the caller to decide (a cut-off line means a broken stream).
public struct JSONLinesParser: Sendable {
    public let maxLineBytes: Int
    private var line: [UInt8] = []

    public init(maxLineBytes: Int = 16 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    public struct LineTooLong: Error, Sendable, CustomStringConvertible {
        public let limit: Int
        public var description: String { "a JSON line is longer than \(limit) bytes" }
    }

    /// Feeds the next chunk; returns the complete, non-blank lines it finished, as raw bytes.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(LineTooLong) -> [[UInt8]] where Bytes.Element == UInt8 {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let complete = take() { lines.append(complete) }
            } else {
                line.append(byte)
                if line.count > maxLineBytes { throw LineTooLong(limit: maxLineBytes) }
            }
        }
        return lines
    }

    /// The body ended: the unterminated last line, if it holds anything.
    public mutating func finish() -> [UInt8]? {
        take()
    }

    private mutating func take() -> [UInt8]? {
        defer { line.removeAll(keepingCapacity: true) }
        var end = line.endIndex
        while end > line.startIndex, [UInt8(ascii: "\r"), UInt8(ascii: " "), UInt8(ascii: "\t")].contains(line[end - 1]) { end -= 1 }
        let start = line.firstIndex { ![UInt8(ascii: " "), UInt8(ascii: "\t")].contains($0) } ?? end
        return start < end ? Array(line[start..<end]) : nil
    }
}
