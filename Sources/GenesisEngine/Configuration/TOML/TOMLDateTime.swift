/// One of TOML's four date and time kinds: an offset date-time (`1979-05-27T07:32:00Z`), a
/// local date-time (`1979-05-27 07:32:00`), a local date (`1979-05-27`) or a local time
/// (`07:32:00.999`). Kept as components and as written: Genesis's own files use none, but a
/// document that has one still reads.
public struct TOMLDateTime: Sendable, Hashable {
    public struct Date: Sendable, Hashable {
        public var year: Int, month: Int, day: Int
    }

    public struct Time: Sendable, Hashable {
        public var hour: Int, minute: Int, second: Int
        /// Fractional seconds, to the nanosecond (further digits are dropped, as TOML allows).
        public var nanosecond: Int
    }

    public enum Kind: Sendable, Hashable { case offsetDateTime, localDateTime, localDate, localTime }

    public var date: Date?
    public var time: Time?
    /// Minutes east of UTC (`Z` is 0); nil for the local kinds.
    public var offsetMinutes: Int?
    /// The text as written in the document.
    public var text: String

    public var kind: Kind {
        switch (date, time, offsetMinutes) {
        case (.some, .some, .some): .offsetDateTime
        case (.some, .some, nil): .localDateTime
        case (.some, nil, _): .localDate
        default: .localTime
        }
    }
}
