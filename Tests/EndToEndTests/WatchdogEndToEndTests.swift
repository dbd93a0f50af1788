import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`, collecting what kioskd tells it.
final class NotifyListener: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw HarnessError(description: "cannot bind \(path)") }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Every message that arrives within `duration`, waited for on a thread of its own so the
    /// tests' shared cooperative threads stay free.
    func messages(for duration: Duration) async throws -> [String] {
        try await onOwnThread { self.blockingMessages(for: duration) }
    }

    private func blockingMessages(for duration: Duration) -> [String] {
        var received: [String] = []
        let deadline = ContinuousClock.now + duration
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&descriptor, 1, max(milliseconds, 1)) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { received.append(String(decoding: buffer[..<count], as: UTF8.self)) }
        }
        return received
    }
}

/// systemd's notify protocol and watchdog, with a listening socket in place of systemd.
@Suite(.serialized) struct WatchdogEndToEndTests {
    func startKiosk(_ listener: NotifyListener, state: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary("kioskd"))
        process.arguments = ["--demo", "--no-console", "--state", state.path, "--socket", state.appendingPathComponent("k.sock").path]
        process.currentDirectoryURL = repositoryRoot
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = listener.path
        environment["WATCHDOG_USEC"] = "1000000"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test(arguments: ["session-loop", "a4-printer"])
    func pingsStopWhenTheLoopOrADeviceHangs(target: String) async throws {
        let listener = try NotifyListener()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-wd-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let process = try startKiosk(listener, state: state)
        defer { kill(process.processIdentifier, SIGKILL) }

        let start = try await listener.messages(for: .seconds(3))
        #expect(start.contains { $0.contains("READY=1") && $0.contains("STATUS=serving") }, "\(start)")
        // WATCHDOG_USEC of one second: a ping about every half second while all is well.
        #expect(start.filter { $0 == "WATCHDOG=1" }.count >= 3, "\(start)")

        let hang = try run(binary("kioskctl"), ["sim", "hang", target, "--socket", state.appendingPathComponent("k.sock").path])
        #expect(hang.status == 0, "\(hang.error)")
        // Within the watchdog's five seconds of grace the pings stop, and stay stopped.
        _ = try await listener.messages(for: .seconds(6))
        let after = try await listener.messages(for: .seconds(3))
        #expect(!after.contains("WATCHDOG=1"), "pings went on: \(after)")
    }

    @Test func stoppingIsAnnouncedOnSIGTERM() async throws {
        let listener = try NotifyListener()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-wd-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let process = try startKiosk(listener, state: state)
        _ = try await listener.messages(for: .seconds(2))
        kill(process.processIdentifier, SIGTERM)
        let end = try await listener.messages(for: .seconds(2))
        process.waitUntilExit()
        #expect(end.contains { $0.hasPrefix("STOPPING=1") }, "\(end)")
        #expect(process.terminationStatus == 0)
    }
}
