import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct BedError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Finds a program on PATH or in the usual sbin/bin folders (a path is taken as it is); a missing
/// one is a failure, never a skip.
public func executable(_ name: String) throws -> String {
    if name.contains("/") {
        guard access(name, X_OK) == 0 else { throw BedError("\(name) is not an executable: build it first (swift build)") }
        return name
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let candidate = folder + "/" + name
        if access(candidate, X_OK) == 0 { return candidate }
    }
    throw BedError("\(name) is not installed (Debian packages cups, cups-ipp-utils, avahi-daemon, dbus, poppler-utils, zbar-tools: run make deps)")
}

/// A child started with posix_spawn, its output going to a file (never a pipe), awaited with
/// waitpid. Services run in the foreground and are killed by pid.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let name: String
    public let log: String
    private var reaped = false
    private var exitStatus: Int32 = 0

    /// Output goes to `log`; standard error too, unless `errorLog` names a file of its own.
    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:], log: String, errorLog: String? = nil) throws {
        let path = try executable(program)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Only 0, 1 and 2 reach the child: no test's sockets or files leak into a service.
        _ = SpawnExtras.closeFrom(&actions, 3)
        if let errorLog {
            posix_spawn_file_actions_addopen(&actions, 2, errorLog, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw BedError("posix_spawn \(program): \(String(cString: strerror(result)))") }
        self.pid = pid
        self.name = program
        self.log = log
    }

    /// Whether the child still runs (reaps it when it has exited).
    public var isRunning: Bool {
        if reaped { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            reaped = true
            exitStatus = status
            return false
        }
        return true
    }

    public func signal(_ signal: Int32) { if !reaped { kill(pid, signal) } }

    /// Waits for the child to exit by itself and returns its exit code (-1 when killed by a signal).
    public func wait() -> Int32 {
        if !reaped {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            reaped = true
            exitStatus = status
        }
        return (exitStatus & 0x7f) == 0 ? (exitStatus >> 8) & 0xff : -1
    }

    /// SIGTERM, then SIGKILL after two seconds; always reaps.
    public func terminate() {
        guard isRunning else { return }
        kill(pid, SIGCONT)
        kill(pid, SIGTERM)
        for _ in 0..<40 {
            if !isRunning { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        _ = wait()
    }

    public var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34), which the Glibc module does not
/// import; looked up by name.
private enum SpawnExtras {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    static let closeFrom: CloseFrom = {
        // RTLD_DEFAULT is a null handle in glibc.
        guard let address = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("posix_spawn_file_actions_addclosefrom_np is missing: glibc 2.34 or later is needed")
        }
        return unsafeBitCast(address, to: CloseFrom.self)
    }()
}

/// Runs a short command to its end on a thread of its own and returns its exit code, standard
/// output and standard error.
public func run(_ program: String, _ arguments: [String], in folder: String, environment: [String: String] = [:]) async throws -> (status: Int32, output: String, errors: String) {
    let name = folder + "/run-\(UUID().uuidString.prefix(8))"
    let child = try ChildProcess(program, arguments, environment: environment, log: name + ".out", errorLog: name + ".err")
    let status = await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: child.wait()) }
    }
    let output = child.output
    let errors = (try? String(contentsOfFile: name + ".err", encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: name + ".out")
    try? FileManager.default.removeItem(atPath: name + ".err")
    return (status, output, errors)
}

/// A localhost TCP port free at the moment of asking.
public func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BedError("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw BedError("bind: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on localhost:port.
public func isListening(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
public func waitUntil(_ timeout: Duration = .seconds(10), _ what: String, _ condition: () throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw BedError("timed out after \(timeout) waiting for \(what)")
}
