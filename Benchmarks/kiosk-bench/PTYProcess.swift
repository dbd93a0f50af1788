import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Bytes read from the pty master in one go, with when they arrived.
struct Burst {
    var bytes: [UInt8] = []
    /// When the first and the last read of the burst returned.
    var firstAt: UInt64?
    var lastAt: UInt64?
    /// Whether the wait ended because nothing (or nothing more) came before the timeout.
    var timedOut = false
}

/// A process whose stdin, stdout and stderr are the slave of a fresh pseudo-terminal, started in its
/// own session with that terminal as its controlling terminal; we hold the master.
final class PTYProcess {
    let pid: pid_t
    let master: Int32
    /// Monotonic time just before `posix_spawn` was called.
    let spawnedAt: UInt64
    private(set) var waitStatus: Int32?
    private var masterHungUp = false

    init(executable: String, arguments: [String], environment: [String: String], columns: Int, rows: Int) throws {
        // posix_openpt, grantpt, unlockpt and ptsname are not visible through Swift's Glibc module, so
        // this does what they do on Linux: open the multiplexer, unlock the slave, ask its number.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw BenchFailure("open /dev/ptmx: \(String(cString: strerror(errno)))") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, Self.setPtyLock, &unlock) == 0, ioctl(master, Self.getPtyNumber, &number) == 0 else {
            close(master)
            throw BenchFailure("cannot set up the pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let slavePath = "/dev/pts/\(number)"
        // Hold the slave open until the child has it, so the size set now is the size it reads.
        let slave = open(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            close(master)
            throw BenchFailure("open \(slavePath): \(String(cString: strerror(errno)))")
        }
        defer { close(slave) }
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(slave, UInt(TIOCSWINSZ), &size) == 0 else {
            close(master)
            throw BenchFailure("TIOCSWINSZ: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // POSIX_SPAWN_SETSID (glibc ≥ 2.26): setsid() runs before the file actions, so opening the
        // slave without O_NOCTTY makes it the child's controlling terminal.
        let setSessionFlag: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | setSessionFlag))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let start = monotonicNanoseconds()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(master)
            throw BenchFailure("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        self.master = master
        self.spawnedAt = start
    }

    #if arch(x86_64) || arch(arm64)
    /// TIOCSPTLCK = _IOW('T', 0x31, int) and TIOCGPTN = _IOR('T', 0x30, unsigned int) in the generic
    /// ioctl encoding (asm-generic/ioctls.h); function-like macros do not reach Swift.
    static let setPtyLock: UInt = 0x4004_5431
    static let getPtyNumber: UInt = 0x8004_5430
    #else
    #error("kiosk-bench knows the pty ioctl numbers of x86_64 and arm64 only")
    #endif

    deinit {
        if waitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        close(master)
    }

    // MARK: Output

    /// Reads whatever is available now without waiting; returns the bytes.
    @discardableResult
    func drain() -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = readAvailable() { all += chunk }
        return all
    }

    /// One non-blocking read; nil when nothing is there (or the terminal hung up).
    private func readAvailable() -> [UInt8]? {
        guard !masterHungUp else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(master, &buffer, buffer.count)
        if count > 0 { return Array(buffer[..<count]) }
        if count < 0, errno == EIO { masterHungUp = true }  // every slave descriptor is closed
        return nil
    }

    /// Reads until `quiet` nanoseconds pass with no new bytes after `isComplete` holds for what has
    /// arrived (by default: anything arrived), or until `timeout` nanoseconds after `start`.
    /// `isComplete` gets the bytes so far and when the latest of them arrived.
    func readBurst(start: UInt64, quiet: UInt64, timeout: UInt64,
                   isComplete: ([UInt8], UInt64) -> Bool = { bytes, _ in !bytes.isEmpty }) -> Burst {
        var burst = Burst()
        var complete = false
        while true {
            let now = monotonicNanoseconds()
            let deadline: UInt64
            if complete, let last = burst.lastAt {
                deadline = Swift.min(last + quiet, start + timeout)
            } else {
                deadline = start + timeout
            }
            if now >= deadline {
                burst.timedOut = !complete
                return burst
            }
            let waitMilliseconds = Int32(Swift.min((deadline - now + 999_999) / 1_000_000, 1000))
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, waitMilliseconds)
            if ready < 0 && errno != EINTR { burst.timedOut = true; return burst }
            guard ready > 0 else { continue }
            let arrived = monotonicNanoseconds()
            var got = false
            while let chunk = readAvailable() {
                burst.bytes += chunk
                got = true
            }
            if got {
                if burst.firstAt == nil { burst.firstAt = arrived }
                burst.lastAt = arrived
                if !complete { complete = isComplete(burst.bytes, arrived) }
            } else if masterHungUp {
                burst.timedOut = !complete
                return burst
            }
        }
    }

