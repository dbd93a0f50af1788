import Foundation
import GRDB
import Outbox
import WireFormat

/// The pickup manifest and its change sequence.
///
/// Every change to a pickup — an upsert, a collection at a kiosk or a counter, a withdrawal —
/// gives it the next value of the sequence, so a kiosk that asks for the changes since its
/// cursor sees each pickup in its latest state exactly once.
extension StandInStore {
    /// Inserts or replaces pickups; each one moves to the end of the change sequence.
    func upsertPickups(_ pickups: [PlatformAPI.PickupRecord]) async throws(StandInError) {
        try await write { db in
            for pickup in pickups { try Self.put(pickup, into: db, replacing: true) }
        }
    }

    /// Inserts the pickups the store does not know yet and leaves the others untouched, so
    /// seeding again at a restart keeps what kiosks collected. Returns how many were new.
    func insertMissingPickups(_ pickups: [PlatformAPI.PickupRecord]) async throws(StandInError) -> Int {
        try await write { db in
            var inserted = 0
            for pickup in pickups {
                try Self.put(pickup, into: db, replacing: false)
                inserted += db.changesCount
            }
            return inserted
        }
    }

    /// Up to `limit` pickups changed after `since`, in change order, and whether more wait.
    func pickups(since: Int64, limit: Int) async throws(StandInError) -> PlatformAPI.PickupPage {
        try await read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM pickup WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [since, limit + 1])
            let page = rows.prefix(limit)
            let cursor: Int64 = page.last?["seq"] ?? since
            return PlatformAPI.PickupPage(
                cursor: String(cursor), more: rows.count > limit, pickups: page.map(Self.pickup(from:)))
        }
    }

    /// The pickup with this id, or nil.
    func pickup(id: String) async throws(StandInError) -> PlatformAPI.PickupRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM pickup WHERE id = ?", arguments: [id]).map(Self.pickup(from:))
        }
    }

    /// Records that the pickup was collected somewhere other than a kiosk of this stand-in (a
    /// counter, another region), as the platform would learn it.
    func collectElsewhere(pickupID: String, by: String, at: Date) async throws(StandInError) -> PlatformAPI.PickupRecord {
        try await change(pickupID: pickupID) { db in
            try db.execute(
                sql: "UPDATE pickup SET state = 'collected', collected_by = ?, collected_at = ?, seq = ? WHERE id = ?",
                arguments: [by, at.unixMilliseconds, try Self.nextSequence(db), pickupID])
        }
    }

    /// Records that the issuing department took the pickup back: kiosks purge it from their cache.
    func withdraw(pickupID: String) async throws(StandInError) -> PlatformAPI.PickupRecord {
        try await change(pickupID: pickupID) { db in
            try db.execute(
                sql: "UPDATE pickup SET state = 'withdrawn', seq = ? WHERE id = ?",
                arguments: [try Self.nextSequence(db), pickupID])
        }
    }

    private func change(
        pickupID: String, _ update: @escaping @Sendable (Database) throws -> Void
    ) async throws(StandInError) -> PlatformAPI.PickupRecord {
        try await write { db in
            try update(db)
            guard db.changesCount > 0,
                  let row = try Row.fetchOne(db, sql: "SELECT * FROM pickup WHERE id = ?", arguments: [pickupID]) else {
                throw StandInError.unknownPickup(pickupID)
            }
            return Self.pickup(from: row)
        }
    }

    /// The next value of the change sequence.
    static func nextSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM pickup") ?? 1
    }

    private static func put(_ pickup: PlatformAPI.PickupRecord, into db: Database, replacing: Bool) throws {
        let onConflict = replacing
            ? """
              ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, holder_key = excluded.holder_key,
                  pickup_code_hash = excluded.pickup_code_hash, title_zh = excluded.title_zh,
                  title_en = excluded.title_en, department_zh = excluded.department_zh,
                  department_en = excluded.department_en, result_code = excluded.result_code,
                  document_digest = excluded.document_digest, state = excluded.state,
                  collected_at = excluded.collected_at, collected_by = excluded.collected_by,
                  expires_at = excluded.expires_at
              """
            : "ON CONFLICT (id) DO NOTHING"
        let statement = try db.cachedStatement(sql: """
            INSERT INTO pickup (id, seq, holder_key, pickup_code_hash, title_zh, title_en, department_zh,
                department_en, result_code, document_digest, state, collected_at, collected_by, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            \(onConflict)
            """)
        try statement.execute(arguments: [
            pickup.id, try nextSequence(db), pickup.holderKey, pickup.pickupCodeHash, pickup.titleZh,
            pickup.titleEn, pickup.departmentZh, pickup.departmentEn, pickup.resultCode, pickup.documentDigest,
            pickup.state.rawValue, pickup.collectedAt?.unixMilliseconds, pickup.collectedBy,
            pickup.expiresAt?.unixMilliseconds,
        ])
    }

    static func pickup(from row: Row) -> PlatformAPI.PickupRecord {
        PlatformAPI.PickupRecord(
            id: row["id"], holderKey: row["holder_key"], pickupCodeHash: row["pickup_code_hash"],
            titleZh: row["title_zh"], titleEn: row["title_en"],
            departmentZh: row["department_zh"], departmentEn: row["department_en"],
            resultCode: row["result_code"], documentDigest: row["document_digest"],
            state: PlatformAPI.PickupRecord.State(rawValue: row["state"]) ?? .ready,
            collectedAt: (row["collected_at"] as Int64?).map(Date.init(unixMilliseconds:)),
            collectedBy: row["collected_by"],
            expiresAt: (row["expires_at"] as Int64?).map(Date.init(unixMilliseconds:)))
    }
}
