import Foundation
import GRDB
import OutboxStatus
import WireFormat

/// Operator alerts and the small named values (the sync cursor) that outlive a restart.
extension KioskStore {
    /// Raises an alert unless the same code and subject is already open.
    ///
    /// - returns: Whether a new alert was raised.
    @discardableResult
    public func raiseAlert(code: String, subject: String = "", detail: String, now: Date = .now) throws(StoreError) -> Bool {
        let raised = try write { db in
            try db.execute(sql: """
                INSERT INTO operator_alert (code, subject, detail, raised_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (code, subject) WHERE cleared_at IS NULL DO NOTHING
                """, arguments: [code, subject, detail, now.unixMilliseconds])
            return db.changesCount == 1
        }
        if raised {
            logger.warning("operator alert raised", metadata: ["code": "\(code)", "subject": "\(subject)", "detail": "\(detail)"])
        }
        return raised
    }

    /// Clears the open alert with this code (and subject), if any.
    @discardableResult
    public func clearAlert(code: String, subject: String = "", now: Date = .now) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE operator_alert SET cleared_at = ? WHERE code = ? AND subject = ? AND cleared_at IS NULL
                """, arguments: [now.unixMilliseconds, code, subject])
            return db.changesCount == 1
        }
    }

    /// The open alerts, oldest first.
    public func openAlerts() throws(StoreError) -> [AlertRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT code, subject, detail, raised_at FROM operator_alert WHERE cleared_at IS NULL ORDER BY id
                """).map { row in
                AlertRecord(code: row["code"], subject: row["subject"], detail: row["detail"],
                              raisedAt: Date(unixMilliseconds: row["raised_at"]))
            }
        }
    }

    /// A named value kept across restarts, or nil.
    public func syncValue(_ name: String) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM sync_state WHERE name = ?", arguments: [name])
        }
    }

    /// Stores a named value.
    public func setSyncValue(_ name: String, _ value: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO sync_state (name, value) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """, arguments: [name, value])
        }
    }
}
