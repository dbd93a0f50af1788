import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the service is doing over `$NOTIFY_SOCKET`: one datagram per message, lines of
/// `KEY=value` (sd_notify(3); the protocol needs no libsystemd). Without `$NOTIFY_SOCKET` (not run
/// by systemd) every call does nothing.
public struct SystemdNotifier: Sendable {
    public let socketPath: String?
    /// From `$WATCHDOG_USEC`, when systemd expects pings from this process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 {
            // WATCHDOG_PID, when set, names the process that should ping; another one must not.
            if let pid = environment["WATCHDOG_PID"].flatMap(Int32.init), pid != getpid() {
                interval = nil
            } else {
                interval = .microseconds(usec)
            }
        }
        watchdogInterval = interval
    }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    public func status(_ text: String) { send("STATUS=\(text)") }
    public func watchdog() { send("WATCHDOG=1") }
    public func stopping() { send("STOPPING=1\nSTATUS=stopping") }

    /// Sends one datagram. Failures are ignored: systemd going away must not stop the kiosk.
    public func send(_ message: String) {
        guard let socketPath else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(socketPath.utf8)
        // "@name" is an abstract socket: its address starts with a NUL byte.
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        let payload = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                payload.withUnsafeBytes { raw in
                    sendto(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL), sockaddrPointer, length)
                }
            }
        }
    }
}
