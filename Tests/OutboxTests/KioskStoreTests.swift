import Foundation
import GRDB
import Logging
import Testing
@testable import Outbox

@Suite("KioskStore: opening, durability settings, reopening")
struct KioskStoreTests {
    @Test("after opening, journal_mode is wal, synchronous is FULL, foreign keys and busy timeout are on")
    func settingsAfterOpen() throws {
        try withStore { store, _ in
            let settings = try store.settings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
            #expect(settings.foreignKeys)
            #expect(settings.busyTimeoutMilliseconds == 5_000)
        }
    }

    @Test("the settings hold again after the file is closed and opened again")
    func settingsAfterReopen() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("kiosk.sqlite").path
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            do {
                let first = try KioskStore(path: path, logger: logger)
                try first.enqueue(type: .rating, payload: Data("{}".utf8))
                try first.close()
            }
            let second = try KioskStore(path: path, logger: logger)
            let settings = try second.settings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
            #expect(try second.counts().pending == 1)
        }
    }

    @Test("opening logs the path and the durability settings")
    func openIsLogged() throws {
        let recorder = LogRecorder()
        try withStore(logger: recorder.logger) { store, _ in
            let opened = recorder.records.first { $0.message == "kiosk store opened" }
            #expect(opened?.level == .info)
            #expect(opened?.metadata["path"] == "\(store.path)")
            #expect(opened?.metadata["synchronous"] == "full")
        }
    }

    @Test("all migrations are applied, by name, once")
    func migrations() throws {
        try withStore { store, directory in
            #expect(KioskStore.migrationNames == ["v1-outbox", "v1-pickups", "v1-documents", "v1-results", "v2-delivery"])
            let queue = try DatabaseQueue(path: store.path)
            let applied = try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
            #expect(applied.sorted() == KioskStore.migrationNames.sorted())
            let tables = try queue.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM pragma_table_list WHERE schema = 'main' AND strict = 1")
            }
            #expect(Set(tables) == ["outbox_item", "pickup", "document", "result_status", "sync_state", "operator_alert", "outbox_attachment"])
            try queue.close()
            // Opening again applies nothing twice (a second CREATE TABLE would throw).
            _ = try KioskStore(path: store.path, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
    }

    @Test("a path whose folder is a file gives an operator's message")
    func cannotOpen() throws {
        try withTemporaryDirectory { directory in
            let notAFolder = directory.appendingPathComponent("plain-file")
            try Data("x".utf8).write(to: notAFolder)
            let path = notAFolder.appendingPathComponent("kiosk.sqlite").path
            let error = #expect(throws: StoreError.self) {
                _ = try KioskStore(path: path, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
            }
            guard case let .cannotOpen(errorPath, _)? = error else {
                Issue.record("expected cannotOpen, got \(String(describing: error))")
                return
            }
            #expect(errorPath == path)
            #expect(error?.description.hasPrefix("the database at \(path) cannot be opened") == true)
        }
    }

    @Test("a file that is not a database is refused as damaged")
    func notADatabase() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("kiosk.sqlite")
            try Data(repeating: 0x5a, count: 4096).write(to: url)
            let error = #expect(throws: StoreError.self) {
                _ = try KioskStore(path: url.path, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
            }
            guard case .corrupted? = error else {
                Issue.record("expected corrupted, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("quick_check passes on a sound database")
    func integrityCheck() throws {
        try withStore { store, _ in
            try store.enqueue(type: .deviceEvent, payload: Data("{}".utf8))
            #expect(try store.integrityCheck())
        }
    }

    @Test("what one store wrote, a new store on the same file reads back")
    func durableAcrossReopen() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("kiosk.sqlite").path
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let when = Date(timeIntervalSince1970: 1_750_000_000.123)
            let (item, digest) = try { () throws -> (OutboxItem, String) in
                let first = try KioskStore(path: path, logger: logger)
                let item = try first.enqueue(type: .submission, payload: Data(#"{"form":"food-licence"}"#.utf8), occurredAt: when)
                try first.upsertPickups([samplePickup(id: "p1")])
                let digest = try first.storeDocument(Data("%PDF-1.7".utf8), format: "application/pdf")
                try first.upsertResults([ResultStatus(code: "R1", status: .approved, titleZh: "许可", titleEn: "Licence", updatedAt: when)])
                return (item, digest)
                // `first` is released here, which closes its connection without a checkpoint.
            }()
            let second = try KioskStore(path: path, logger: logger)
            #expect(try second.item(id: item.id) == item)
            #expect(try second.pickup(id: "p1") == samplePickup(id: "p1"))
            #expect(try second.document(digest: digest)?.data == Data("%PDF-1.7".utf8))
            #expect(try second.result(code: "R1")?.status == .approved)
        }
    }

    @Test("a copy of the file and its WAL taken without closing holds all 1,000 committed items")
    func crashCopy() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("kiosk.sqlite").path
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let store = try KioskStore(path: path, logger: logger)
            var ids: [String] = []
            for n in 0..<1_000 {
                ids.append(try store.enqueue(type: .deviceEvent, payload: Data(#"{"n":\#(n)}"#.utf8)).id)
            }
            // The store stays open: copy what is on disk, as a power cut would leave it. The -shm
            // index is not copied; SQLite rebuilds it from the WAL.
            let copy = directory.appendingPathComponent("copy.sqlite").path
            let fileManager = FileManager.default
            #expect(fileManager.fileExists(atPath: path + "-wal"))
            try fileManager.copyItem(atPath: path, toPath: copy)
            try fileManager.copyItem(atPath: path + "-wal", toPath: copy + "-wal")

            let recovered = try KioskStore(path: copy, logger: logger)
            #expect(try recovered.counts().pending == 1_000)
            let items = try recovered.items(state: .pending, limit: 2_000)
            #expect(items.map(\.id) == ids)
            #expect(items.last?.payload == Data(#"{"n":999}"#.utf8))
            #expect(try recovered.integrityCheck())
            withExtendedLifetime(store) {}
        }
    }
}
