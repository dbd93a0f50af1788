import Foundation
import GRDB
import WireFormat

/// Result statuses, looked up by the unified code a citizen scans.
///
/// Related SQLite documentation: [UPSERT](https://www.sqlite.org/lang_upsert.html).
extension KioskStore {
    /// Adds or updates result statuses in one transaction.
    ///
    /// A status older than the one stored (by `updatedAt`) is ignored, so a manifest that arrives
    /// late never turns "ready for pickup" back into "in review".
    public func upsertResults(_ results: [ResultStatus]) throws(StoreError) {
        guard !results.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO result_status (code, status, title_zh, title_en, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET
                    status = excluded.status,
                    title_zh = excluded.title_zh,
                    title_en = excluded.title_en,
                    updated_at = excluded.updated_at
                WHERE excluded.updated_at >= result_status.updated_at
                """)
            for result in results {
                try statement.execute(arguments: [
                    result.code, result.status.rawValue, result.titleZh, result.titleEn,
                    result.updatedAt.unixMilliseconds,
                ])
            }
        }
        logger.debug("result statuses updated", metadata: ["count": "\(results.count)"])
    }

    /// The status of the result with this code, or nil if the kiosk does not know it.
    public func result(code: String) throws(StoreError) -> ResultStatus? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT code, status, title_zh, title_en, updated_at FROM result_status WHERE code = ?
                """, arguments: [code])
                .map { row in
                    ResultStatus(
                        code: row["code"], status: ResultStatus.Status(rawValue: row["status"]),
                        titleZh: row["title_zh"], titleEn: row["title_en"],
                        updatedAt: Date(unixMilliseconds: row["updated_at"]))
                }
        }
    }
}
