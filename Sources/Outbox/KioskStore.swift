import Foundation
import GRDB
import Logging
import Synchronization

/// The kiosk's one SQLite database: the outbox, the pickup cache, cached documents and result
/// statuses.
///
/// One `DatabaseQueue`, hence one connection and one writer (DESIGN decision 5). The kiosk is a
/// single process with little concurrent reading, and a single connection keeps clear of SQLite's
/// WAL-reset race in versions before 3.51.3.
///
/// ## Durability
///
/// The store opens the file in write-ahead-log mode and sets `PRAGMA synchronous = FULL`: every
/// commit syncs the WAL to disk before it returns, so an outbox item that ``enqueue(type:payload:occurredAt:)``
/// returned survives a power cut. GRDB's own WAL set-up chooses NORMAL, which is durable against a
/// crash of the process but may lose the last commits on power loss — not good enough for a
/// citizen's submission or a record that a certificate left the machine. The store therefore makes
/// the settings itself each time SQLite opens the connection, then reads them back, and refuses to
/// open (throwing ``StoreError``) when they did not hold.
///
/// - Note: the store sets WAL itself instead of using `Configuration.journalMode = .wal`, because
///   `DatabaseQueue` applies that option *after* the functions given to `prepareDatabase`, and it
///   sets `synchronous = NORMAL` on its way.
///
/// ## Blocking
///
/// Methods are synchronous and may wait for an `fsync`. Call them from a thread or executor that
/// may block, not in a tight loop on the cooperative pool (DESIGN decision 2).
///
/// Related SQLite documentation:
/// - [Write-Ahead Logging](https://www.sqlite.org/wal.html)
/// - [PRAGMA synchronous](https://www.sqlite.org/pragma.html#pragma_synchronous)
/// - [PRAGMA journal_mode](https://www.sqlite.org/pragma.html#pragma_journal_mode)
public final class KioskStore: Sendable {
    /// The database file.
    public let path: String
    let dbQueue: DatabaseQueue
    let logger: Logger
    /// Seals the payloads of item types that carry personal data; nil keeps them in the clear
    /// (the demo, or a kiosk whose configuration does not require sealing).
    public let sealer: Sealer?
    private let queuedObservers = Mutex<[@Sendable () -> Void]>([])

    /// How long a write waits for a lock held by another connection (an operator's `sqlite3`
    /// shell, a backup) before it fails with ``StoreError/busy(path:)``.
    ///
    /// See <https://www.sqlite.org/c3ref/busy_timeout.html>.
    public static let busyTimeout: TimeInterval = 5

    /// Opens the database at `path`, creating the file if needed, and brings its schema up to date.
    ///
    /// - parameters:
    ///   - path: The database file. Its folder must exist; SQLite creates `PATH-wal` and
    ///     `PATH-shm` beside it.
    ///   - logger: Where the store reports opening, migrations and damaged documents.
    ///   - sealer: Seals payloads with personal data (``OutboxItemType/carriesPersonalData``).
    /// - throws: ``StoreError`` when the file cannot be opened or written, when WAL mode or
    ///   `synchronous = FULL` do not hold, or when a migration fails.
    public init(path: String, logger: Logger, sealer: Sealer? = nil) throws(StoreError) {
        self.path = path
        self.logger = logger
        self.sealer = sealer

        var configuration = Configuration()
        configuration.label = "kiosk.store"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        // `.default` keeps DatabaseQueue from running its own WAL set-up, which would put
        // `synchronous` back to NORMAL after the function below.
        configuration.journalMode = .default
        configuration.prepareDatabase { db in
            // Each statement is a no-op when the setting already holds. journal_mode is
            // persistent in the file; synchronous belongs to the connection and must be set on
            // every open.
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }

        do {
            dbQueue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.wrap(error, path: path)
        }

        try verifySettings()
        try migrate()
        logger.info("kiosk store opened", metadata: [
            "path": "\(path)", "journal_mode": "wal", "synchronous": "full",
        ])
    }

    /// What SQLite reports for the settings the store relies on.
    public struct Settings: Sendable, Equatable {
        /// `PRAGMA journal_mode`, `"wal"` when all is well.
        public var journalMode: String
        /// `PRAGMA synchronous`: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. The store requires 2.
        public var synchronous: Int
        /// `PRAGMA foreign_keys`.
        public var foreignKeys: Bool
        /// `PRAGMA busy_timeout`, in milliseconds.
        public var busyTimeoutMilliseconds: Int
    }

    /// Reads the durability settings back from the open connection, for tests and for
    /// `kioskctl status`.
    public func settings() throws(StoreError) -> Settings {
        try read { db in
            Settings(
                journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                foreignKeys: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
                busyTimeoutMilliseconds: try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0)
        }
    }

    /// Checks that the connection kept WAL, synchronous FULL and foreign keys, and that the file
    /// takes writes: a kiosk that cannot keep what it queues does not start.
    private func verifySettings() throws(StoreError) {
        let settings = try settings()
        guard settings.journalMode.lowercased() == "wal" else {
            throw .walUnavailable(path: path, found: settings.journalMode)
        }
        guard settings.synchronous == 2 else {
            throw .synchronousNotFull(path: path, found: settings.synchronous)
        }
        guard settings.foreignKeys else {
            throw .foreignKeysOff(path: path)
        }
        // Writing the header's user_version back unchanged is the cheapest real write; it fails
        // here, with a clear error, rather than at the first enqueue.
        try write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
    }

    /// Runs `PRAGMA quick_check` and returns whether the database reports itself sound.
    ///
    /// Problems are logged at error level. `quick_check` is O(N) and skips the index-content
    /// checks of `integrity_check`, so it can run at start-up and on an operator's request.
    ///
    /// See <https://www.sqlite.org/pragma.html#pragma_quick_check>.
    public func integrityCheck() throws(StoreError) -> Bool {
        let report = try read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        if report == ["ok"] { return true }
        logger.error("database quick_check found problems", metadata: [
            "path": "\(path)", "problems": "\(report.prefix(20).joined(separator: "; "))",
        ])
        return false
    }

    /// Checkpoints the WAL into the main file and closes the connection. Further use of the store
    /// throws. Closing is optional: the connection also closes when the store is released.
    public func close() throws(StoreError) {
        do {
            try dbQueue.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
            }
            try dbQueue.close()
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Calls `observer` after every commit that queued an item: the uploader wakes on it.
    public func observeQueued(_ observer: @escaping @Sendable () -> Void) {
        queuedObservers.withLock { $0.append(observer) }
    }

    func notifyQueued() {
        for observer in queuedObservers.withLock({ $0 }) { observer() }
    }

    // MARK: - Access

    /// Runs `updates` in one write transaction, rolled back if it throws.
    func write<T>(_ updates: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try dbQueue.write(updates)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Runs `value` in a read-only access.
    func read<T>(_ value: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try dbQueue.read(value)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }
}
