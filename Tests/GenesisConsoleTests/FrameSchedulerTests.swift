import Clocks
@testable import GenesisConsole
import Testing

/// The frame scheduler on virtual time: the clock moves only when a test advances it.
@Suite("Frame scheduler")
struct FrameSchedulerTests {
    let clock = TestClock<Duration>()

    func scheduler() -> FrameScheduler<TestClock<Duration>> {
        FrameScheduler(clock: clock, interval: .milliseconds(50), slack: .milliseconds(10))
    }

    @Test("nothing changes, nothing is drawn: an idle console sets no timer and draws no frame")
    func idleDrawsNothing() async {
        let frames = scheduler()
        await clock.advance(by: .seconds(60))
        #expect(!frames.isDirty && !frames.isTimerSet && !frames.readDone())
    }

    @Test("a change after a quiet spell is drawn at once")
    func aChangeAfterQuietIsDrawnAtOnce() async {
        var frames = scheduler()
        let first = frames.changed()
        #expect(first == .draw) // the first frame
        frames.drawn()
        await clock.advance(by: .milliseconds(400))
        let later = frames.changed()
        #expect(later == .draw)
    }

    @Test("changes within a frame's interval wait for one timer at the interval's end, however many come")
    func changesWithinAnIntervalShareOneTimer() async {
        var frames = scheduler()
        frames.drawn()
        let drawnAt = clock.now
        await clock.advance(by: .milliseconds(5))
        let decision = frames.changed()
        #expect(decision == .setTimer(at: drawnAt.advanced(by: .milliseconds(50))))
        for _ in 0..<20 {
            await clock.advance(by: .milliseconds(1))
            let decision = frames.changed()
            #expect(decision == .wait)
        }
        await clock.advance(by: .milliseconds(25))
        let fired = frames.timerFired()
        #expect(fired)
        frames.drawn()
        #expect(!frames.isDirty && !frames.isTimerSet)
    }

    @Test("a change within the slack of its frame is drawn now rather than set a timer")
    func aChangeWithinTheSlackIsDrawnNow() async {
        var frames = scheduler()
        frames.drawn()
        await clock.advance(by: .milliseconds(39))
        let decision = frames.changed()
        #expect(decision == .setTimer(at: clock.now.advanced(by: .milliseconds(11))))
        var early = scheduler()
        early.drawn()
        await clock.advance(by: .milliseconds(41))
        let soon = early.changed()
        #expect(soon == .draw)
    }

    @Test("keys are drawn when their read is done, and a timer that goes off after that frame draws nothing")
    func keysDrawWhenTheirReadIsDone() async {
        var frames = scheduler()
        frames.drawn()
        await clock.advance(by: .milliseconds(5))
        guard case .setTimer = frames.changed() else { Issue.record("a timer was expected"); return }
        frames.noteChange()
        frames.noteChange()
        #expect(frames.readDone())
        frames.drawn() // the keys' frame showed the change too
        await clock.advance(by: .milliseconds(45))
        let fired = frames.timerFired()
        #expect(!fired)
        #expect(!frames.readDone())
    }

    @Test("a second of deltas every 10 ms is drawn in one frame per interval at most (less the slack), not one per delta")
    func streamingIsCappedAtTheFrameRate() async {
        var frames = scheduler()
        var drawn: [TestClock<Duration>.Instant] = []
        var timer: TestClock<Duration>.Instant?
        func draw() { frames.drawn(); drawn.append(clock.now) }
        for _ in 0..<100 {
            await clock.advance(by: .milliseconds(10))
            if let due = timer, due <= clock.now {
                timer = nil
                if frames.timerFired() { draw() }
            }
            switch frames.changed() {
            case .draw: draw()
            case .setTimer(let at): timer = at
            case .wait: break
            }
        }
        #expect((20...26).contains(drawn.count), "\(drawn.count) frames") // 1 s / 50 ms to 1 s / 40 ms, not 100
        for (a, b) in zip(drawn, drawn.dropFirst()) { #expect(a.duration(to: b) >= .milliseconds(40)) }
    }
}
