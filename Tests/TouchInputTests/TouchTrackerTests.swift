import Testing
import TouchInput

/// Taps from evdev events, as a panel sends them: one finger, bounces, several fingers, lost events.
@Suite struct TouchTrackerTests {
    static let range = TouchTracker.AxisRange(minimum: 0, maximum: 4095)

    /// The events of one report of a multi-touch panel (protocol B), ended by SYN_REPORT.
    struct Panel {
        var tracker = TouchTracker(x: TouchTrackerTests.range, y: TouchTrackerTests.range, multiTouch: true)
        var time = 0.0
        var touches: [TouchTracker.Touch] = []
        var nextID: Int32 = 1

        mutating func report(after seconds: Double = 0.01, _ events: [(UInt16, UInt16, Int32)]) {
            time += seconds
            for (type, code, value) in events + [(0, 0, 0)] {
                if let touch = tracker.handle(type: type, code: code, value: value, time: time) { touches.append(touch) }
            }
        }
        mutating func down(slot: Int32 = 0, x: Int32, y: Int32, after seconds: Double = 0.01) {
            report(after: seconds, [(3, 0x2F, slot), (3, 0x39, nextID), (3, 0x35, x), (3, 0x36, y), (1, 0x14A, 1), (3, 0, x), (3, 1, y)])
            nextID += 1
        }
        mutating func move(slot: Int32 = 0, x: Int32, y: Int32, after seconds: Double = 0.01) {
            report(after: seconds, [(3, 0x2F, slot), (3, 0x35, x), (3, 0x36, y)])
        }
        mutating func up(slot: Int32 = 0, after seconds: Double = 0.01) {
            report(after: seconds, [(3, 0x2F, slot), (3, 0x39, -1), (1, 0x14A, 0)])
        }
    }

    @Test func aFingerDownAndUpIsOneTouchFromWhereItCameDownToWhereItLifted() throws {
        var panel = Panel()
        panel.down(x: 1024, y: 2048)
        panel.move(x: 1030, y: 2050, after: 0.05)
        panel.up(after: 0.05)
        let touch = try #require(panel.touches.first)
        #expect(panel.touches.count == 1)
        #expect(abs(touch.press.x - 1024.0 / 4095) < 1e-9 && abs(touch.press.y - 2048.0 / 4095) < 1e-9)
        #expect(abs(touch.release.x - 1030.0 / 4095) < 1e-9)
        #expect(abs(touch.seconds - 0.1) < 1e-9)
    }

    @Test func aBounceShorterThanTheMinimumPressIsNoTouch() {
        var panel = Panel()
        panel.down(x: 100, y: 100)
        panel.up(after: 0.01)
        #expect(panel.touches.isEmpty)
        // The next real press counts.
        panel.down(x: 100, y: 100, after: 0.2)
        panel.up(after: 0.08)
        #expect(panel.touches.count == 1)
    }

    @Test func aSecondFingerCancelsTheTouchAndNothingStartsUntilAllAreUp() {
        var panel = Panel()
        panel.down(slot: 0, x: 100, y: 100)
        panel.down(slot: 1, x: 3000, y: 3000, after: 0.05)
        panel.up(slot: 0, after: 0.05)
        panel.up(slot: 1, after: 0.05)
        #expect(panel.touches.isEmpty)
        // Ten fingers at once, lifted one by one: no tap at all.
        for slot in Int32(0)..<10 { panel.down(slot: slot, x: 300 * slot, y: 2000, after: 0.001) }
        for slot in Int32(0)..<10 { panel.up(slot: slot, after: 0.05) }
        #expect(panel.touches.isEmpty)
        // The last finger of a crowd lifting is no tap either; a fresh finger afterwards is.
        panel.down(slot: 0, x: 100, y: 100, after: 0.5)
        panel.up(slot: 0, after: 0.1)
        #expect(panel.touches.count == 1)
    }

    @Test func lostEventsDropTheTouchUnderWay() {
        var panel = Panel()
        panel.down(x: 100, y: 100)
        panel.report([(0, 3, 0)])                                     // SYN_DROPPED
        panel.up(after: 0.1)
        #expect(panel.touches.isEmpty)
    }

    @Test func aSingleTouchPanelWorksWithBTNTouchAndABSXY() throws {
        var tracker = TouchTracker(x: Self.range, y: TouchTracker.AxisRange(minimum: 100, maximum: 1100), multiTouch: false)
        var touches: [TouchTracker.Touch] = []
        for (time, events) in [(0.0, [(UInt16(1), UInt16(0x14A), Int32(1)), (3, 0, 4095), (3, 1, 600)]), (0.1, [(1, 0x14A, 0)])] {
            for (type, code, value) in events + [(0, 0, 0)] {
                if let touch = tracker.handle(type: type, code: code, value: value, time: time) { touches.append(touch) }
            }
        }
        let touch = try #require(touches.first)
        #expect(touch.press == TouchPoint(x: 1, y: 0.5))
    }

    @Test func aThousandEventsASecondOfOneSlidingFingerIsOneTouch() {
        var panel = Panel()
        panel.down(x: 0, y: 0)
        for step in Int32(1)...1000 { panel.move(x: step * 4, y: step * 4, after: 0.001) }
        panel.up(after: 0.001)
        #expect(panel.touches.count == 1)
        #expect(panel.touches.first?.release == TouchPoint(x: 4000.0 / 4095, y: 4000.0 / 4095))
    }

    @Test func nonsenseEventsAreIgnored() {
        var panel = Panel()
        panel.report([(3, 0x2F, 9999), (3, 0x39, 5), (3, 0x35, -7), (3, 0x2F, -3), (3, 0x39, 1), (0xFF, 0xFFFF, 1)])
        panel.report([(3, 0x2F, 9999), (3, 0x39, -1), (3, 0x2F, -3), (3, 0x39, -1)])
        #expect(panel.touches.isEmpty)
        // The panel still works afterwards.
        panel.down(x: 2000, y: 2000, after: 0.5)
        panel.up(after: 0.1)
        #expect(panel.touches.count == 1)
    }
}