    /// Reads and discards output for `nanoseconds`.
    func idle(_ nanoseconds: UInt64) {
        _ = readBurst(start: monotonicNanoseconds(), quiet: 0, timeout: nanoseconds, isComplete: { _, _ in false })
    }

    // MARK: Input

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw BenchFailure("write to the terminal: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Writes `bytes` and measures until the output they cause has arrived and gone quiet.
    func press(_ bytes: [UInt8], quiet: UInt64, timeout: UInt64 = 1_000_000_000) throws -> KeyResult {
        drain()
        let start = monotonicNanoseconds()
        try write(bytes)
        let burst = readBurst(start: start, quiet: quiet, timeout: timeout)
        guard let first = burst.firstAt, let last = burst.lastAt else { return KeyResult(bytes: 0, firstByte: nil, lastByte: nil) }
        return KeyResult(bytes: burst.bytes.count, firstByte: first - start, lastByte: last - start)
    }

    // MARK: Life

    var isRunning: Bool {
        if waitStatus != nil { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            waitStatus = status
            return false
        }
        return true
    }

    /// Sends SIGTERM and waits (draining the terminal) until the process has exited; after
    /// `timeout`, SIGKILL. Returns nanoseconds from the signal to the exit being reaped.
    func terminate(timeout: UInt64 = 10_000_000_000) -> (nanoseconds: UInt64, killed: Bool) {
        let start = monotonicNanoseconds()
        kill(pid, SIGTERM)
        var killed = false
        while true {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                waitStatus = status
                return (monotonicNanoseconds() - start, killed)
            }
            if !killed, monotonicNanoseconds() - start > timeout {
                kill(pid, SIGKILL)
                killed = true
            }
            if masterHungUp {
                usleep(100)
            } else {
                // The master hangs up the moment the child's last descriptor on the slave closes.
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, 1)
                drain()
                if descriptor.revents & Int16(POLLHUP) != 0 { masterHungUp = true }
            }
        }
    }

    /// Waits (draining the terminal) until the process exits by itself; returns nanoseconds from the
    /// spawn to the exit being reaped, or nil after `timeout`.
    func waitForExit(timeout: UInt64 = 10_000_000_000) -> UInt64? {
        while true {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                waitStatus = status
                return monotonicNanoseconds() - spawnedAt
            }
            if monotonicNanoseconds() - spawnedAt > timeout { return nil }
            if masterHungUp {
                usleep(100)
            } else {
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, 1)
                drain()
                if descriptor.revents & Int16(POLLHUP) != 0 { masterHungUp = true }
            }
        }
    }

    /// "exit 0", "exit 3", "signal 9", or "running".
    var exitDescription: String {
        guard let status = waitStatus else { return "running" }
        return status & 0x7F == 0 ? "exit \((status >> 8) & 0xFF)" : "signal \(status & 0x7F)"
    }

    var exitedCleanly: Bool { waitStatus == 0 }
}

struct KeyResult {
    var bytes: Int
    /// Nanoseconds from the write to the first and the last read of the output it caused.
    var firstByte: UInt64?
    var lastByte: UInt64?
}
