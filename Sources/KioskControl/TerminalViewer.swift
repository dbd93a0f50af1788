import Foundation
import ScreenModel
import Synchronization
import TerminalUI
#if canImport(Glibc)
import Glibc
#endif

/// Draws the kiosk's screen stream on a terminal and sends its keys back: the in-process viewer of
/// `kioskd --demo` and the viewer of `kioskctl console`. It holds no session state, so it can crash
/// and restart without the citizen losing anything.
public final class TerminalViewer: Sendable {
    /// Ctrl-] leaves the viewer (as in telnet); every other control key is ignored, so Ctrl-C,
    /// Ctrl-Z and Ctrl-\ cannot stop the kiosk.
    public static let detachByte: UInt8 = 0x1D

    private let input: Int32
    private let output: Int32
    private let stopping = Atomic<Bool>(false)

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.input = input
        self.output = output
    }

    public static func isTerminal(_ fd: Int32 = STDIN_FILENO) -> Bool { isatty(fd) == 1 }

    public var size: (columns: Int, rows: Int)? { RawTerminal.size(of: output) }

    /// Writes terminal bytes as they come.
    public func draw(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Why ``readKeys(onKey:onResize:)`` returned.
    public enum ReadEnd: Sendable { case detached, endOfInput, stopped }

    /// Reads keys on the calling thread until detach (Ctrl-]), end of input, or `stop()`. Taps,
    /// resizes and keys are handed to the callbacks. Blocking: run it on its own thread.
    @discardableResult
    public func readKeys(onKey: (Key) -> Void, onResize: (Int, Int) -> Void) -> ReadEnd {
        var decoder = InputDecoder()
        var lastSize = size
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !stopping.load(ordering: .relaxed) {
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if let now = size, lastSize.map({ $0 != now }) ?? true {
                lastSize = now
                onResize(now.columns, now.rows)
            }
            if ready == 0 {
                // A lone ESC with nothing after it for 50 ms is the Escape key.
                if decoder.hasPendingEscape { decoder.flushPendingEscape().forEach(onKey) }
                continue
            }
            if ready < 0 { if errno == EINTR { continue } else { return .endOfInput } }
            let count = read(input, &buffer, buffer.count)
            if count <= 0 { return .endOfInput }
            let bytes = Array(buffer[..<count])
            if let detach = bytes.firstIndex(of: Self.detachByte) {
                decoder.feed(Array(bytes[..<detach])).forEach(onKey)
                return .detached
            }
            decoder.feed(bytes).forEach(onKey)
        }
        return .stopped
    }

    /// Lets ``readKeys(onKey:onResize:)`` run again after a `stop()`.
    public func resume() { stopping.store(false, ordering: .relaxed) }

    public func stop() { stopping.store(true, ordering: .relaxed) }
}
