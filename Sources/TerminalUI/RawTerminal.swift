#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A terminal put into the mode a kiosk viewer needs, and put back afterwards.
///
/// `enter()` saves the settings and switches to raw input after
/// [termios(3)](https://man7.org/linux/man-pages/man3/termios.3.html)'s `cfmakeraw`, with signal keys
/// off: Ctrl-C, Ctrl-Z and Ctrl-\ arrive as bytes (which ``InputDecoder`` ignores) instead of stopping
/// the viewer. It then switches to the alternate screen, hides the cursor and turns on SGR mouse
/// reporting so taps on a touch screen arrive as clicks. `restore()` undoes all of it; it is safe to
/// call more than once and runs on deinit as a last resort.
public final class RawTerminal {
    /// A terminal call that failed, with its `errno`.
    public struct Failure: Error, Sendable, Equatable {
        public var operation: String
        public var code: Int32
    }

    public let fileDescriptor: Int32
    private var saved: termios?

    /// ESC[?1049h alternate screen, ESC[?25l hide cursor, ESC[?1000h button events, ESC[?1006h SGR coordinates.
    static let enterSequence: [UInt8] = Array("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?1000h\u{1B}[?1006h".utf8)
    /// Mouse off, plain style, cursor shown, main screen back.
    static let restoreSequence: [UInt8] = Array("\u{1B}[?1006l\u{1B}[?1000l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l".utf8)

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    deinit {
        restore()
    }

    /// Whether `enter()` has run and `restore()` has not.
    public var isRaw: Bool { saved != nil }

    /// Saves the terminal's settings and puts it into raw mode; does nothing if already raw.
    public func enter() throws(Failure) {
        guard saved == nil else { return }
        var original = termios()
        guard tcgetattr(fileDescriptor, &original) == 0 else { throw Failure(operation: "tcgetattr", code: errno) }
        var raw = original
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        raw.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { controlCharacters in
            controlCharacters[Int(VMIN)] = 1
            controlCharacters[Int(VTIME)] = 0
        }
        guard tcsetattr(fileDescriptor, TCSAFLUSH, &raw) == 0 else { throw Failure(operation: "tcsetattr", code: errno) }
        saved = original
        write(Self.enterSequence)
    }

    /// Puts back the screen and the settings saved by `enter()`; does nothing if not raw.
    public func restore() {
        guard var original = saved else { return }
        write(Self.restoreSequence)
        _ = tcsetattr(fileDescriptor, TCSADRAIN, &original)
        saved = nil
    }

    /// Writes all of `bytes` (a frame from ``FrameEncoder``), retrying after interrupts and short writes.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Darwin)
                let written = Darwin.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #elseif canImport(Musl)
                let written = Musl.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    // A non-blocking descriptor that is full: wait up to a second for room, then give up.
                    var request = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                    if errno == EAGAIN, poll(&request, 1, 1000) > 0 { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// The window size of the terminal on `fileDescriptor`, or nil when it is not a terminal or
    /// reports no size.
    public static func size(of fileDescriptor: Int32) -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}
