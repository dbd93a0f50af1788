import Foundation
import GRDB
import Logging
import Synchronization
@testable import Outbox

/// A fresh folder under the system's temporary directory, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("outbox-tests-\(UUID().uuidString.lowercased())", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// A fresh folder under the system's temporary directory, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("outbox-tests-\(UUID().uuidString.lowercased())", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Opens a store on `kiosk.sqlite` in a fresh temporary folder.
func withStore<T>(
    logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: (KioskStore, URL) throws -> T
) throws -> T {
    try withTemporaryDirectory { directory in
        let path = directory.appendingPathComponent("kiosk.sqlite").path
        let store = try KioskStore(path: path, logger: logger)
        return try body(store, directory)
    }
}

/// Log records kept in memory, so that a test can check what the store told the operator.
final class LogRecorder: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let storage = Mutex<[Record]>([])

    var records: [Record] { storage.withLock { $0 } }

    func append(_ record: Record) { storage.withLock { $0.append(record) } }

    var logger: Logger {
        Logger(label: "test") { _ in RecordingLogHandler(recorder: self) }
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append(.init(
            level: event.level, message: event.message.description,
            metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
}

/// Runs SQL on the database file through a second, plain connection, the way an operator's
/// `sqlite3` shell would, to tamper with the data behind the store's back.
func tamper(path: String, sql: String, arguments: StatementArguments = []) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { try $0.execute(sql: sql, arguments: arguments) }
    try queue.close()
}

func samplePickup(
    id: String, holderKey: String = "holder-a", code: String? = nil,
    state: Pickup.State = .ready, expiresAt: Date? = nil
) -> Pickup {
    Pickup(
        id: id, holderKey: holderKey, pickupCodeHash: code,
        titleZh: "营业执照", titleEn: "Business licence",
        departmentZh: "海口市行政审批服务局", departmentEn: "Haikou Administrative Approval Bureau",
        resultCode: "HK-\(id)", documentDigest: String(repeating: "ab", count: 32),
        state: state, expiresAt: expiresAt)
}
