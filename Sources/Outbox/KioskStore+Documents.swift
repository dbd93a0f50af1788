import Foundation
import GRDB
import WireFormat

/// Cached certificate documents, named by the SHA-256 of their bytes.
///
/// The name is checked on the way in (it is computed, never taken from the caller) and on the way
/// out (``document(digest:)`` hashes the bytes again), so a blob damaged on disk, or edited by
/// hand, is refused instead of printed as someone's certificate.
///
/// Related documentation: [SQLite BLOBs](https://www.sqlite.org/datatype3.html),
/// [FIPS 180-4](https://csrc.nist.gov/pubs/fips/180-4/upd1/final).
extension KioskStore {
    /// Stores a document and returns its name: the SHA-256 of `data` as 64 lower-case hex digits.
    ///
    /// Storing the same bytes again replaces the stored copy, which also repairs a copy that was
    /// found corrupted.
    ///
    /// - parameters:
    ///   - data: The document's bytes.
    ///   - format: Its media type, e.g. `application/pdf`.
    @discardableResult
    public func storeDocument(_ data: Data, format: String) throws(StoreError) -> String {
        let digest = sha256Hex(data)
        try write { db in
            try db.execute(sql: """
                INSERT INTO document (digest, format, data, stored_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (digest) DO UPDATE SET
                    format = excluded.format, data = excluded.data, stored_at = excluded.stored_at
                """, arguments: [digest, format, data, Date.now.unixMilliseconds])
        }
        logger.debug("document stored", metadata: ["digest": "\(digest)", "bytes": "\(data.count)"])
        return digest
    }

    /// The document with this digest, or nil if it is not cached.
    ///
    /// - throws: ``StoreError/documentCorrupted(digest:found:)`` when the stored bytes no longer
    ///   hash to `digest`.
    public func document(digest: String) throws(StoreError) -> (format: String, data: Data)? {
        let digest = digest.lowercased()
        let stored = try read { db -> (format: String, data: Data)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT format, data FROM document WHERE digest = ?",
                                             arguments: [digest])
            else { return nil }
            return (format: row["format"], data: row["data"])
        }
        guard let stored else { return nil }
        let found = sha256Hex(stored.data)
        guard found == digest else {
            logger.error("stored document is corrupted", metadata: [
                "path": "\(path)", "digest": "\(digest)", "found": "\(found)",
            ])
            throw .documentCorrupted(digest: digest, found: found)
        }
        return stored
    }
}
