import Foundation
import GRDB
import WireFormat

/// Applying the platform's pickup manifest to the cache (`GET /v1/kiosks/{kioskId}/pickups`).
extension KioskStore {
    /// A pickup that the manifest says was collected elsewhere while this kiosk also handed it out.
    public struct PickupConflict: Sendable, Equatable {
        public var pickupID: String
        public var collectedBy: String
        public var collectedAt: Date?
    }

    /// Applies one page of pickup changes and stores the page's cursor, in one transaction, so a
    /// crash never skips a change nor stores a cursor past changes not applied.
    ///
    /// - Ready and collected records are upserted; a pickup collected here stays collected.
    /// - A withdrawn record is deleted from the cache.
    /// - A record collected by someone other than `kioskID`, for a pickup this kiosk collected and
    ///   the platform has not yet confirmed, is a conflict: returned, for an operator alert.
    public func applyPickupPage(
        _ records: [PlatformAPI.PickupRecord], cursor: String, kioskID: String, cursorName: String = "pickups.cursor"
    ) throws(StoreError) -> [PickupConflict] {
        try write { db in
            var conflicts: [PickupConflict] = []
            let upsert = try db.cachedStatement(sql: Self.pickupUpsertSQL)

            for record in records {
                let local = try Row.fetchOne(db, sql: "SELECT state, collected_by FROM pickup WHERE id = ?", arguments: [record.id])
                let collectedHereUnconfirmed = local.map { ($0["state"] as String) == "collected" && ($0["collected_by"] as String?) == nil } ?? false
                if collectedHereUnconfirmed, record.state != .ready, record.collectedBy != kioskID {
                    conflicts.append(PickupConflict(
                        pickupID: record.id, collectedBy: record.collectedBy ?? (record.state == .withdrawn ? "withdrawn" : "unknown"),
                        collectedAt: record.collectedAt))
                }
                if record.state == .withdrawn {
                    // A pickup collected here stays, as the record of what left the machine.
                    if !collectedHereUnconfirmed {
                        try db.execute(sql: "DELETE FROM pickup WHERE id = ?", arguments: [record.id])
                    }
                    continue
                }
                try upsert.execute(arguments: [
                    record.id, record.holderKey, record.pickupCodeHash, record.titleZh, record.titleEn,
                    record.departmentZh, record.departmentEn, record.resultCode, record.documentDigest?.lowercased(),
                    record.state == .collected ? "collected" : "ready",
                    record.collectedAt?.unixMilliseconds, record.expiresAt?.unixMilliseconds,
                    record.state == .collected ? (record.collectedBy ?? "elsewhere") : nil,
                ])
            }
            try db.execute(sql: """
                INSERT INTO sync_state (name, value) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """, arguments: [cursorName, cursor])
            return conflicts
        }
    }

    /// Digests of documents that cached pickups still waiting for collection name but the store
    /// does not hold.
    public func missingDocuments() throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT p.document_digest FROM pickup p
                WHERE p.document_digest IS NOT NULL AND p.state = 'ready'
                  AND NOT EXISTS (SELECT 1 FROM document d WHERE d.digest = p.document_digest)
                """)
        }
    }

    /// Deletes pickups that expired before `cutoff`, and documents no pickup names any more.
    ///
    /// - returns: How many pickups were purged.
    @discardableResult
    public func purgeExpiredPickups(expiredBefore cutoff: Date) throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM pickup WHERE expires_at IS NOT NULL AND expires_at < ?",
                           arguments: [cutoff.unixMilliseconds])
            let purged = db.changesCount
            try db.execute(sql: """
                DELETE FROM document WHERE NOT EXISTS (SELECT 1 FROM pickup p WHERE p.document_digest = document.digest)
                """)
            return purged
        }
    }
}
