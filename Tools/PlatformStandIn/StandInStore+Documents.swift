import Foundation
import GRDB
import Outbox
import WireFormat

/// Certificate documents, by the SHA-256 of their bytes (`GET /v1/documents/{sha256}`).
extension StandInStore {
    /// A stored document.
    struct Document: Sendable {
        var contentType: String
        var bytes: Data
    }

    /// Stores `bytes` under their digest. Returns the digest and whether it was new.
    ///
    /// - parameter expectedDigest: When given, the bytes must hash to it, or nothing is stored
    ///   and ``StandInError/digestMismatch(expected:actual:)`` is thrown.
    func storeDocument(
        _ bytes: Data, contentType: String, expectedDigest: String? = nil
    ) async throws(StandInError) -> (digest: String, created: Bool) {
        let digest = sha256Hex(bytes)
        if let expectedDigest, expectedDigest != digest {
            throw .digestMismatch(expected: expectedDigest, actual: digest)
        }
        let created = try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO document (sha256, content_type, bytes, stored_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (sha256) DO NOTHING
                    """,
                arguments: [digest, contentType, bytes, Date().unixMilliseconds])
            return db.changesCount > 0
        }
        return (digest, created)
    }

    /// The document stored under `digest`, or nil.
    func document(digest: String) async throws(StandInError) -> Document? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT content_type, bytes FROM document WHERE sha256 = ?", arguments: [digest])
                .map { Document(contentType: $0["content_type"], bytes: $0["bytes"]) }
        }
    }
}
