import DeviceKit
import Foundation
import GA467Emulator
import ResidentID

/// Issue 3's GA 467 goal: a card read against the project's emulator, pacing its answers at 115200
/// baud, finishes within 1.2× the line time of the 1295-byte read answer (1295 × 10 bits / 115200 ≈
/// 112.4 ms). Measures, over a real pseudo-terminal and DeviceKit's SerialPort: the read command
/// alone (30 01: command out, 1295 bytes back, decoded and parsed into an Identity), the whole
/// find/select/read cycle, and the same read at pty speed (no pacing: the host's own cost).
///
/// Not wired into kiosk-bench yet: the lead adds `ResidentID` and `GA467Emulator` to its dependencies
/// and a `residentid` subcommand that calls ``ResidentIDBench/run(runs:)`` and prints ``markdown()``.
struct ResidentIDBench {
    struct Result {
        var runs: Int
        var lineTime: Duration
        var pacedRead: [Duration]
        var pacedCycle: [Duration]
        var fullSpeedRead: [Duration]

        var goal: Duration { lineTime * 1.2 }

        static func median(_ values: [Duration]) -> Duration {
            let sorted = values.sorted()
            return sorted.isEmpty ? .zero : sorted[sorted.count / 2]
        }

        static func percentile(_ values: [Duration], _ fraction: Double) -> Duration {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return .zero }
            return sorted[min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))]
        }

        func markdown() -> String {
            func ms(_ duration: Duration) -> String {
                let value = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
                return String(format: "%.2f ms", value)
            }
            func row(_ label: String, _ values: [Duration]) -> String {
                "| \(label) | \(ms(Self.median(values))) | \(ms(Self.percentile(values, 0.9))) | \(ms(values.max() ?? .zero)) |"
            }
            let met = Self.percentile(pacedRead, 0.9) <= goal
            return """
            ## GA 467 read against the emulator (\(runs) runs)

            Line time of the 1295-byte answer at 115200 baud: \(ms(lineTime)); goal 1.2× = \(ms(goal)): \
            \(met ? "met" : "**missed**") (p90 of the paced read).

            | measurement | median | p90 | max |
            |---|---|---|---|
            \(row("read 30 01, paced at 115200", pacedRead))
            \(row("find + select + read, paced at 115200", pacedCycle))
            \(row("read 30 01, pty speed (host cost)", fullSpeedRead))

            """
        }
    }

    static func run(runs: Int = 20) throws(DeviceError) -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ga467-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let emulator = GA467Emulator(linkPath: folder.appendingPathComponent("tty").path, card: .residentID,
                                     faults: .init(baud: 115_200))
        try emulator.plug()
        defer { emulator.unplug() }
        let port = try SerialPort.openBlocking(path: emulator.linkPath, baud: 115_200)
        defer { port.close() }
        var link = GA467Link(port: port)
        let clock = ContinuousClock()

        func readOnce() throws(DeviceError) -> Duration {
            _ = try link.transact(.findCard).successData()
            _ = try link.transact(.selectCard).successData()
            let start = clock.now
            let data = try link.transact(.read).successData()
            _ = try ReadAnswer(data: data, withFingerprint: false).card()
            return clock.now - start
        }

        var result = Result(runs: runs, lineTime: SerialPort.lineTime(bytes: 1295, baud: 115_200),
                            pacedRead: [], pacedCycle: [], fullSpeedRead: [])
        _ = try readOnce()  // warm-up
        for _ in 0..<runs {
            result.pacedRead.append(try readOnce())
            let start = clock.now
            _ = try readOnce()
            result.pacedCycle.append(clock.now - start)
        }
        emulator.setFaults(.init())
        for _ in 0..<runs { result.fullSpeedRead.append(try readOnce()) }
        return result
    }
}
