import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KioskControl
import KioskDaemon
import OutboxStatus
import Testing

/// The outbox under fire: 10,000 items queued by a real kioskd that is killed with SIGKILL at
/// random moments, uploading to the real platform stand-in while it fails 30% of requests and
/// drops connections (half of them after it stored the batch). At the end the stand-in must hold
/// exactly the kiosk's items, each once, and the kiosk nothing undelivered.
@Suite(.serialized) struct ChaosTests {
    static let target = 10_000

    @Test func tenThousandItemsSurviveKillsAndAFlakyPlatformExactlyOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-chaos-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let platform = try await StandInProcess.start(in: folder, faults: ["--failure-rate", "0.3", "--drop-rate", "0.1"])
        defer { platform.stop() }

        let copy = try KioskCopy()
        defer { copy.remove() }
        try copy.edit("Kiosk/kiosk.yaml", replacing: "demo:\n", with: """
            platform:
              url: \(platform.baseURL)
              token-file: \(platform.kioskTokenFile)
              batch-items: 200
              backoff-base-ms: 20
              backoff-cap-seconds: 1
              request-timeout-seconds: 5
              sync-interval-seconds: 2
            demo:

            """)
        let kiosk = KioskDaemonProcess(config: copy.config, state: folder.appendingPathComponent("state"))
        try await kiosk.start()
        defer { kiosk.stop() }

        // Queue in chunks while a killer strikes at random moments. A chunk cut short by a kill is
        // topped up after the restart from the count the kiosk itself reports.
        var kills = 0
        var nextKill = ContinuousClock.now + .milliseconds(Int.random(in: 300...1500))
        while true {
            let queued = try await onOwnThread { try kiosk.totalQueued() }
            guard let queued else {
                // Killed between our calls, or still starting: wait for the socket.
                try await kiosk.waitForSocket()
                continue
            }
            #expect(queued <= Self.target)
            if queued >= Self.target { break }
            let chunk = min(250, Self.target - queued)
            _ = try await onOwnThread { try kiosk.ctl("sim", "enqueue", "\(chunk)") }
            if ContinuousClock.now >= nextKill {
                try await kiosk.killAndRestart()
                kills += 1
                nextKill = ContinuousClock.now + .milliseconds(Int.random(in: 300...1500))
            }
        }
        // Two more kills while only the uploader works.
        for _ in 0..<2 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...800)))
            try await kiosk.killAndRestart()
            kills += 1
        }
        #expect(kills >= 5)

        // Everything reaches the platform in the end, through the 30% failures.
        let flush = try await onOwnThread { try kiosk.ctl("queue", "flush", "--stall-seconds", "120") }
        #expect(flush.status == 0, "\(flush.output)\(flush.error)")
        let queue = try await onOwnThread { try kiosk.ctl("queue", "--json") }
        let counts = try JSONDecoder().decode(OutboxCounts.self, from: Data(queue.output.utf8))
        #expect(counts.pending == 0 && counts.inFlight == 0 && counts.retry == 0 && counts.dead == 0)
        kiosk.stop()

        // The kiosk's own record of what it queued, read with the sqlite3 shell.
        let kioskIDs = try kiosk.sql("SELECT id FROM outbox_item ORDER BY id").split(separator: "\n").map(String.init)
        let simulated = try kiosk.sql(KioskDaemonProcess.countSimulated)
        #expect(simulated == "\(Self.target)")
        #expect(try kiosk.sql("SELECT count(*) FROM outbox_item WHERE state != 'delivered'") == "0")

        let events = try await platform.events(kioskID: "HK-DEMO-01")
        let platformIDs = events.map(\.id)
        #expect(platformIDs.count == Set(platformIDs).count, "the platform stored an item twice")
        #expect(Set(platformIDs) == Set(kioskIDs), "the platform and the kiosk disagree on what was sent")
        #expect(platformIDs.count == kioskIDs.count)
        // The faults really happened: some items were sent more than once and answered duplicate.
        let stats = try await platform.stats()
        #expect((stats["duplicates"] as? Int ?? 0) > 0, "no retry of a stored batch happened: \(stats)")
    }
}

/// A real `kiosk-platform serve` on a free loopback port.
final class StandInProcess: @unchecked Sendable {
    let process: Process
    let baseURL: String
    let kioskTokenFile: String
    let adminToken: String

