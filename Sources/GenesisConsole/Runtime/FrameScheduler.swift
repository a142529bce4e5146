/// When the console draws. Frames are demand-driven: nothing is drawn while nothing changes.
/// While answers stream, changes are coalesced into at most one frame per `interval`: a change
/// draws at once when a frame is due (within `slack` of it: reads come on pacing ticks, and a
/// frame a millisecond early must not cost a timer and a second wake), else one timer is set
/// for when it is due, however many changes come before it. Keys are drawn when the read that
/// brought them is handled, in one frame however many keys it held.
///
/// A value with no I/O: it reads the time from `clock` (``ContinuousClock`` in the console, a
/// test clock in tests) and says what to do; the runtime draws and sets the timers.
struct FrameScheduler<C: Clock>: Sendable where C.Duration == Duration {
    let clock: C
    let interval: Duration
    let slack: Duration
    /// When the last frame was drawn.
    private(set) var lastFrame: C.Instant
    /// The state changed since the last frame was drawn.
    private(set) var isDirty = false
    /// A timer is set for the next frame.
    private(set) var isTimerSet = false

    /// What the runtime does after a change.
    enum Decision: Equatable {
        /// Draw a frame now.
        case draw
        /// Set a timer for `at`, then call ``timerFired()``.
        case setTimer(at: C.Instant)
        /// Nothing: a timer is set already.
        case wait
    }

    init(clock: C, interval: Duration, slack: Duration) {
        self.clock = clock
        self.interval = interval
        self.slack = slack
        lastFrame = clock.now.advanced(by: .zero - interval) // the first frame is due at once
    }

    /// The state changed (streamed text, a notice, laid-out text): draw now if a frame is due,
    /// else when it is.
    mutating func changed() -> Decision {
        isDirty = true
        let due = lastFrame.advanced(by: interval)
        if clock.now.duration(to: due) <= slack { return .draw }
        guard !isTimerSet else { return .wait }
        isTimerSet = true
        return .setTimer(at: due)
    }

    /// The state changed, and a frame already coming shows it: a key's, drawn when its read is
    /// done (``readDone()``), or the one being drawn for the change that woke the runtime.
    mutating func noteChange() {
        isDirty = true
    }

    /// The keys of a read are handled; true: draw them now.
    func readDone() -> Bool { isDirty }

    /// The timer set by ``changed()`` went off; true: draw (a frame drawn since, for a key or
    /// one due within the slack, may have shown everything already).
    mutating func timerFired() -> Bool {
        isTimerSet = false
        return isDirty
    }

    /// A frame was drawn now.
    mutating func drawn() {
        lastFrame = clock.now
        isDirty = false
    }
}
