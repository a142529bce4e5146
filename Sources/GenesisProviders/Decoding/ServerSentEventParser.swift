/// One event of a `text/event-stream` body.
public struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field, or `message` when none was given.
    public var type: String
    /// The `data:` lines of the event joined with LF.
    public var data: String
    /// The last event id seen so far (it persists across events).
    public var id: String
    /// A reconnection time the server asked for in this event, in milliseconds.
    public var retry: Int?
}

/// Decodes `text/event-stream` bytes into events, following the WHATWG rules exactly.
///
/// Chunk boundaries mean nothing: a UTF-8 character, a CRLF pair or a `data:` prefix may be
/// split across two `feed` calls. Lines end at CRLF, LF or a lone CR (a CR ending one chunk and
/// an LF starting the next are one line end). A leading byte-order mark is dropped once. Lines
/// starting with `:` are comments. A blank line dispatches the event being built, unless it has
/// no data. Invalid UTF-8 becomes U+FFFD and never stops the stream. Bytes after the last blank
/// line form an incomplete event, which `finish()` discards.
///
/// Pure: bytes in, events out. Lines are kept as bytes and decoded once per event, so the cost
/// is linear in the input however it is chunked.
public struct ServerSentEventParser: Sendable {
    /// The largest event (or line) accepted; beyond it `feed` throws rather than growing forever.
    public let maxEventBytes: Int
    /// Also report a non-standard `error: {...}` field line (older llama.cpp builds write one
    /// instead of a `data:` event) at once, as an event of type `error`. The WHATWG rules would
    /// ignore it, and the failure would look like a stream that merely ended early.
    public var reportsErrorFields = false
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: [UInt8] = []
    private var lastEventID = ""
    private var retry: Int?
    private var afterCR = false
    private var atStart = true

    public init(maxEventBytes: Int = 16 << 20) {
        self.maxEventBytes = maxEventBytes
    }

    public struct EventTooLarge: Error, Sendable, CustomStringConvertible {
        public let limit: Int
        public var description: String { "a server-sent event is larger than \(limit) bytes" }
    }

    /// Whether an event has been started but not finished (what `finish()` would discard).
    public var hasPartialEvent: Bool { !line.isEmpty || hasData || !eventType.isEmpty }

    /// Feeds the next chunk of the body; returns the events it completed, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(EventTooLarge) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        var failure: EventTooLarge?
        let scanned: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(EventTooLarge) { try scan(buffer, into: &events) } catch { failure = error }
        }
        if scanned == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { buffer in
                do throws(EventTooLarge) { try scan(buffer, into: &events) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return events
    }

    /// Appends each run of bytes up to a line end at once, then handles the line.
    private mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>, into events: inout [ServerSentEvent]) throws(EventTooLarge) {
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var i = 0
        let n = buffer.count
        while i < n {
            if afterCR {
                afterCR = false
                if buffer[i] == lf { i += 1; continue } // the LF of a CRLF split across reads
            }
            var j = i
            while j < n, buffer[j] != lf, buffer[j] != cr { j += 1 }
            if j > i {
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<j]))
                if line.count > maxEventBytes { throw EventTooLarge(limit: maxEventBytes) }
            }
            guard j < n else { return }
            if buffer[j] == cr { afterCR = true }
            if let event = try endLine() { events.append(event) }
            i = j + 1
        }
    }

    /// The body ended: an event without its blank line is incomplete and dropped.
    public mutating func finish() {
        line.removeAll()
        data.removeAll()
        hasData = false
        eventType.removeAll()
    }

    private mutating func endLine() throws(EventTooLarge) -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if atStart {
            atStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty { return dispatch() }
        if line[0] == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let name = line[..<(colon ?? line.endIndex)]
        var value = colon.map { line[line.index(after: $0)...] } ?? []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        if name.elementsEqual("data".utf8) {
            data.append(contentsOf: value)
            data.append(UInt8(ascii: "\n"))
            hasData = true
            if data.count > maxEventBytes { throw EventTooLarge(limit: maxEventBytes) }
        } else if name.elementsEqual("event".utf8) {
            eventType = Array(value)
        } else if name.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        } else if reportsErrorFields, name.elementsEqual("error".utf8) {
            return ServerSentEvent(type: "error", data: String(decoding: value, as: UTF8.self), id: lastEventID, retry: nil)
        } else if name.elementsEqual("retry".utf8) {
            if !value.isEmpty, value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType.removeAll()
            retry = nil
        }
        guard hasData else { return nil }
        data.removeLast() // the LF after the last data line
        let type = eventType.isEmpty ? "message" : String(decoding: eventType, as: UTF8.self)
        return ServerSentEvent(type: type, data: String(decoding: data, as: UTF8.self), id: lastEventID, retry: retry)
    }
}
