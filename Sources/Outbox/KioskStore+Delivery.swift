import Foundation
import GRDB
import OutboxStatus
import WireFormat

/// Moving outbox items along their way to the platform (DESIGN decision 6):
///
/// ```
/// pending ──lease──> in-flight ──delivered──> delivered ──(retention)──> pruned
///    ^                  │  └──────rejected──> dead ──(operator retry)──> pending
///    └──── retry <──────┘ (network, timeout, 5xx, 429: next attempt at a later time)
/// ```
///
/// Every step is one transaction. A lease left behind by a crash is turned back into a retry by
/// ``recoverLeases(now:)`` when the uploader starts, so an item is never stuck in flight; it may
/// then be sent twice, which the platform answers `duplicate` because the item's id is its
/// `Idempotency-Key`.
extension KioskStore {
    /// An item leased for upload: the item and the size of its stored payload.
    public struct LeasedItem: Sendable, Equatable {
        public var item: OutboxItem
        /// The key id the payload is sealed under, nil when it is stored in the clear.
        public var keyID: String?
    }

    /// Leases the next items that are due, oldest first, and marks them in flight.
    ///
    /// Items waiting to retry whose time has come go before new ones, so a long backlog cannot
    /// starve an item that failed once.
    ///
    /// - parameters:
    ///   - maxItems: At most this many items.
    ///   - maxBytes: Stop adding items once their payloads reach this many bytes; the first item
    ///     is always taken, whatever its size, so a large item is not stuck forever.
    ///   - now: The time that decides which retries are due; the lease is stamped with it.
    ///   - leaseDuration: How long the lease holds, for the record; a crash is recovered at start.
    /// - returns: The leased items, with `state == .inFlight` and `attempts` counting this attempt.
    public func leaseBatch(
        maxItems: Int, maxBytes: Int, now: Date = .now, leaseDuration: TimeInterval = 120
    ) throws(StoreError) -> [LeasedItem] {
        let path = self.path
        let nowMS = now.unixMilliseconds
        return try write { db in
            let columns = "\(Self.itemColumns), payload_key_id, length(payload) AS size"
            var rows = try Row.fetchAll(db, sql: """
                SELECT \(columns) FROM outbox_item
                WHERE state = 'retry' AND next_attempt_at <= ? ORDER BY id LIMIT ?
                """, arguments: [nowMS, maxItems])
            if rows.count < maxItems {
                rows += try Row.fetchAll(db, sql: """
                    SELECT \(columns) FROM outbox_item WHERE state = 'pending' ORDER BY id LIMIT ?
                    """, arguments: [maxItems - rows.count])
            }
            var leased: [LeasedItem] = []
            var bytes = 0
            let update = try db.cachedStatement(sql: """
                UPDATE outbox_item SET state = 'in-flight', attempts = attempts + 1, lease_until = ?
                WHERE id = ?
                """)
            let leaseUntil = nowMS + Int64(leaseDuration * 1000)
            for row in rows {
                let size: Int = row["size"]
                if !leased.isEmpty && bytes + size > maxBytes { break }
                bytes += size
                var item = try OutboxItem(row: row, path: path)
                try update.execute(arguments: [leaseUntil, item.id])
                item.state = .inFlight
                item.attempts += 1
                leased.append(LeasedItem(item: item, keyID: row["payload_key_id"]))
            }
            return leased
        }
    }

    /// What the platform said of a delivered item.
    public enum DeliveryOutcome: String, Sendable, Codable {
        case accepted
        case duplicate
        case conflict
    }

