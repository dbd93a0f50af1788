import Foundation
import GRDB
import Outbox
import WireFormat

/// Storing event batches: per-item deduplication by id, the effect of a `collection` on its
/// pickup, and the batch's `Idempotency-Key`, all in one transaction.
extension StandInStore {
    /// The item types the platform knows (the API's, which are the outbox's). Anything else is
    /// answered `rejected`.
    static let knownEventTypes = Set(OutboxItemType.allCases.map(\.rawValue))

    /// What became of a batch.
    enum BatchOutcome: Sendable {
        /// Processed now; `response` is the encoded ``PlatformAPI/EventBatchResult`` that was
        /// also stored under the key.
        case processed(PlatformAPI.EventBatchResult, ItemCounts, response: Data)
        /// The key was used before with the same body: the stored answer, unchanged.
        case replay(status: Int, response: Data)
        /// The key was used before with a different body.
        case keyReused
    }

    /// Processes one batch from `kioskID` in one write transaction.
    ///
    /// Follows [draft-ietf-httpapi-idempotency-key-header](https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/):
    /// the key is scoped to the kiosk and fingerprinted by the SHA-256 of the request body. The
    /// answer is stored in the same transaction as the items, so a batch is either stored with
    /// its answer or not at all.
    func storeBatch(
        kioskID: String, key: String, bodyDigest: String, batch: PlatformAPI.EventBatch, receivedAt: Date
    ) async throws(StandInError) -> BatchOutcome {
        try await write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT body_sha256, status, response FROM idempotency_key WHERE kiosk_id = ? AND key = ?",
                arguments: [kioskID, key]) {
                let storedDigest: String = row["body_sha256"]
                guard storedDigest == bodyDigest else { return .keyReused }
                return .replay(status: row["status"], response: row["response"])
            }
            var processor = try BatchProcessor(db: db, kioskID: kioskID, receivedAt: receivedAt)
            var results: [PlatformAPI.ItemResult] = []
            results.reserveCapacity(batch.items.count)
            for item in batch.items {
                results.append(try processor.store(item))
            }
            let result = PlatformAPI.EventBatchResult(results: results)
            let response = try PlatformAPI.makeEncoder().encode(result)
            try db.execute(
                sql: """
                    INSERT INTO idempotency_key (kiosk_id, key, body_sha256, status, response, created_at)
                    VALUES (?, ?, ?, 200, ?, ?)
                    """,
                arguments: [kioskID, key, bodyDigest, response, receivedAt.unixMilliseconds])
            return .processed(result, processor.counts, response: response)
        }
    }

    /// The events stored for a kiosk in the order they arrived, optionally of one type.
    func events(kioskID: String, type: String?) async throws(StandInError) -> [StoredEvent] {
        try await read { db in
            var sql = "SELECT id, type, occurred_at, received_at, deliveries, status, reason FROM event WHERE kiosk_id = ?"
            var arguments: StatementArguments = [kioskID]
            if let type {
                sql += " AND type = ?"
                arguments += [type]
            }
            sql += " ORDER BY rowid"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                StoredEvent(
                    id: row["id"], type: row["type"],
                    occurredAt: Date(unixMilliseconds: row["occurred_at"]),
                    receivedAt: Date(unixMilliseconds: row["received_at"]),
                    deliveries: row["deliveries"], status: row["status"], reason: row["reason"])
            }
        }
    }
}

/// Stores the items of one batch inside its transaction, with prepared statements reused from
/// item to item.
private struct BatchProcessor {
    let db: Database
    let kioskID: String
    let receivedAt: Int64
    let encoder = PlatformAPI.makeEncoder()
    private(set) var counts = ItemCounts()

    private let findEvent: Statement
    private let countDelivery: Statement
    private let insertEvent: Statement

