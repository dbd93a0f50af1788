import Foundation
import GRDB
import WireFormat

/// The pickup cache: certificates ready for collection at this kiosk, kept from the platform's
/// manifest so that a citizen can collect while the link is down.
///
/// A collection is recorded locally and reported through the outbox in one transaction
/// (``recordCollection(pickupID:type:payload:occurredAt:)``): either the pickup is marked collected
/// *and* the report is queued, or neither happens.
///
/// Related SQLite documentation: [UPSERT](https://www.sqlite.org/lang_upsert.html),
/// [Transactions](https://www.sqlite.org/lang_transaction.html).
extension KioskStore {
    /// Adds pickups from the manifest, or updates those already known, in one transaction.
    ///
    /// A pickup collected here stays collected even if the manifest, fetched before the platform
    /// heard of the collection, still says ready: the kiosk must never hand out a certificate twice.
    /// A pickup the manifest marks collected (collected at another window, 跨域取证) becomes
    /// collected here too.
    public func upsertPickups(_ pickups: [Pickup]) throws(StoreError) {
        guard !pickups.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(sql: Self.pickupUpsertSQL)

            for pickup in pickups {
                try statement.execute(arguments: [
                    pickup.id, pickup.holderKey, pickup.pickupCodeHash,
                    pickup.titleZh, pickup.titleEn, pickup.departmentZh, pickup.departmentEn,
                    pickup.resultCode, pickup.documentDigest?.lowercased(), pickup.state.rawValue,
                    pickup.collectedAt?.unixMilliseconds, pickup.expiresAt?.unixMilliseconds, nil,
                ])
            }
        }
        logger.debug("pickups updated from manifest", metadata: ["count": "\(pickups.count)"])
    }

    /// The pickups a holder can collect now: ready and not expired, oldest id first.
    ///
    /// - parameters:
    ///   - holderKey: The salted hash of the presented ID or document number.
    ///   - now: The time that decides expiry.
    public func readyPickups(holderKey: String, now: Date = .now) throws(StoreError) -> [Pickup] {
        try readyPickups(where: "holder_key = ?", value: holderKey, now: now)
    }

    /// The pickups a pickup code opens now: ready and not expired, oldest id first.
    ///
    /// - parameters:
    ///   - pickupCodeHash: The hash of the entered or scanned pickup code.
    ///   - now: The time that decides expiry.
    public func readyPickups(pickupCodeHash: String, now: Date = .now) throws(StoreError) -> [Pickup] {
        try readyPickups(where: "pickup_code_hash = ?", value: pickupCodeHash, now: now)
    }

    /// The pickup with this id, whatever its state, or nil.
    public func pickup(id: String) throws(StoreError) -> Pickup? {
        let path = self.path
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.pickupColumns) FROM pickup WHERE id = ?", arguments: [id])
                .map { row throws(StoreError) in try Pickup(row: row, path: path) }
        }
    }

    /// Marks a pickup collected and queues the report of it, in one transaction.
    ///
    /// Call it once the certificate has come out of the printer and the citizen confirmed. If it
    /// throws, nothing was written: the pickup keeps its state and no item is queued.
    ///
    /// - parameters:
    ///   - pickupID: The pickup collected.
    ///   - type: The item type; `.collection` unless a flow reports it otherwise.
    ///   - payload: The JSON body for the platform.
    ///   - occurredAt: When it was collected; also the collection time stored on the pickup, and
    ///     the time its expiry is checked against.
    /// - returns: The queued outbox item.
    /// - throws: ``StoreError/unknownPickup(id:)``, ``StoreError/alreadyCollected(id:collectedAt:)``,
    ///   ``StoreError/pickupExpired(id:expiresAt:)``, or a database error.
    @discardableResult
    public func recordCollection(
        pickupID: String, type: OutboxItemType = .collection, payload: Data, occurredAt: Date = .now
    ) throws(StoreError) -> OutboxItem {
        let item = try write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT state, collected_at, expires_at FROM pickup WHERE id = ?
                """, arguments: [pickupID])
            else {
                throw StoreError.unknownPickup(id: pickupID)
            }
            let state: String = row["state"]
            if state == Pickup.State.collected.rawValue {
                let collectedAt = (row["collected_at"] as Int64?).map(Date.init(unixMilliseconds:))
                throw StoreError.alreadyCollected(id: pickupID, collectedAt: collectedAt)
            }
            if let expiresAt = (row["expires_at"] as Int64?).map(Date.init(unixMilliseconds:)),
               occurredAt.wholeMilliseconds >= expiresAt {
                throw StoreError.pickupExpired(id: pickupID, expiresAt: expiresAt)
            }
            try db.execute(sql: """
                UPDATE pickup SET state = 'collected', collected_at = ? WHERE id = ? AND state = 'ready'
                """, arguments: [occurredAt.unixMilliseconds, pickupID])
            guard db.changesCount == 1 else {
                // Cannot happen with one writer and the check above; refuse rather than queue a
                // collection that did not take.
                throw StoreError.alreadyCollected(id: pickupID, collectedAt: nil)
            }
            return try insertItem(db, type: type, payload: payload, occurredAt: occurredAt)
        }
        logger.info("pickup collected", metadata: ["pickup": "\(pickupID)", "item": "\(item.id)"])
        notifyQueued()
        return item
    }

    // MARK: - Private

    /// Adds a pickup or updates the one with its id. A pickup collected here stays collected
    /// (the kiosk must never hand a certificate out twice); where it was collected is kept
    /// unless the manifest names it.
    static let pickupUpsertSQL = """
        INSERT INTO pickup (
            id, holder_key, pickup_code_hash, title_zh, title_en, department_zh, department_en,
            result_code, document_digest, state, collected_at, expires_at, collected_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            holder_key = excluded.holder_key,
            pickup_code_hash = excluded.pickup_code_hash,
            title_zh = excluded.title_zh,
            title_en = excluded.title_en,
            department_zh = excluded.department_zh,
            department_en = excluded.department_en,
            result_code = excluded.result_code,
            document_digest = excluded.document_digest,
            state = CASE WHEN pickup.state = 'collected' OR excluded.state = 'collected'
                         THEN 'collected' ELSE 'ready' END,
            collected_at = coalesce(pickup.collected_at, excluded.collected_at),
            collected_by = coalesce(excluded.collected_by, pickup.collected_by),
            expires_at = excluded.expires_at
        """

    static let pickupColumns = """
        id, holder_key, pickup_code_hash, title_zh, title_en, department_zh, department_en, \
        result_code, document_digest, state, collected_at, expires_at
        """

    private func readyPickups(where condition: String, value: String, now: Date) throws(StoreError) -> [Pickup] {
        let path = self.path
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.pickupColumns) FROM pickup
                WHERE \(condition) AND state = 'ready' AND (expires_at IS NULL OR expires_at > ?)
                ORDER BY id
                """, arguments: [value, now.unixMilliseconds])
                .map { row throws(StoreError) in try Pickup(row: row, path: path) }
        }
    }
}

extension Pickup {
    /// Reads a pickup from a row of ``KioskStore/pickupColumns``.
    init(row: Row, path: String) throws(StoreError) {
        let id: String = row["id"]
        let stateName: String = row["state"]
        guard let state = State(rawValue: stateName) else {
            throw .database(path: path, reason: "pickup \(id) has the unknown state '\(stateName)'")
        }
        self.init(
            id: id, holderKey: row["holder_key"], pickupCodeHash: row["pickup_code_hash"],
            titleZh: row["title_zh"], titleEn: row["title_en"],
            departmentZh: row["department_zh"], departmentEn: row["department_en"],
            resultCode: row["result_code"], documentDigest: row["document_digest"], state: state,
            collectedAt: (row["collected_at"] as Int64?).map(Date.init(unixMilliseconds:)),
            expiresAt: (row["expires_at"] as Int64?).map(Date.init(unixMilliseconds:)))
    }
}
