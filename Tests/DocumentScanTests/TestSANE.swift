import DeviceKit
import Foundation
import Synchronization
import Testing
@testable import DocumentScan

/// SANE's real `test` backend, enabled through a private configuration directory: Debian ships it
/// commented out of /etc/sane.d/dll.conf and tests never edit /etc. SANE reads SANE_CONFIG_DIR when
/// it initialises, so this sets it once, before any test's first SANE call; without a trailing ':'
/// only this directory is searched (with one, /etc/sane.d and its dll.d would be searched too, and
/// airscan's network discovery would slow every device list).
enum TestSANE {
    /// The test backend keeps a device's options while SANE stays initialised, and tests run in
    /// parallel on the one SANE thread, so each test scans on a device of its own (``nextDevice()``).
    /// Also more than the system file's two, so a test can tell this file is the one read.
    static let deviceCount = 64
    private static let devicesHandedOut = Atomic<Int>(0)

    /// A test backend device no other test uses (`test:1` and up; `test:0` is left for listing).
    static func nextDevice() -> String {
        let number = devicesHandedOut.add(1, ordering: .relaxed).newValue
        precondition(number < deviceCount, "raise TestSANE.deviceCount")
        return "test:\(number)"
    }

    static let configDirectory: String = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiosk-sane-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try! "test\n".write(toFile: directory + "/dll.conf", atomically: true, encoding: .utf8)
        try! "number_of_devices \(deviceCount)\n".write(toFile: directory + "/test.conf", atomically: true, encoding: .utf8)
        setenv("SANE_CONFIG_DIR", directory, 1)
        atexit { if let dir = getenv("SANE_CONFIG_DIR") { try? FileManager.default.removeItem(atPath: String(cString: dir)) } }
        return directory
    }()

    /// Call first in every test that touches SANE.
    static func prepare() {
        _ = configDirectory
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
