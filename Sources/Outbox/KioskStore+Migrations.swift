import Foundation
import GRDB

/// The schema, as named migrations that GRDB records in `grdb_migrations` and applies once each.
///
/// Rules for whoever adds to this file: never edit or reorder a migration that has shipped; add a
/// new one with a new name ("v2-…"). Tables are
/// [STRICT](https://www.sqlite.org/stricttables.html), so a value of the wrong type is refused
/// instead of stored. Times are INTEGER Unix milliseconds (UTC): exact to compare, cheap to index,
/// and read back into the same `Date` the caller stored.
///
/// Related documentation:
/// - [GRDB Migrations](https://swiftpackageindex.com/groue/grdb.swift/documentation/grdb/migrations)
/// - [CREATE TABLE](https://www.sqlite.org/lang_createtable.html)
extension KioskStore {
    /// The names of the schema migrations, in the order they run.
    public static var migrationNames: [String] { migrations.map(\.name) }

    private static let migrations: [(name: String, sql: String)] = [
        ("v1-outbox", """
            -- The durable work queue (DESIGN decisions 5 and 6). id is a lower-case UUIDv7: unique,
            -- sent as the Idempotency-Key, and sorting in creation order.
            CREATE TABLE outbox_item (
                id TEXT NOT NULL PRIMARY KEY,
                type TEXT NOT NULL,
                occurred_at INTEGER NOT NULL,
                payload BLOB NOT NULL,
                payload_key_id TEXT,
                state TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'in-flight', 'delivered', 'retry', 'dead')),
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at INTEGER,
                last_error TEXT,
                lease_until INTEGER,
                created_at INTEGER NOT NULL
            ) STRICT;
            -- Listing and counting by state, in queue order.
            CREATE INDEX outbox_item_by_state ON outbox_item(state, id);
            """),
        ("v1-pickups", """
            -- Certificates ready for collection at this kiosk, from the platform's pickup manifest.
            -- holder_key is a salted hash of the holder's ID or document number and
            -- pickup_code_hash a hash of the pickup code: the numbers themselves are never stored.
            CREATE TABLE pickup (
                id TEXT NOT NULL PRIMARY KEY,
                holder_key TEXT NOT NULL,
                pickup_code_hash TEXT,
                title_zh TEXT NOT NULL,
                title_en TEXT NOT NULL,
                department_zh TEXT NOT NULL,
                department_en TEXT NOT NULL,
                result_code TEXT,
                document_digest TEXT
                    CHECK (document_digest IS NULL
                           OR (length(document_digest) = 64 AND document_digest NOT GLOB '*[^0-9a-f]*')),
                state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'collected')),
                collected_at INTEGER,
                expires_at INTEGER
            ) STRICT;
            CREATE INDEX pickup_by_holder_key ON pickup(holder_key);
            CREATE INDEX pickup_by_code_hash ON pickup(pickup_code_hash);
            """),
        ("v1-documents", """
            -- Certificate documents (PDF) named by the SHA-256 of their bytes, as the platform
            -- names them in GET /v1/documents/{sha256}.
            CREATE TABLE document (
                digest TEXT NOT NULL PRIMARY KEY
                    CHECK (length(digest) = 64 AND digest NOT GLOB '*[^0-9a-f]*'),
                format TEXT NOT NULL,
                data BLOB NOT NULL,
                stored_at INTEGER NOT NULL
            ) STRICT;
            """),
        ("v1-results", """
            -- The status of approval results, looked up by the unified code printed on them.
            CREATE TABLE result_status (
                code TEXT NOT NULL PRIMARY KEY,
                status TEXT NOT NULL,
                title_zh TEXT NOT NULL,
                title_en TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            ) STRICT;
            """),
        ("v2-delivery", """
            -- When and how the platform took an item (accepted, duplicate, conflict), so delivered
            -- items can be pruned after the retention period and conflicts shown to operators.
            ALTER TABLE outbox_item ADD COLUMN delivered_at INTEGER;
            ALTER TABLE outbox_item ADD COLUMN outcome TEXT;
            CREATE INDEX outbox_item_delivered ON outbox_item(delivered_at) WHERE state = 'delivered';
            CREATE INDEX outbox_item_due ON outbox_item(next_attempt_at) WHERE state = 'retry';
            -- Where a pickup was collected, as the platform's manifest says; NULL when collected
            -- here and not yet confirmed, which is how a collection made twice is told apart.
            ALTER TABLE pickup ADD COLUMN collected_by TEXT;
            -- Small named values that must survive a restart: the pickup-sync cursor.
            CREATE TABLE sync_state (
                name TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL
            ) STRICT;
            -- Things an operator must look at that no device reports: a pickup collected twice, the
            -- queue over its size cap, the platform refusing the kiosk's token. One open alert per
            -- code and subject; clearing keeps the row for the record.
            CREATE TABLE operator_alert (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL,
                subject TEXT NOT NULL DEFAULT '',
                detail TEXT NOT NULL,
                raised_at INTEGER NOT NULL,
                cleared_at INTEGER
            ) STRICT;
            CREATE UNIQUE INDEX operator_alert_open ON operator_alert(code, subject) WHERE cleared_at IS NULL;
            -- Large files that travel with an item (scanned pages), kept as files beside the
            -- database (sealed when the item's type carries personal data and a key is set) and
            -- uploaded, streamed, before the item itself.
            CREATE TABLE outbox_attachment (
                item_id TEXT NOT NULL REFERENCES outbox_item(id) ON DELETE CASCADE,
                digest TEXT NOT NULL CHECK (length(digest) = 64 AND digest NOT GLOB '*[^0-9a-f]*'),
                media_type TEXT NOT NULL,
                size INTEGER NOT NULL CHECK (size >= 0),
                file TEXT NOT NULL,
                key_id TEXT,
                uploaded INTEGER NOT NULL DEFAULT 0 CHECK (uploaded IN (0, 1)),
                PRIMARY KEY (item_id, digest)
            ) STRICT;
            """),
    ]

    private struct MigrationFailure: Error {
        var name: String
        var underlying: any Error
    }

    /// Applies the migrations this build knows and has not applied yet.
    func migrate() throws(StoreError) {
        var migrator = DatabaseMigrator()
        for migration in Self.migrations {
            migrator.registerMigration(migration.name) { db in
                do {
                    try db.execute(sql: migration.sql)
                } catch {
                    throw MigrationFailure(name: migration.name, underlying: error)
                }
            }
        }
        do {
            try migrator.migrate(dbQueue)
            let superseded = try dbQueue.read { try migrator.hasBeenSuperseded($0) }
            if superseded {
                // A newer kioskd wrote this file, then the package was rolled back. Migrations
                // only ever add (see above), so the tables this build uses are still there:
                // keep going, but say so.
                logger.warning("the database has migrations this kioskd does not know; was the package downgraded?",
                               metadata: ["path": "\(path)"])
            }
        } catch let failure as MigrationFailure {
            let reason = (failure.underlying as? DatabaseError)?.message ?? String(describing: failure.underlying)
            throw StoreError.migrationFailed(path: path, migration: failure.name, reason: reason)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }
}
