import Foundation
import GRDB
import OutboxStatus
import WireFormat

/// Queueing work for the platform.
///
/// An item is committed with `synchronous = FULL` before `enqueue` returns: once the caller has an
/// ``OutboxItem``, the item survives a crash or a power cut, and the uploader sends it at least once
/// with its id as the `Idempotency-Key` (DESIGN decision 6).
///
/// Related SQLite documentation: [Transactions](https://www.sqlite.org/lang_transaction.html).
extension KioskStore {
    /// Queues one item for upload and returns it.
    ///
    /// - parameters:
    ///   - type: What the item reports.
    ///   - payload: The JSON body for the platform. Personal data in it is to be sealed
    ///     (DESIGN decision 7) before it gets here.
    ///   - occurredAt: When the thing happened; stored to the millisecond.
    @discardableResult
    public func enqueue(type: OutboxItemType, payload: Data, occurredAt: Date = .now) throws(StoreError) -> OutboxItem {
        let item = try write { db in
            try insertItem(db, type: type, payload: payload, occurredAt: occurredAt)
        }
        logger.debug("outbox item queued", metadata: ["id": "\(item.id)", "type": "\(type.rawValue)"])
        notifyQueued()
        return item
    }

    /// Queues many items in one transaction: one `fsync` for the lot. For work that arrives
    /// together (device events after a restart, an import); a citizen's action uses ``enqueue(type:payload:occurredAt:)``.
    @discardableResult
    public func enqueueBatch(_ entries: [(type: OutboxItemType, payload: Data)], occurredAt: Date = .now) throws(StoreError) -> [OutboxItem] {
        guard !entries.isEmpty else { return [] }
        let items = try write { db in
            try entries.map { entry in try insertItem(db, type: entry.type, payload: entry.payload, occurredAt: occurredAt) }
        }
        logger.debug("outbox items queued", metadata: ["count": "\(items.count)"])
        notifyQueued()
        return items
    }

    /// Queues one item whose payload is `payload` encoded as JSON by ``makePayloadEncoder()``.
    @discardableResult
    public func enqueue(
        type: OutboxItemType, encodable payload: some Encodable & Sendable, occurredAt: Date = .now
    ) throws(StoreError) -> OutboxItem {
        let data: Data
        do {
            data = try Self.makePayloadEncoder().encode(payload)
        } catch {
            throw .payloadNotEncodable(type: type.rawValue, reason: String(describing: error))
        }
        return try enqueue(type: type, payload: data, occurredAt: occurredAt)
    }

    /// The JSON encoder for payloads: sorted keys, so the same value always gives the same bytes,
    /// and dates as ISO 8601 in UTC with milliseconds.
    public static func makePayloadEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(PlatformAPI.timestamp(date))
        }
        return encoder
    }

    /// The item with this id, or nil.
    public func item(id: String) throws(StoreError) -> OutboxItem? {
        let path = self.path
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.itemColumns) FROM outbox_item WHERE id = ?", arguments: [id])
                .map { row throws(StoreError) in try OutboxItem(row: row, path: path) }
        }
    }

    /// Items in queue order (oldest first), all of them or those in one state.
    ///
    /// - parameters:
    ///   - state: Only items in this state; nil for every state.
    ///   - limit: At most this many items.
    public func items(state: OutboxItemState? = nil, limit: Int = 100) throws(StoreError) -> [OutboxItem] {
        let path = self.path
        return try read { db in
            let rows: [Row]
            if let state {
                rows = try Row.fetchAll(db, sql: """
                    SELECT \(Self.itemColumns) FROM outbox_item WHERE state = ? ORDER BY id LIMIT ?
                    """, arguments: [state.rawValue, max(limit, 0)])
            } else {
                rows = try Row.fetchAll(db, sql: """
                    SELECT \(Self.itemColumns) FROM outbox_item ORDER BY id LIMIT ?
                    """, arguments: [max(limit, 0)])
            }
            return try rows.map { row throws(StoreError) in try OutboxItem(row: row, path: path) }
        }
    }

    /// How many items are in each state, and how long the oldest waiting one has waited.
    ///
    /// - parameter now: The time to measure the age against.
    public func counts(now: Date = .now) throws(StoreError) -> OutboxCounts {
        try read { db in
            var counts = OutboxCounts()
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM outbox_item GROUP BY state") {
                if let state = OutboxItemState(rawValue: row["state"]) {
                    counts[state] = row["n"]
                }
            }
            let oldest = try Int64.fetchOne(db, sql: """
                SELECT min(created_at) FROM outbox_item WHERE state IN ('pending', 'in-flight', 'retry')
                """)
            counts.oldestPendingAgeSeconds = oldest.map { max(0, now.timeIntervalSince(Date(unixMilliseconds: $0))) }
            return counts
        }
    }

    // MARK: - Inside a transaction

    static let itemColumns = "id, type, occurred_at, payload, state, attempts"

    /// Inserts a pending item in the caller's transaction, so that it commits or rolls back with
    /// the local change it reports.
    ///
    /// A payload of a type that carries personal data is sealed first when the store has a
    /// sealer (DESIGN decision 7): the file then never holds it in the clear. The returned item
    /// holds the payload as the caller gave it.
    func insertItem(_ db: Database, type: OutboxItemType, payload: Data, occurredAt: Date) throws -> OutboxItem {
        let item = OutboxItem(
            id: UUID.v7().uuidString.lowercased(), type: type, occurredAt: occurredAt, payload: payload)
        var stored = payload
        var keyID: String?
        if type.carriesPersonalData, let sealer {
            let sealed = try sealer.seal(payload, context: item.sealingContext)
            stored = sealed.box
            keyID = sealed.keyId
        }
        // A cached statement: parsed once per connection, not on every enqueue.
        try db.cachedStatement(sql: """
            INSERT INTO outbox_item (id, type, occurred_at, payload, payload_key_id, state, attempts, created_at)
            VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)
            """).execute(arguments: [
                item.id, item.type.rawValue, item.occurredAt.unixMilliseconds, stored, keyID,
                Date.now.unixMilliseconds,
            ])
        return item
    }

    /// Opens a payload read back from the file: sealed ones with the store's sealer.
    ///
    /// - throws: ``SealingError`` when the key is missing or does not open it; never garbage.
    public func openPayload(_ stored: Data, keyID: String?, item: OutboxItem) throws(SealingError) -> Data {
        guard let keyID else { return stored }
        guard let sealer else { throw .unknownKey(keyId: keyID, keyring: "no keyring (sealing is not configured)") }
        return try sealer.open(stored, keyId: keyID, context: item.sealingContext)
    }
}

extension OutboxItem {
    /// Reads an item from a row of ``KioskStore/itemColumns``.
    init(row: Row, path: String) throws(StoreError) {
        let id: String = row["id"]
        let typeName: String = row["type"]
        let stateName: String = row["state"]
        guard let type = OutboxItemType(rawValue: typeName) else {
            throw .database(path: path, reason: "outbox item \(id) has the unknown type '\(typeName)'")
        }
        guard let state = OutboxItemState(rawValue: stateName) else {
            throw .database(path: path, reason: "outbox item \(id) has the unknown state '\(stateName)'")
        }
        self.init(
            id: id, type: type, occurredAt: Date(unixMilliseconds: row["occurred_at"]),
            payload: row["payload"], state: state, attempts: row["attempts"])
    }
}
