import DeviceKit
import Foundation
import Synchronization

/// A code scanner on a serial line (RS-232, or a USB scanner in its USB-serial/CDC-ACM mode): every
/// code it reads arrives as bytes ending with its terminator, and is reported as `.codeScanned(bytes)`.
///
/// A thread of its own reads the line (serial reads block; DESIGN.md decision 2). An unplugged scanner
/// is `offline` with action `reset` and the path is opened again with backoff until it is back. A code
/// over the maximum length is dropped (counted in ``droppedCodes``), never delivered in part.
public final class SerialCodeScanner: CodeScanner {
    public struct Settings: Sendable, Equatable {
        public var path: String
        public var baud: Int
        public var terminator: SerialCodeFramer.Terminator
        public var maximumLength: Int
        public var reopenBackoff: RestartBackoff

        public init(path: String, baud: Int = 9600, terminator: SerialCodeFramer.Terminator = .cr, maximumLength: Int = 4096,
                    reopenBackoff: RestartBackoff = RestartBackoff(initial: .milliseconds(200), maximum: .seconds(5))) {
            self.path = path
            self.baud = baud
            self.terminator = terminator
            self.maximumLength = maximumLength
            self.reopenBackoff = reopenBackoff
        }
    }

    public let id: String
    public let model: String
    public var driver: String { "serial" }
    public let settings: Settings

    private let dropped = Atomic<Int>(0)
    private let lineThread: SerialLineThread

    public init(id: String, model: String, settings: Settings) {
        self.id = id
        self.model = model
        self.settings = settings
        lineThread = SerialLineThread(path: settings.path, baud: settings.baud, reopenBackoff: settings.reopenBackoff,
                                      name: "serial-scanner \(id)")
    }

    /// Codes dropped for being longer than the maximum.
    public var droppedCodes: Int { dropped.load(ordering: .relaxed) }

    public func start(sink: DeviceEventSink) async throws {
        await lineThread.start(sink: sink) { [self] line in
            line.keepOpen { port, failures in read(port, line, &failures) }
        }
    }

    public func stop() async { await lineThread.stop() }

    public func currentHealth() async -> DeviceHealth { lineThread.health }

    /// A serial scanner has no status command: its health is whether its line is open.
    public func selfTest() async -> DeviceHealth { lineThread.health }

    /// Closes and reopens the line.
    public func reset() async throws {
        guard lineThread.requestReopen() else { throw DeviceError(code: .notStarted, action: .reset, detail: "scanner \(id) is not started") }
    }

    // MARK: The scanner's thread

    /// One open line: reports every code it frames until the line fails, a reopen is asked for or
    /// the scanner stops.
    private func read(_ port: SerialPort, _ line: SerialLineThread.Run, _ failures: inout Int) {
        line.setHealth(.online)
        var framer = SerialCodeFramer(terminator: settings.terminator, maximumLength: settings.maximumLength)
        while line.isCurrent {
            if line.takeReopenRequest() { return }
            do {
                // Short deadlines so that stop and reset are noticed promptly.
                let bytes = try port.readBlocking(deadline: .now + .milliseconds(100))
                for output in framer.feed(bytes) {
                    switch output {
                    case .code(let code): line.emit(.codeScanned(code))
                    case .overlong: dropped.add(1, ordering: .relaxed)
                    }
                }
                failures = 0
            } catch where error.code == .serialTimeout {
                continue
            } catch {
                failures += 1
                line.setHealth(.offline(error.code == .serialDisconnected ? .disconnected : error.code))
                return
            }
        }
    }
}