    init(db: Database, kioskID: String, receivedAt: Date) throws {
        self.db = db
        self.kioskID = kioskID
        self.receivedAt = receivedAt.unixMilliseconds
        findEvent = try db.cachedStatement(sql: "SELECT 1 FROM event WHERE kiosk_id = ? AND id = ?")
        countDelivery = try db.cachedStatement(
            sql: "UPDATE event SET deliveries = deliveries + 1 WHERE kiosk_id = ? AND id = ?")
        insertEvent = try db.cachedStatement(sql: """
            INSERT INTO event (kiosk_id, id, type, occurred_at, received_at, payload, status, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Stores one item, or counts one more delivery of an item already stored, and says what
    /// happened.
    mutating func store(_ item: PlatformAPI.Event) throws -> PlatformAPI.ItemResult {
        if try Bool.fetchOne(findEvent, arguments: [kioskID, item.id]) != nil {
            try countDelivery.execute(arguments: [kioskID, item.id])
            counts.duplicates += 1
            return .init(id: item.id, status: .duplicate)
        }
        if let reason = Self.rejection(of: item) {
            counts.rejected += 1
            return .init(id: item.id, status: .rejected, reason: reason)
        }
        var status = PlatformAPI.ItemResult.Status.accepted
        var reason: String?
        if item.type == OutboxItemType.collection.rawValue {
            switch try collect(item) {
            case .collected: break
            case .rejected(let why):
                counts.rejected += 1
                return .init(id: item.id, status: .rejected, reason: why)
            case .conflict(let why):
                status = .conflict
                reason = why
            }
        }
        let payload = String(decoding: try encoder.encode(item.payload), as: UTF8.self)
        try insertEvent.execute(arguments: [
            kioskID, item.id, item.type, item.occurredAt.unixMilliseconds, receivedAt, payload,
            status.rawValue, reason,
        ])
        if status == .conflict { counts.conflicts += 1 } else { counts.accepted += 1 }
        return .init(id: item.id, status: status, reason: reason)
    }

    /// Why an item can never be stored, or nil when its shape is right.
    private static func rejection(of item: PlatformAPI.Event) -> String? {
        guard !item.id.isEmpty, item.id.utf8.count <= 200 else { return "id must be 1…200 characters" }
        guard StandInStore.knownEventTypes.contains(item.type) else {
            let known = StandInStore.knownEventTypes.sorted().joined(separator: ", ")
            return "unknown type \"\(item.type)\" (known: \(known))"
        }
        guard case .object = item.payload else { return "payload is not a JSON object" }
        return nil
    }

    private enum CollectionOutcome {
        case collected
        case conflict(String)
        case rejected(String)
    }

    /// Marks the item's pickup collected by this kiosk at the item's time, unless it was already
    /// collected elsewhere or withdrawn: then the item is stored as a conflict the kiosk reports
    /// to its operator.
    private func collect(_ item: PlatformAPI.Event) throws -> CollectionOutcome {
        guard let pickupID = item.payload["pickupId"]?.stringValue, !pickupID.isEmpty else {
            return .rejected("a collection needs payload.pickupId")
        }
        if let claimed = item.payload["kioskId"], claimed.stringValue != kioskID {
            return .rejected("payload.kioskId does not name kiosk \(kioskID)")
        }
        guard let pickup = try Row.fetchOne(
            db, sql: "SELECT state, collected_by, collected_at FROM pickup WHERE id = ?", arguments: [pickupID]) else {
            return .rejected("unknown pickup \(pickupID)")
        }
        let state: String = pickup["state"]
        switch state {
        case "ready":
            try db.execute(
                sql: """
                    UPDATE pickup SET state = 'collected', collected_by = ?, collected_at = ?,
                        seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM pickup)
                    WHERE id = ?
                    """,
                arguments: [kioskID, item.occurredAt.unixMilliseconds, pickupID])
            return .collected
        case "collected":
            let by: String? = pickup["collected_by"]
            if by == kioskID { return .collected }
            let at = (pickup["collected_at"] as Int64?).map { PlatformAPI.timestamp(Date(unixMilliseconds: $0)) } ?? "an unknown time"
            return .conflict("pickup \(pickupID) was already collected by \(by ?? "someone else") at \(at)")
        default:
            return .conflict("pickup \(pickupID) was withdrawn by the issuing department")
        }
    }
}

/// One stored item as `GET /admin/kiosks/{kioskId}/events` lists it.
public struct StoredEvent: Codable, Sendable, Equatable {
    public var id: String
    public var type: String
    public var occurredAt: Date
    public var receivedAt: Date
    /// How many times the kiosk sent this id: its first answer plus every `duplicate`.
    public var deliveries: Int
    /// `accepted` or `conflict`, as first answered.
    public var status: String
    /// Why it conflicts, when it does.
    public var reason: String?
}

/// The answer of `GET /admin/kiosks/{kioskId}/events`.
public struct StoredEventList: Codable, Sendable, Equatable {
    public var count: Int
    public var events: [StoredEvent]

    public init(events: [StoredEvent]) {
        self.count = events.count
        self.events = events
    }
}
