import Foundation
import GRDB
import Logging

/// The stand-in's SQLite database: received events, the idempotency keys of answered batches,
/// the pickup manifest with its change sequence, and certificate documents.
///
/// One `DatabaseQueue` in write-ahead-log mode. Unlike the kiosk's own store, it keeps GRDB's
/// `synchronous = NORMAL`: a stand-in may lose its last commits on power loss, and NORMAL lets one
/// batch of hundreds of items commit with a single WAL append and no `fsync`, which is what the
/// throughput target (well above 5,000 items/s on 2 cores) needs.
///
/// Every method is `async` and runs on GRDB's own serial queue, never blocking the cooperative
/// thread pool (DESIGN decision 2). One writer serialises all writes, so two requests with the
/// same `Idempotency-Key` can never both be processed: the second one sees the first's answer.
///
/// Related SQLite documentation:
/// - [Write-Ahead Logging](https://www.sqlite.org/wal.html)
/// - [PRAGMA synchronous](https://www.sqlite.org/pragma.html#pragma_synchronous)
final class StandInStore: Sendable {
    let path: String
    let dbQueue: DatabaseQueue

    init(path: String, logger: Logger) throws(StandInError) {
        self.path = path
        var configuration = Configuration()
        configuration.label = "platform.store"
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(5)
        do {
            dbQueue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(dbQueue)
        } catch {
            throw .store("\(path): \(error)")
        }
        logger.debug("platform store opened", metadata: ["path": "\(path)"])
    }

    /// Runs `updates` in one write transaction, rolled back if it throws.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws(StandInError) -> T {
        do {
            return try await dbQueue.write(updates)
        } catch let error as StandInError {
            throw error
        } catch {
            throw .store("\(path): \(error)")
        }
    }

    /// Runs `value` in a read-only access.
    func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws(StandInError) -> T {
        do {
            return try await dbQueue.read(value)
        } catch let error as StandInError {
            throw error
        } catch {
            throw .store("\(path): \(error)")
        }
    }

    /// The schema as named migrations. Tables are
    /// [STRICT](https://www.sqlite.org/stricttables.html); times are INTEGER Unix milliseconds.
    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            try db.execute(sql: """
                -- One row per stored item; (kiosk_id, id) is the item's idempotency key.
                -- Rejected items are not stored. deliveries counts accepted, conflict and
                -- duplicate answers for the id: how many times the kiosk sent it.
                CREATE TABLE event (
                    kiosk_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    received_at INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('accepted', 'conflict')),
                    reason TEXT,
                    deliveries INTEGER NOT NULL DEFAULT 1,
                    PRIMARY KEY (kiosk_id, id)
                ) STRICT;
                -- The answer to each batch, replayed for a request with the same key and body
                -- (draft-ietf-httpapi-idempotency-key-header).
                CREATE TABLE idempotency_key (
                    kiosk_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    body_sha256 TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    response BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (kiosk_id, key)
                ) STRICT;
                """)
        }
        migrator.registerMigration("v1-pickups") { db in
            try db.execute(sql: """
                -- The manifest. seq is the change sequence: every change takes the next value,
                -- and GET /v1/kiosks/{id}/pickups?since=N returns the rows with seq > N.
                CREATE TABLE pickup (
                    id TEXT NOT NULL PRIMARY KEY,
                    seq INTEGER NOT NULL UNIQUE,
                    holder_key TEXT NOT NULL,
                    pickup_code_hash TEXT,
                    title_zh TEXT NOT NULL,
                    title_en TEXT NOT NULL,
                    department_zh TEXT NOT NULL,
                    department_en TEXT NOT NULL,
                    result_code TEXT,
                    document_digest TEXT,
                    state TEXT NOT NULL CHECK (state IN ('ready', 'collected', 'withdrawn')),
                    collected_at INTEGER,
                    collected_by TEXT,
                    expires_at INTEGER
                ) STRICT;
                """)
        }
        migrator.registerMigration("v1-documents") { db in
            try db.execute(sql: """
                -- Certificate documents by the lower-hex SHA-256 of their bytes.
                CREATE TABLE document (
                    sha256 TEXT NOT NULL PRIMARY KEY
                        CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
                    content_type TEXT NOT NULL,
                    bytes BLOB NOT NULL,
                    stored_at INTEGER NOT NULL
                ) STRICT;
                """)
        }
        return migrator
    }
}
