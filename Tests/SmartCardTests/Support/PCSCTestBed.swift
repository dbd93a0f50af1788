import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A private pcscd with the vpcd reader driver, for one test at a time.
///
/// pcscd 1.9.9 keeps its socket and pid file in /run/pcscd whatever the environment says (it does
/// not read `PCSCLITE_CSOCK_NAME`; only libpcsclite, the client, does). So each pcscd runs in a
/// mount namespace of its own (`unshare -m`) with a private directory bound over /run/pcscd, and
/// this process's client is pointed at the socket there with `PCSCLITE_CSOCK_NAME`. libpcsclite
/// reads that variable once per process, so every test bed uses the same directory path, and the
/// tests using it are serialized in one suite. vpcd listens on the configured TCP port (reader
/// `Virtual PCD 00 00`) and the next one (`Virtual PCD 00 01`); both are chosen free.
final class PCSCTestBed {
    static let pcscd = "/usr/sbin/pcscd"
    static let vpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
    static let unshare = "/usr/bin/unshare"
    static let firstReader = "Virtual PCD 00 00"

    /// The one directory of this test process (see above): configuration, log and, in a private
    /// mount namespace, the socket.
    static let runDirectory: String = {
        let path = NSTemporaryDirectory() + "kiosk-pcscd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        setenv("PCSCLITE_CSOCK_NAME", privateNamespaces ? path + "/run/pcscd.comm" : "/run/pcscd/pcscd.comm", 1)
        return path
    }()

    /// Whether this machine lets root make a mount namespace (containers without CAP_SYS_ADMIN do
    /// not). Without one, pcscd runs with the system's /run/pcscd, which only works while no other
    /// pcscd runs; the bed then says so instead of disturbing it.
    static let privateNamespaces: Bool = {
        guard let pid = try? spawn([unshare, "-m", "--propagation", "private", "--", "/bin/true"], output: "/dev/null") else {
            return false
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status == 0
    }()

    let port: UInt16
    private(set) var pid: pid_t = 0
    var logPath: String { Self.runDirectory + "/pcscd.log" }

    enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case notReady(String)
        case systemDaemonRunning
        var description: String {
            switch self {
            case .missing(let path): "\(path) is missing: install pcscd and vsmartcard-vpcd (see DESIGN.md, Test bed recipes)"
            case .notReady(let log): "pcscd did not list the vpcd readers; its log:\n\(log)"
            case .systemDaemonRunning: "no mount namespaces here (unshare -m failed) and /run/pcscd/pcscd.comm exists: stop the system pcscd to run these tests"
            }
        }
    }

    /// Starts pcscd with vpcd on a free pair of ports and waits until the readers are listed.
    init() throws {
        for path in [Self.pcscd, Self.vpcdDriver, Self.unshare] where !FileManager.default.fileExists(atPath: path) {
            throw Failure.missing(path)
        }
        port = try Self.freePortPair()
        try startDaemon()
    }

    /// Starts pcscd again after ``kill()``, with the same port and socket.
    func startDaemon() throws {
        let directory = Self.runDirectory
        let manager = FileManager.default
        try? manager.removeItem(atPath: directory)
        try manager.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/conf", withIntermediateDirectories: true)
        let hexPort = "0x" + String(port, radix: 16, uppercase: true)
        try """
        FRIENDLYNAME "Virtual PCD"
        DEVICENAME   /dev/null:\(hexPort)
        LIBPATH      \(Self.vpcdDriver)
        CHANNELID    \(hexPort)

        """.write(toFile: directory + "/conf/vpcd", atomically: true, encoding: .utf8)
        if Self.privateNamespaces {
            let script = "mkdir -p /run/pcscd && mount --bind \(directory)/run /run/pcscd && exec \(Self.pcscd) -f -c \(directory)/conf"
            pid = try Self.spawn([Self.unshare, "-m", "--propagation", "private", "--", "/bin/sh", "-c", script], output: logPath)
        } else {
            guard !manager.fileExists(atPath: "/run/pcscd/pcscd.comm") else { throw Failure.systemDaemonRunning }
            pid = try Self.spawn([Self.pcscd, "-f", "-c", directory + "/conf"], output: logPath)
        }
        try waitForReaders()
    }

    /// Kills pcscd (SIGKILL: no clean shutdown, as a crash) and reaps it.
    func kill() {
        guard pid > 0 else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
        // A killed pcscd leaves its socket and pid file; in the system's /run/pcscd they are ours.
        if !Self.privateNamespaces {
            unlink("/run/pcscd/pcscd.comm")
            unlink("/run/pcscd/pcscd.pid")
        }
    }

    /// Stops pcscd (SIGTERM, then SIGKILL after three seconds) and removes its directory.
    func stop() {
        if pid > 0 {
            Glibc.kill(pid, SIGTERM)
            var status: Int32 = 0
            for _ in 0..<300 {
                if waitpid(pid, &status, WNOHANG) == pid { pid = 0; break }
                usleep(10_000)
            }
            kill()
        }
        try? FileManager.default.removeItem(atPath: Self.runDirectory)
    }

    deinit { stop() }

    private func waitForReaders() throws {
        for _ in 0..<100 {
            if let readers = try? Self.listReaders(), readers.contains(where: { $0.hasPrefix(Self.firstReader) }) { return }
            usleep(100_000)
        }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        throw Failure.notReady(String(log.suffix(2000)))
    }

    /// Readers as the client library sees them through the private socket.
    static func listReaders() throws -> [String] {
        _ = runDirectory
        return try PCSCProbe.readers()
    }

    // MARK: Processes and ports

    static func spawn(_ arguments: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environment)
        guard result == 0 else { throw Failure.missing(arguments[0]) }
        return pid
    }

    /// Two consecutive free TCP ports on loopback, the first one's number returned.
    static func freePortPair() throws -> UInt16 {
        for _ in 0..<50 {
            let candidate = UInt16.random(in: 20000...60000)
            if isFree(candidate), isFree(candidate + 1) { return candidate }
        }
        throw Failure.notReady("no free port pair")
    }

    private static func isFree(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
