import Foundation

/// An ICU regular expression (`NSRegularExpression`) that gives up on a text rather than match
/// it for minutes.
///
/// Patterns run on text from anyone (prompts, answers), and a pattern with nested repetition
/// such as `(A+)+B` backtracks exponentially on text that almost matches (`AAAA…AC`): forty
/// characters keep ICU busy for seconds, a thousand for minutes. ICU has no non-backtracking
/// mode, but it reports progress when asked (`.reportProgress`, which swift-corelibs-foundation
/// passes on to ICU's match and find-progress callbacks): every 10,000 steps of a match attempt
/// and at every move to the next start position. At those reports the search stops once it has
/// used more CPU time than its ``Limit`` allows, a little on any text and a little more per
/// character, so that linear work always fits and runaway backtracking is cut off.
///
/// CPU time of the matching thread, not wall-clock time: a busy machine does not make a
/// pattern give up, only its own work does. Steps cannot be counted instead: the two kinds of
/// report look alike, and a report every 10,000 steps costs far more than one per start
/// position.
public struct BoundedRegex: @unchecked Sendable { // NSRegularExpression is immutable and safe to share between threads
    public let pattern: String
    let expression: NSRegularExpression
    public var limit = Limit()

    /// CPU time one search may take: `base` on any text, and `perUnit` more for each UTF-16 unit
    /// of it, so a linear pattern never comes near it however long the text.
    public struct Limit: Sendable, Hashable {
        public var base: Duration = .milliseconds(100)
        public var perUnit: Duration = .microseconds(1)

        public init() {}

        public func allowance(for length: Int) -> Duration { base + perUnit * length }
    }

    /// Matching stopped before the end of the text, so what it would have found is unknown.
    public struct GaveUp: Error, Sendable, Hashable {
        public enum Reason: Sendable, Hashable {
            /// More CPU time than the ``Limit`` allows.
            case time
            /// ICU's backtracking stack (8 MB) is full: ICU stops, and Foundation alone would
            /// report the matches found so far as if there were no more.
            case memory
        }
        public var reason: Reason
        /// The text's length in UTF-16 units.
        public var textLength: Int
        public var allowance: Duration

        /// What happened, for error messages: "took more than 100 ms of CPU time on 41 characters".
        public var explanation: String {
            switch reason {
            case .time: "took more than \(allowance.milliseconds) ms of CPU time on \(textLength) characters"
            case .memory: "filled the matcher's backtracking memory on \(textLength) characters"
            }
        }
    }

    public init(_ pattern: String, options: NSRegularExpression.Options = []) throws {
        self.pattern = pattern
        expression = try NSRegularExpression(pattern: pattern, options: options)
    }

    /// The non-empty matches in `text`, in order.
    public func ranges(in text: String) throws(GaveUp) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        try enumerate(in: text) { match in
            if match.range.length > 0, let range = Range(match.range, in: text) { ranges.append(range) }
            return true
        }
        return ranges
    }

    /// Whether `text` has a match.
    public func matches(_ text: String) throws(GaveUp) -> Bool {
        var found = false
        try enumerate(in: text) { _ in found = true; return false }
        return found
    }

    /// Calls `body` with each match until it returns false.
    private func enumerate(in text: String, _ body: (NSTextCheckingResult) -> Bool) throws(GaveUp) {
        let length = text.utf16.count, allowance = limit.allowance(for: length)
        let deadline = Self.threadCPUTime() + allowance
        var reports = 0, gaveUp: GaveUp.Reason?
        withoutActuallyEscaping(body) { body in // the block is called before enumerateMatches returns, never after
            expression.enumerateMatches(in: text, options: [.reportProgress, .reportCompletion],
                                        range: NSRange(location: 0, length: length)) { match, flags, stop in
                if flags.contains(.completed) { // ICU stops with an error when its backtracking stack is full
                    if flags.contains(.internalError), gaveUp == nil { gaveUp = .memory }
                    return
                }
                guard let match else { // a progress report; the clock is read at every 64th (at most 10 ms apart)
                    reports &+= 1
                    if reports & 63 == 0, Self.threadCPUTime() > deadline { gaveUp = .time; stop.pointee = true }
                    return
                }
                if !body(match) { stop.pointee = true }
            }
        }
        if let gaveUp { throw GaveUp(reason: gaveUp, textLength: length, allowance: allowance) }
    }

    /// The CPU time this thread has used.
    static func threadCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }
}
