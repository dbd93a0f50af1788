#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// A serial line opened raw (8 data bits, no parity, 1 stop bit, no flow control, no echo or line
/// editing) through termios, for devices that speak binary protocols over RS-232 or a USB-serial
/// adapter: GA 467 resident-ID readers, serial code scanners.
///
/// The file descriptor stays non-blocking and every wait is a `poll(2)` with a deadline, so a read
/// never hangs on a silent device. An unplugged adapter shows as `EIO`/`ENXIO`/`ENODEV` or a hang-up
/// and becomes the error `serial-disconnected` (action `reset`): the caller closes the port and opens
/// the path again, with backoff, until the device is back.
///
/// The `…Blocking` methods block their thread: call them from a thread of the driver's own. The
/// `async` ones run the same calls on a dispatch queue of this port, never on Swift's cooperative pool
/// (DESIGN.md decision 2).
public final class SerialPort: Sendable {
    public let path: String
    public let baud: Int
    private let descriptor: Mutex<Int32>
    private let queue: DispatchQueue

    /// The baud rates termios can set here.
    public static let supportedBauds: [Int] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]

    public static func isSupported(baud: Int) -> Bool { supportedBauds.contains(baud) }

    /// How long `bytes` take on the line at `baud`, 8N1: ten bit times a byte.
    public static func lineTime(bytes: Int, baud: Int) -> Duration {
        .nanoseconds(Int64(bytes) * 10 * 1_000_000_000 / Int64(max(1, baud)))
    }

    private init(path: String, baud: Int, fd: Int32) {
        self.path = path
        self.baud = baud
        descriptor = Mutex(fd)
        queue = DispatchQueue(label: "serial \(path)")
    }

    deinit { descriptor.withLock { fd in if fd >= 0 { _ = Glibc.close(fd) } } }

    // MARK: Opening

    /// Opens `path` and puts the line into raw 8N1 mode at `baud`. Blocks briefly (open and
    /// tcsetattr); use ``open(path:baud:)`` from async code.
    public static func openBlocking(path: String, baud: Int) throws(DeviceError) -> SerialPort {
        guard let speed = speedConstant(baud) else {
            throw DeviceError(code: .serialBaudUnsupported, action: .configuration,
                              detail: "baud \(baud) is not one of \(supportedBauds.map(String.init).joined(separator: ", "))")
        }
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw DeviceError(code: code == ENOENT || code == ENXIO || code == ENODEV ? .serialNotPresent : .serialOpenFailed,
                              action: code == EACCES ? .configuration : .reset,
                              detail: "cannot open \(path): \(String(cString: strerror(code)))")
        }
        var options = termios()
        guard tcgetattr(fd, &options) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw DeviceError(code: .serialNotATTY, action: .configuration,
                              detail: "\(path) is not a serial line: \(String(cString: strerror(code)))")
        }
        cfmakeraw(&options)
        options.c_cflag |= tcflag_t(CLOCAL) | tcflag_t(CREAD)
        options.c_cflag &= ~(tcflag_t(CSTOPB) | tcflag_t(PARENB) | tcflag_t(CRTSCTS))
        options.c_cflag = (options.c_cflag & ~tcflag_t(CSIZE)) | tcflag_t(CS8)
        options.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
        // Reads return what is there at once; the deadline comes from poll.
        withUnsafeMutableBytes(of: &options.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        cfsetispeed(&options, speed)
        cfsetospeed(&options, speed)
        guard tcsetattr(fd, TCSANOW, &options) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw DeviceError(code: .serialSetupFailed, action: .reset,
                              detail: "cannot set \(path) to raw \(baud) 8N1: \(String(cString: strerror(code)))")
        }
        // Bytes that arrived before we owned the line belong to nobody.
        _ = tcflush(fd, TCIOFLUSH)
        return SerialPort(path: path, baud: baud, fd: fd)
    }

    /// ``openBlocking(path:baud:)`` on a thread outside the cooperative pool.
    public static func open(path: String, baud: Int) async throws(DeviceError) -> SerialPort {
        let result: Result<SerialPort, DeviceError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(DeviceError) in try openBlocking(path: path, baud: baud) })
            }
        }
        return try result.get()
    }

    private static func speedConstant(_ baud: Int) -> speed_t? {
        switch baud {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 9600: speed_t(B9600)
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115200: speed_t(B115200)
        case 230400: speed_t(B230400)
        case 460800: speed_t(B460800)
        case 921600: speed_t(B921600)
        default: nil
        }
    }

    // MARK: Reading and writing (blocking)

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { descriptor.withLock { $0 < 0 } }

    /// Waits until bytes arrive or `deadline` passes, and returns up to `maximum` of them (at least
    /// one). Throws `serial-timeout` (retry) at the deadline, `serial-disconnected` (reset) when the
    /// device went away.
    public func readBlocking(maximum: Int = 4096, deadline: ContinuousClock.Instant) throws(DeviceError) -> [UInt8] {
        let fd = try currentDescriptor()
        var buffer = [UInt8](repeating: 0, count: max(1, maximum))
        while true {
            try waitFor(POLLIN, fd: fd, deadline: deadline)
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 { return Array(buffer.prefix(count)) }
            if count == 0 {
                // poll said readable but nothing came: on a tty that is a hang-up.
                throw disconnected("end of file")
            }
            let code = errno
            if code == EAGAIN || code == EINTR { continue }
            throw failure(code)
        }
    }

    /// Writes every byte before `deadline`, or throws `serial-timeout` / `serial-disconnected`.
    public func writeBlocking(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(DeviceError) {
        let fd = try currentDescriptor()
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count > 0 { offset += count; continue }
            let code = errno
            if count < 0 && (code == EAGAIN || code == EINTR) {
                try waitFor(POLLOUT, fd: fd, deadline: deadline)
                continue
            }
            throw failure(count == 0 ? EIO : code)
        }
    }

    /// Throws away whatever the device sent that nobody has read yet.
    public func discardInput() {
        descriptor.withLock { fd in if fd >= 0 { _ = tcflush(fd, TCIFLUSH) } }
    }

    /// Closes the line. Safe to call twice; reads and writes after it throw `serial-closed`.
    public func close() {
        descriptor.withLock { fd in
            if fd >= 0 { _ = Glibc.close(fd) }
            fd = -1
        }
    }

    // MARK: Async forms

    public func read(maximum: Int = 4096, deadline: ContinuousClock.Instant) async throws(DeviceError) -> [UInt8] {
        try await onQueue { () throws(DeviceError) in try self.readBlocking(maximum: maximum, deadline: deadline) }
    }

    public func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws(DeviceError) {
        try await onQueue { () throws(DeviceError) in try self.writeBlocking(bytes, deadline: deadline) }
    }

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () throws(DeviceError) -> T) async throws(DeviceError) -> T {
        let result: Result<T, DeviceError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(DeviceError) in try work() }) }
        }
        return try result.get()
    }

    // MARK: Helpers

    private func currentDescriptor() throws(DeviceError) -> Int32 {
        let fd = descriptor.withLock { $0 }
        guard fd >= 0 else {
            throw DeviceError(code: .serialClosed, action: .reset, detail: "\(path) was closed")
        }
        return fd
    }

    private func waitFor(_ events: Int32, fd: Int32, deadline: ContinuousClock.Instant) throws(DeviceError) {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero {
                throw DeviceError(code: .serialTimeout, action: .retry, detail: "no answer on \(path) in time")
            }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(min(Int64(Int32.max), seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
            var entry = pollfd(fd: fd, events: Int16(events), revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0 {
                let code = errno
                if code == EINTR { continue }
                throw failure(code)
            }
            if ready == 0 { continue }
            let revents = Int32(entry.revents)
            if revents & Int32(POLLNVAL) != 0 { throw failure(EBADF) }
            // Data still buffered is delivered before the hang-up is reported.
            if revents & events != 0 { return }
            if revents & Int32(POLLHUP | POLLERR) != 0 { throw disconnected("hang-up") }
        }
    }

    private func failure(_ code: Int32) -> DeviceError {
        if code == EIO || code == ENXIO || code == ENODEV || code == EBADF {
            return disconnected(String(cString: strerror(code)))
        }
        return DeviceError(code: .serialIOFailed, action: .reset, detail: "\(path): \(String(cString: strerror(code)))")
    }

    private func disconnected(_ why: String) -> DeviceError {
        DeviceError(code: .serialDisconnected, action: .reset, detail: "\(path) went away (\(why))")
    }
}