    private init(process: Process, baseURL: String, kioskTokenFile: String, adminToken: String) {
        self.process = process
        self.baseURL = baseURL
        self.kioskTokenFile = kioskTokenFile
        self.adminToken = adminToken
    }

    static func start(in folder: URL, kioskID: String = "HK-DEMO-01", faults: [String] = []) async throws -> StandInProcess {
        let kioskToken = UUID().uuidString, adminToken = UUID().uuidString
        let kioskTokenFile = folder.appendingPathComponent("kiosk-token").path
        let adminTokenFile = folder.appendingPathComponent("admin-token").path
        for (path, token) in [(kioskTokenFile, kioskToken), (adminTokenFile, adminToken)] {
            _ = FileManager.default.createFile(atPath: path, contents: Data("\(token)\n".utf8), attributes: [.posixPermissions: 0o600])
        }
        let output = folder.appendingPathComponent("platform.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary("kiosk-platform"))
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--data", folder.appendingPathComponent("platform").path,
                             "--kiosk", "\(kioskID)=\(kioskTokenFile)", "--admin-token-file", adminTokenFile] + faults
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                return StandInProcess(process: process, baseURL: String(line.dropFirst("listening on ".count)),
                                      kioskTokenFile: kioskTokenFile, adminToken: adminToken)
            }
            guard process.isRunning else { throw HarnessError(description: "kiosk-platform exited: \(text)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw HarnessError(description: "kiosk-platform did not say where it listens")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    struct StoredEvent: Decodable {
        var id: String
        var deliveries: Int
    }

    func events(kioskID: String) async throws -> [StoredEvent] {
        struct Answer: Decodable {
            var count: Int
            var events: [StoredEvent]
        }
        return try JSONDecoder().decode(Answer.self, from: try await admin("kiosks/\(kioskID)/events")).events
    }

    func stats() async throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: try await admin("stats")) as? [String: Any]) ?? [:]
    }

    private func admin(_ path: String) async throws -> Data {
        var request = URLRequest(url: URL(string: "\(baseURL)/admin/\(path)")!)
        request.setValue("Bearer \(adminToken)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw HarnessError(description: "GET /admin/\(path): \(response)")
        }
        return data
    }
}

/// A real kioskd started directly (no tmux), so a test can kill it with SIGKILL and start it again
/// on the same state.
final class KioskDaemonProcess: @unchecked Sendable {
    let config: String
    let state: URL
    var socket: String { state.appendingPathComponent("k.sock").path }
    var database: String { state.appendingPathComponent("kiosk.sqlite").path }
    private var process: Process?

    init(config: String, state: URL) {
        self.config = config
        self.state = state
    }

    func start() async throws {
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary("kioskd"))
        process.arguments = ["--demo", "--no-console", "--state", state.path, "--socket", socket, "--config", config]
        process.currentDirectoryURL = repositoryRoot
        process.standardOutput = FileHandle.nullDevice
        let log = state.appendingPathComponent("kioskd.err")
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardError = handle
        try process.run()
        self.process = process
        try await waitForSocket()
    }

    func waitForSocket() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? ControlClient(path: socket).request(ControlRequest(command: .queue)))?.ok == true { return }
            if let process, !process.isRunning {
                let log = (try? String(contentsOf: state.appendingPathComponent("kioskd.err"), encoding: .utf8)) ?? ""
                throw HarnessError(description: "kioskd exited (\(process.terminationStatus)):\n\(log.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError(description: "kioskd did not answer on \(socket)")
    }

    func killAndRestart() async throws {
        if let process {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try await start()
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// The simulated items committed so far, read from the database; nil when kioskd does not answer.
    func totalQueued() throws -> Int? {
        guard (try? ControlClient(path: socket).request(ControlRequest(command: .queue)))?.ok == true else { return nil }
        return Int(try sql(Self.countSimulated))
    }

    static let countSimulated = "SELECT count(*) FROM outbox_item WHERE json_extract(CAST(payload AS TEXT), '$.event') = 'simulated'"

    @discardableResult
    func ctl(_ arguments: String...) throws -> CommandResult {
        try run(binary("kioskctl"), arguments + ["--socket", socket])
    }

    func sql(_ query: String) throws -> String {
        let result = try run("/usr/bin/env", ["sqlite3", database, query])
        guard result.status == 0 else { throw HarnessError(description: "sqlite3: \(result.error)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
