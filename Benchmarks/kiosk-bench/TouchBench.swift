import Foundation
import KioskControl
import Synchronization
import TouchInput
#if canImport(Glibc)
import Glibc
#endif

/// A tap on the touch panel to the frame it causes (issue 14), against `kioskd --demo` with a
/// console attached over the control socket as `kioskctl console` attaches: each tap is a finger's
/// evdev events (down, then up 100 ms later by their own clock) fed to the console's `TouchTracker`,
/// mapped through a `TouchCalibration` to cells, sent as a touch; the time runs from the finger-up
/// event being handed to the tracker to the last byte of the resulting frame read by the console.
/// Not in it: libevdev's read of the event and the console's write of the frame to its terminal,
/// each a few microseconds. The taps are on F2, so every one redraws the whole screen in the other
/// language, the most a tap can cost.
struct TouchBench {
    let launcher: Launcher
    let taps: Int
    let firstFrameQuiet: UInt64

    /// The F2 button's middle row at 80×24 (columns 13–22 in both languages; see the renderer's tests).
    static let f2 = (column: 16, row: 21)

    func run() throws -> Distribution {
        let instance = try launcher.start(name: "touch", extraArguments: ["--no-console"])
        let process = instance.process
        defer { _ = process.terminate() }
        guard Control(socket: instance.socket, process: process).waitUntilReachable() else {
            throw BenchFailure("kioskd's control socket did not answer")
        }
        let client = try ControlClient(path: instance.socket)
        try client.send(ControlRequest(command: .console, columns: launcher.columns, rows: launcher.rows))
        let frames = FrameArrivals()
        Thread.detachNewThread {
            while let message = try? client.readConsoleMessage() {
                if message.frame != nil { frames.arrived() }
            }
            frames.closed()
        }
        guard frames.wait(after: 0, timeout: 5_000_000_000) != nil else { throw BenchFailure("no first frame on the console") }
        let range = TouchTracker.AxisRange(minimum: 0, maximum: 4095)
        let calibration = TouchCalibration()
        let x = Int32((Double(Self.f2.column) + 0.5) / Double(launcher.columns) * 4095)
        let y = Int32((Double(Self.f2.row) + 0.5) / Double(launcher.rows) * 4095)
        var samples: [Double] = []
        var tracker = TouchTracker(x: range, y: range, multiTouch: true)
        for tap in 0..<taps {
            if tap % 100 == 0 { progress("touch: tap \(tap + 1) of \(taps)") }
            let time = Double(tap)
            for (type, code, value) in [(UInt16(3), UInt16(0x2F), Int32(0)), (3, 0x39, Int32(tap)), (3, 0x35, x), (3, 0x36, y), (0, 0, 0)] {
                _ = tracker.handle(type: type, code: code, value: value, time: time)
            }
            let seen = frames.count
            let start = monotonicNanoseconds()
            var touch: TouchTracker.Touch?
            for (type, code, value) in [(UInt16(3), UInt16(0x39), Int32(-1)), (0, 0, 0)] {
                touch = touch ?? tracker.handle(type: type, code: code, value: value, time: time + 0.1)
            }
            guard let touch,
                  let press = calibration.cell(at: touch.press, columns: launcher.columns, rows: launcher.rows),
                  let release = calibration.cell(at: touch.release, columns: launcher.columns, rows: launcher.rows) else {
                throw BenchFailure("the tracker made no touch of a tap")
            }
            try client.send(ConsoleMessage(key: .touch(column: press.column, row: press.row,
                                                       releaseColumn: release.column, releaseRow: release.row)))
            guard let arrived = frames.wait(after: seen, timeout: 1_000_000_000) else {
                throw BenchFailure("tap \(tap + 1) drew no frame within a second")
            }
            samples.append(milliseconds(arrived - start))
            // The pressed look ends 200 ms later with one more frame: let it come and go.
            process.idle(300_000_000)
        }
        client.shutdownConnection()
        return Distribution(samples)
    }

    static func markdown(_ result: Distribution, machine: Machine, command: String) -> String {
        func ms(_ value: Double) -> String { String(format: "%.2f", value) }
        let p99 = result.percentile(0.99)
        return ["", "## A tap on the touch panel (issue 14)", "",
                "`\(command)` on `\(machine.uname)`, \(machine.cpu), \(machine.cores) cores", "",
                "| measurement | n | median | p99 | max | goal |", "|---|---|---|---|---|---|",
                "| finger-up event to the frame's last byte at the console (ms) | \(result.count) | \(ms(result.median)) | \(ms(p99)) | \(ms(result.max)) | p99 ≤ 10 ms: \(p99 <= 10 ? "met" : "MISSED") |",
                ""].joined(separator: "\n") + "\n"
    }
}

/// When frames reached the console, counted, for a tap to wait for the next one.
final class FrameArrivals: Sendable {
    private let state = Mutex<(count: Int, last: UInt64, closed: Bool)>((0, 0, false))

    func arrived() { state.withLock { $0 = ($0.count + 1, monotonicNanoseconds(), $0.closed) } }
    func closed() { state.withLock { $0.closed = true } }
    var count: Int { state.withLock { $0.count } }

    /// The arrival time of the first frame after the `count`-th, or nil after `timeout`. Polls every
    /// 50 µs, which the measure's resolution allows.
    func wait(after count: Int, timeout: UInt64) -> UInt64? {
        let deadline = monotonicNanoseconds() + timeout
        while monotonicNanoseconds() < deadline {
            let now = state.withLock { $0 }
            if now.count > count { return now.last }
            if now.closed { return nil }
            usleep(50)
        }
        return nil
    }
}