    /// Marks leased items delivered, in one transaction.
    ///
    /// Only items still in flight change: an item an operator moved meanwhile keeps its state.
    /// - returns: How many items changed.
    @discardableResult
    public func markDelivered(
        _ ids: some Sequence<String>, outcome: DeliveryOutcome = .accepted, now: Date = .now
    ) throws(StoreError) -> Int {
        try write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE outbox_item
                SET state = 'delivered', delivered_at = ?, outcome = ?, lease_until = NULL,
                    next_attempt_at = NULL, last_error = NULL
                WHERE id = ? AND state = 'in-flight'
                """)
            var changed = 0
            for id in ids {
                try statement.execute(arguments: [now.unixMilliseconds, outcome.rawValue, id])
                changed += db.changesCount
            }
            return changed
        }
    }

    /// Puts leased items back to wait for another attempt, in one transaction.
    ///
    /// - parameters:
    ///   - ids: The items.
    ///   - nextAttempt: When each item may go again (backoff is the uploader's choice).
    ///   - error: Why this attempt failed, for `kioskctl queue list`.
    @discardableResult
    public func markForRetry(
        _ ids: some Sequence<String>, error: String, nextAttempt: (String) -> Date
    ) throws(StoreError) -> Int {
        try write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE outbox_item SET state = 'retry', next_attempt_at = ?, last_error = ?, lease_until = NULL
                WHERE id = ? AND state = 'in-flight'
                """)
            var changed = 0
            for id in ids {
                try statement.execute(arguments: [nextAttempt(id).unixMilliseconds, String(error.prefix(500)), id])
                changed += db.changesCount
            }
            return changed
        }
    }

    /// Moves a leased item to dead: the platform refused it for a reason sending again cannot fix.
    @discardableResult
    public func markDead(_ id: String, reason: String) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE outbox_item SET state = 'dead', last_error = ?, lease_until = NULL, next_attempt_at = NULL
                WHERE id = ? AND state = 'in-flight'
                """, arguments: [String(reason.prefix(500)), id])
            return db.changesCount == 1
        }
    }

    /// Turns every in-flight item back into a retry that is due now: run when the uploader
    /// starts, since nothing can be on the wire before that.
    ///
    /// - returns: How many leases were recovered.
    @discardableResult
    public func recoverLeases(now: Date = .now) throws(StoreError) -> Int {
        let recovered = try write { db in
            try db.execute(sql: """
                UPDATE outbox_item
                SET state = 'retry', next_attempt_at = ?, lease_until = NULL,
                    last_error = coalesce(last_error, 'the kiosk stopped while the item was being sent')
                WHERE state = 'in-flight'
                """, arguments: [now.unixMilliseconds])
            return db.changesCount
        }
        if recovered > 0 {
            logger.notice("outbox leases recovered after a restart", metadata: ["items": "\(recovered)"])
        }
        return recovered
    }

    /// When the next item waiting to retry is due, or nil when none waits.
    public func nextRetryDue() throws(StoreError) -> Date? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM outbox_item WHERE state = 'retry'")
                .map(Date.init(unixMilliseconds:))
        }
    }

    /// Whether any item is pending (never tried).
    public func hasPending() throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox_item WHERE state = 'pending')") ?? false
        }
    }

    /// Deletes delivered items older than `cutoff`. Undelivered items are never deleted.
    ///
    /// - returns: How many items were deleted.
    @discardableResult
    public func pruneDelivered(deliveredBefore cutoff: Date) throws(StoreError) -> Int {
        let pruned = try write { db in
            try db.execute(sql: """
                DELETE FROM outbox_item WHERE state = 'delivered' AND delivered_at < ?
                """, arguments: [cutoff.unixMilliseconds])
            return db.changesCount
        }
        if pruned > 0 {
            logger.info("delivered outbox items pruned", metadata: ["items": "\(pruned)"])
        }
        return pruned
    }

    /// Sends dead items again: back to pending with their attempts reset. Pass nil for all.
    ///
    /// - returns: How many items were revived.
    @discardableResult
    public func retryDead(id: String? = nil) throws(StoreError) -> Int {
        try write { db in
            if let id {
                try db.execute(sql: """
                    UPDATE outbox_item SET state = 'pending', attempts = 0, next_attempt_at = NULL
                    WHERE id = ? AND state = 'dead'
                    """, arguments: [id])
            } else {
                try db.execute(sql: """
                    UPDATE outbox_item SET state = 'pending', attempts = 0, next_attempt_at = NULL
                    WHERE state = 'dead'
                    """)
            }
            return db.changesCount
        }
    }

    /// Why an item last failed, or nil.
    public func lastError(id: String) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT last_error FROM outbox_item WHERE id = ?", arguments: [id])
        }
    }

    /// The bytes the database takes on disk, with its write-ahead log.
    public func fileSize() -> Int64 {
        var total: Int64 = 0
        for suffix in ["", "-wal"] {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix),
               let size = attributes[.size] as? NSNumber {
                total += size.int64Value
            }
        }
        return total
    }
}

extension KioskStore {
    /// Wakes the uploader after an operator changed the queue.
    public func notifyQueuedForOperator() { notifyQueued() }

    /// Makes every item waiting to retry due now (an operator's `kioskctl queue flush`).
    @discardableResult
    public func makeRetriesDue(now: Date = .now) throws(StoreError) -> Int {
        let count = try write { db in
            try db.execute(sql: "UPDATE outbox_item SET next_attempt_at = ? WHERE state = 'retry'",
                           arguments: [now.unixMilliseconds])
            return db.changesCount
        }
        notifyQueued()
        return count
    }

    /// Items in one state (or all), oldest first, with their last error; payloads only when asked.
    public func itemDetails(state: OutboxItemState?, limit: Int, withPayload: Bool) throws(StoreError) -> [OutboxItemDetail] {
        try read { db in
            let columns = "id, type, state, attempts, occurred_at, last_error, payload_key_id" + (withPayload ? ", payload" : "")
            let rows: [Row]
            if let state {
                rows = try Row.fetchAll(db, sql: "SELECT \(columns) FROM outbox_item WHERE state = ? ORDER BY id LIMIT ?",
                                        arguments: [state.rawValue, max(0, limit)])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT \(columns) FROM outbox_item ORDER BY id LIMIT ?", arguments: [max(0, limit)])
            }
            return rows.map { row in
                let keyID: String? = row["payload_key_id"]
                var payload: String?
                if withPayload, let data = row["payload"] as Data? {
                    payload = keyID == nil ? String(decoding: data, as: UTF8.self) : data.base64EncodedString()
                }
                return OutboxItemDetail(id: row["id"], type: row["type"], state: row["state"], attempts: row["attempts"],
                                  occurredAt: Date(unixMilliseconds: row["occurred_at"]), lastError: row["last_error"],
                                  sealedWith: keyID, payload: payload)
            }
        }
    }
}
