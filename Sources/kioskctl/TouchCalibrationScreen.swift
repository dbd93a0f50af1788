import Foundation
import KioskControl
import Synchronization
import TerminalUI
import TouchInput
import TouchPanel

/// `kioskctl console --calibrate`: a + in each corner in turn, touched by the technician; the four
/// touches make `touch-calibration.yaml`. It draws on this terminal itself (kioskd is not needed)
/// and reads the panel as the console does. Esc or Ctrl-] cancels without writing anything.
struct TouchCalibrationScreen {
    let choice: EvdevTouchPanel.Choice
    let path: String
    /// Written into the file as the panel to read: the one calibrated, when it was named.
    let device: String?

    /// How long to wait for each touch, and for the panel to be found at all.
    static let touchWait: TimeInterval = 120
    static let panelWait: TimeInterval = 10

    func run() throws {
        let terminal = RawTerminal(fileDescriptor: STDIN_FILENO)
        try terminal.enter()
        defer {
            draw(CellBuffer(columns: 1, rows: 1), clear: true)
            terminal.restore()
        }
        let size = RawTerminal.size(of: STDOUT_FILENO) ?? (80, 24)
        let touches = Mutex<[TouchTracker.Touch]>([])
        let panelState = Mutex<EvdevTouchPanel.State>(.searching)
        let panel = EvdevTouchPanel(choice: choice, onTouch: { touch in touches.withLock { $0.append(touch) } },
                                    onState: { state in panelState.withLock { $0 = state } })
        panel.start()
        defer { panel.stop() }

        let targets = [(3, 2), (size.columns - 4, 2), (size.columns - 4, size.rows - 3), (3, size.rows - 3)]
        var samples: [TouchCalibration.Sample] = []
        let panelDeadline = Date().addingTimeInterval(Self.panelWait)
        for (index, target) in targets.enumerated() {
            var shownState = panelState.withLock { $0 }
            draw(screen(size: size, target: target, step: index + 1, panel: shownState))
            let deadline = Date().addingTimeInterval(Self.touchWait)
            var touched: TouchTracker.Touch?
            while touched == nil {
                if cancelled() { throw CalibrationEnd.cancelled }
                if Date() > deadline { throw CalibrationEnd.failed("no touch in \(Int(Self.touchWait)) s") }
                let state = panelState.withLock { $0 }
                if state != shownState {
                    shownState = state
                    draw(screen(size: size, target: target, step: index + 1, panel: state))
                }
                if case .ready = state {} else if Date() > panelDeadline {
                    throw CalibrationEnd.failed("no touch panel: \(state)")
                }
                touched = touches.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            }
            samples.append(TouchCalibration.Sample(column: target.0, row: target.1, touched: touched!.release))
        }
        switch TouchCalibration.fit(samples, columns: size.columns, rows: size.rows) {
        case .success(var calibration):
            calibration.device = device
            do {
                try Data(calibration.yaml.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CalibrationEnd.failed("could not write \(path): \(error.localizedDescription)")
            }
            throw CalibrationEnd.saved(calibration)
        case .failure(let failure):
            throw CalibrationEnd.failed(failure.description)
        }
    }

    /// Esc or Ctrl-] on the keyboard, if one is attached; waits up to 50 ms for a key.
    private func cancelled() -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 50) > 0 else { return false }
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 && (byte == 0x1B || byte == TerminalViewer.detachByte)
    }

    private func screen(size: (columns: Int, rows: Int), target: (Int, Int), step: Int, panel: EvdevTouchPanel.State) -> CellBuffer {
        let theme = Theme.highContrast
        var buffer = CellBuffer(columns: size.columns, rows: size.rows, style: theme.base)
        let lines = ["触摸屏校准：请用手指点一下屏幕上的 +（第 \(step) 个，共 4 个）。",
                     "Touch calibration: touch the + on the screen (\(step) of 4).",
                     "Esc 取消 / cancels.  \(panel)"]
        for (offset, line) in lines.enumerated() {
            let text = TextLayout.truncate(line, width: size.columns - 2)
            buffer.put(text, column: max(1, (size.columns - displayWidth(of: text)) / 2), row: size.rows / 2 - 1 + offset,
                       style: offset == 2 ? theme.muted : theme.emphasis)
        }
        buffer.put("+", column: target.0, row: target.1, style: theme.key)
        return buffer
    }

    private func draw(_ buffer: CellBuffer, clear: Bool = false) {
        let bytes = clear ? Array("\u{1B}[0m\u{1B}[2J\u{1B}[H".utf8) : FrameEncoder.fullFrame(buffer)
        _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

/// How a calibration ended, for the console to report after the terminal is restored.
enum CalibrationEnd: Error, CustomStringConvertible {
    case saved(TouchCalibration)
    case cancelled
    case failed(String)

    var description: String {
        switch self {
        case .saved: "saved"
        case .cancelled: "calibration cancelled; nothing was written"
        case .failed(let reason): "calibration failed: \(reason); nothing was written"
        }
    }
}
