import DeviceKit
import Foundation
import Synchronization
import Testing
@testable import DocumentScan

/// SANE's real `test` backend, enabled through a private configuration directory
/// (``SANETestBackend``): tests never edit /etc, and fail, never skip, when the backend is missing.
enum TestSANE {
    static var deviceCount: Int { SANETestBackend.deviceCount }

    /// Call first in every test that touches SANE.
    static func prepare() {
        do {
            try SANETestBackend.enable()
        } catch {
            Issue.record("SANE's test backend cannot be used: \(error)")
        }
    }

    /// A test backend device no other test uses: the backend keeps a device's options while SANE
    /// stays initialised, and tests run in parallel on the one SANE thread.
    static func nextDevice() -> String {
        prepare()
        do {
            return try SANETestBackend.nextDevice()
        } catch {
            Issue.record("\(error)")
            return "test:0"
        }
    }

    /// A started scanner on the test backend with these settings.
    static func scanner(_ device: String? = nil, settings: ScanSettings, id: String = "scan") async throws -> (SANEDocumentScanner, HealthLog) {
        prepare()
        let device = device ?? nextDevice()
        let scanner = SANEDocumentScanner(id: id, deviceName: device, settings: settings)
        let log = HealthLog()
        try await scanner.start(sink: log.sink(id: id))
        return (scanner, log)
    }

    /// The pixel size the test backend gives its default 80 × 100 mm area at `dpi`.
    static func size(dpi: Int, widthMM: Double = 80, heightMM: Double = 100) -> (width: Int, height: Int) {
        (Int(Double(dpi) * widthMM / 25.4), Int(Double(dpi) * heightMM / 25.4))
    }
}

/// The health events a scanner sent.
final class HealthLog: Sendable {
    private let events = Mutex<[DeviceHealth]>([])

    func sink(id: String) -> DeviceEventSink {
        DeviceEventSink(deviceID: id, role: .documentScanner) { event in
            if case .status(let status) = event.body { self.events.withLock { $0.append(status.health) } }
        }
    }

    var all: [DeviceHealth] { events.withLock { $0 } }
}

/// Runs a command and returns its exit status and standard output (a file, not a pipe).
func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-run-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    var actions: posix_spawn_file_actions_t = .init()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .ENOENT) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return ((status >> 8) & 0xff, output)
}

/// What `pdfinfo` says about a PDF.
func pdfInfo(_ pdf: Data) throws -> [String: String] {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-scan-\(UUID().uuidString).pdf").path
    try pdf.write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (status, output) = try run(["pdfinfo", path])
    #expect(status == 0, "pdfinfo failed")
    var fields: [String: String] = [:]
    for line in output.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return fields
}
