import ArgumentParser
import Foundation
import KioskControl
import TerminalUI
import TouchInput
import TouchPanel

struct Console: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the kiosk's screen here and drive it with this keyboard, mouse or touch panel. Ctrl-] leaves.",
        discussion: """
            This is how the kiosk's own display runs it (on tty1 under kmscon), and how an operator looks in. \
            On the kiosk it reads the touch panel itself (libevdev), since kmscon passes no touches on: \
            the one given with --touch, or with --touch auto the one --touch-calibration names, else the \
            first direct-touch panel under /dev/input; the calibration also lines it up with the screen. \
            --calibrate reads the panel whatever --touch says.
            """)

    @OptionGroup var connection: Connection

    /// Off unless asked for: a second console on the kiosk (an operator's, over ssh) reading the same
    /// panel would send every tap twice, the second onto whatever the first one opened.
    @Option(help: ArgumentHelp("The touch panel: auto (the calibration file's device, else the first one found), an event device such as /dev/input/kiosk-touch, or off (kiosk-console.service passes auto).",
                               valueName: "auto|off|path"))
    var touch = "off"

    @Option(help: "How the panel lines up with the screen (written by --calibrate); read when it exists.")
    var touchCalibration = "/etc/kiosk/" + TouchCalibration.fileName

    @Flag(help: "Line the touch panel up with the screen: touch the + in each corner, and --touch-calibration is written.")
    var calibrate = false

    func run() throws {
        guard TerminalViewer.isTerminal(STDIN_FILENO), TerminalViewer.isTerminal(STDOUT_FILENO) else {
            FileHandle.standardError.write(Data("kioskctl console: run this on a terminal\n".utf8))
            throw ExitCode.failure
        }
        if calibrate { return try runCalibration() }
        let calibration = try loadCalibration()
        let client = try connection.connect()
        let viewer = TerminalViewer()
        let size = viewer.size ?? (80, 24)
        try client.send(ControlRequest(command: .console, columns: size.columns, rows: size.rows))
        let terminal = RawTerminal(fileDescriptor: STDIN_FILENO)
        try terminal.enter()
        defer { terminal.restore() }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while let message = try? client.readConsoleMessage() {
                if let frame = message.frame { viewer.draw(Array(frame.utf8)) }
            }
            viewer.stop()
            done.signal()
        }
        let panel = touchPanel(calibration: calibration, viewer: viewer, client: client)
        panel?.start()
        viewer.readKeys(onKey: { try? client.send(ConsoleMessage(key: $0)) },
                        onResize: { try? client.send(ConsoleMessage(columns: $0, rows: $1)) })
        panel?.stop()
        client.shutdownConnection()
        done.wait()
    }

    private func runCalibration() throws {
        do {
            // The panel named here, else the one the file named before; it is written back.
            let previous = try? TouchCalibration.load(from: URL(fileURLWithPath: touchCalibration)).get()
            let named = touch == "auto" || touch == "off" ? previous?.device : touch
            try TouchCalibrationScreen(choice: named.map { .path($0) } ?? .automatic, path: touchCalibration, device: named).run()
        } catch CalibrationEnd.saved(let calibration) {
            print("wrote \(touchCalibration):")
            print(calibration.yaml, terminator: "")
            print("kioskctl console reads it when it starts: restart it (systemctl restart kiosk-console).")
        } catch let end as CalibrationEnd {
            FileHandle.standardError.write(Data("kioskctl console: \(end)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The calibration file when there is one; a broken one stops the console with its problems,
    /// as a tap landing on the wrong button would be worse than no console.
    private func loadCalibration() throws -> TouchCalibration {
        guard touch != "off", FileManager.default.fileExists(atPath: touchCalibration) else { return TouchCalibration() }
        switch TouchCalibration.load(from: URL(fileURLWithPath: touchCalibration)) {
        case .success(let calibration): return calibration
        case .failure(let problems):
            FileHandle.standardError.write(Data("kioskctl console: \(touchCalibration) has problems:\n\(problems)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Taps on the panel become touches at the cells under them, at the terminal's size now.
    private func touchPanel(calibration: TouchCalibration, viewer: TerminalViewer, client: ControlClient) -> EvdevTouchPanel? {
        // auto: the calibration file's device, else the first panel found.
        guard touch != "off" else { return nil }
        let device = touch == "auto" ? calibration.device : touch
        let choice: EvdevTouchPanel.Choice = device.map { .path($0) } ?? .automatic
        return EvdevTouchPanel(choice: choice, onTouch: { touch in
            let size = viewer.size ?? (80, 24)
            guard let press = calibration.cell(at: touch.press, columns: size.columns, rows: size.rows),
                  let release = calibration.cell(at: touch.release, columns: size.columns, rows: size.rows) else { return }
            try? client.send(ConsoleMessage(key: .touch(column: press.column, row: press.row,
                                                        releaseColumn: release.column, releaseRow: release.row)))
        }, onState: { state in
            try? client.send(ConsoleMessage(touchPanel: state.description))
        })
    }
}
