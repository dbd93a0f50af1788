// In-process benchmark: the session's screen, ScreenRenderer and FrameEncoder called directly, with no
// process, pty or scheduler in between, so the report can tell the kiosk's own work apart from the
// cost of getting bytes to a terminal.
//
import Application
import Flows
import KioskDaemon
import ScreenModel
import TerminalUI

enum InProcessBench {
    static let isAvailable = true

    /// The demo's footer hint (KioskDaemon's `Simulator.keyHint`, which is internal), so the status
    /// line is as long as in `kioskd --demo`.
    static let demoStatusHint = "Sim: F5 card in F6 out F7 scan F8 paper F9 fix F10 page"

    static func run(configurationPath: String, columns: Int, rows: Int, keys: Int, toggles: Int) throws -> InProcessResult {
        let checked: CheckedConfiguration
        do { checked = try CheckedConfiguration.load(path: configurationPath) } catch {
            throw BenchFailure("\(configurationPath): \(error)")
        }
        var settings = checked.configuration.sessionSettings
        settings.statusHint = demoStatusHint
        let renderer = ScreenRenderer()
        var result = InProcessResult()

        // Home: describe, render, encode a full frame, repeatedly.
        let home = Session(content: checked.content, settings: settings)
        var describe: [Double] = [], render: [Double] = [], encode: [Double] = []
        var fullFrameBytes = 0
        for _ in 0..<max(200, toggles) {
            let t0 = monotonicNanoseconds()
            let screen = home.screen()
            let t1 = monotonicNanoseconds()
            let frame = renderer.render(screen, columns: columns, rows: rows)
            let t2 = monotonicNanoseconds()
            let bytes = FrameEncoder.fullFrame(frame.buffer)
            let t3 = monotonicNanoseconds()
            fullFrameBytes = bytes.count
            describe.append(microseconds(t1 - t0))
            render.append(microseconds(t2 - t1))
            encode.append(microseconds(t3 - t2))
        }
        result.homeDescribe = Distribution(describe)
        result.homeRender = Distribution(render)
        result.homeFullFrame = Distribution(encode)
        result.fullFrameBytes = fullFrameBytes

        // The same keypad sweep as over the pty: from home, 1 (collect), 1 (keypad), then 12 digits
        // up and 12 Backspaces down, again and again.
        var session = Session(content: checked.content, settings: settings)
        _ = session.handle(.key(.text("1")))
        _ = session.handle(.key(.text("1")))
        guard session.position.flow == "collect", session.screen().field != nil else {
            throw BenchFailure("in-process: 1, 1 from home did not open the pickup-code keypad (at \(session.position))")
        }
        var previous = renderer.render(session.screen(), columns: columns, rows: rows)
        var keypad = KeyCost.Samples()
        for index in 0..<keys {
            let key: Key = switch KeypadSweep.key(at: index) {
            case .digit(let digit): .text(digit)
            case .backspace: .backspace
            }
            keypad.append(measure(key, session: &session, previous: &previous,
                                  renderer: renderer, columns: columns, rows: rows))
        }
        result.keypad = keypad.summary

        // Language toggles on the home screen: a whole-screen change.
        session = Session(content: checked.content, settings: settings)
        previous = renderer.render(session.screen(), columns: columns, rows: rows)
        var toggle = KeyCost.Samples()
        for _ in 0..<toggles {
            toggle.append(measure(.function(2), session: &session, previous: &previous,
                                  renderer: renderer, columns: columns, rows: rows))
        }
        result.toggle = toggle.summary
        return result
    }

    /// One key as the runtime handles it: the session's step, its screen, the render and the diff.
    private static func measure(_ key: Key, session: inout Session, previous: inout RenderedFrame,
                                renderer: ScreenRenderer, columns: Int, rows: Int) -> KeyCost.Sample {
        let t0 = monotonicNanoseconds()
        _ = session.handle(.key(key))
        let screen = session.screen()
        let t1 = monotonicNanoseconds()
        let frame = renderer.render(screen, columns: columns, rows: rows)
        let t2 = monotonicNanoseconds()
        let bytes = FrameEncoder.diff(from: previous.buffer, to: frame.buffer)
        let t3 = monotonicNanoseconds()
        previous = frame
        return KeyCost.Sample(total: microseconds(t3 - t0), describe: microseconds(t1 - t0),
                           render: microseconds(t2 - t1), diff: microseconds(t3 - t2), bytes: bytes.count)
    }

    private static func microseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1000 }
}

/// Timings in microseconds.
struct InProcessResult {
    var homeDescribe = Distribution([])
    var homeRender = Distribution([])
    var homeFullFrame = Distribution([])
    var fullFrameBytes = 0
    var keypad = KeyCost.Summary()
    var toggle = KeyCost.Summary()
}

/// Per-key samples of the in-process path, split into its parts.
enum KeyCost {
    struct Sample {
        var total, describe, render, diff: Double
        var bytes: Int
    }

    struct Samples {
        var all: [Sample] = []
        mutating func append(_ sample: Sample) { all.append(sample) }
        var summary: Summary {
            Summary(total: Distribution(all.map(\.total)), describe: Distribution(all.map(\.describe)),
                    render: Distribution(all.map(\.render)), diff: Distribution(all.map(\.diff)),
                    bytes: Distribution(all.map { Double($0.bytes) }))
        }
    }

    struct Summary {
        var total = Distribution([]), describe = Distribution([]), render = Distribution([]), diff = Distribution([])
        var bytes = Distribution([])
    }
}
