import Foundation
import GRDB

/// Everything that can go wrong in ``KioskStore``, worded for the operator who reads it in the
/// journal or in `kioskctl`, with what to do where there is something to do (DESIGN decision 3).
///
/// Messages never carry payloads, holder keys or other personal data: only paths, ids, digests and
/// SQLite's own words.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// SQLite could not open or create the file (missing folder, a file where a folder should be,
    /// no permission to create it).
    case cannotOpen(path: String, reason: String)
    /// The file opened, but SQLite may not write to it.
    case notWritable(path: String, reason: String)
    /// The database would not switch to write-ahead logging; `found` is the journal mode it reports.
    ///
    /// See <https://www.sqlite.org/wal.html>.
    case walUnavailable(path: String, found: String)
    /// `PRAGMA synchronous` did not read back FULL (2); `found` is what it reads instead.
    ///
    /// See <https://www.sqlite.org/pragma.html#pragma_synchronous>.
    case synchronousNotFull(path: String, found: Int)
    /// Foreign-key enforcement is off although the store turned it on.
    case foreignKeysOff(path: String)
    /// A schema migration failed; the database is left as it was before that migration.
    case migrationFailed(path: String, migration: String, reason: String)
    /// The file is not an SQLite database, or SQLite found it damaged.
    case corrupted(path: String, reason: String)
    /// The disk that holds the database is full.
    case diskFull(path: String)
    /// Another process held the database longer than the busy timeout.
    case busy(path: String)
    /// Any other SQLite failure.
    case database(path: String, reason: String)
    /// There is no pickup with this id in the local cache.
    case unknownPickup(id: String)
    /// The pickup was collected before; nothing was written.
    case alreadyCollected(id: String, collectedAt: Date?)
    /// The pickup's collection period ended; nothing was written.
    case pickupExpired(id: String, expiresAt: Date)
    /// A cached document's bytes no longer hash to its name: it must be fetched again, and is never
    /// printed as it is.
    case documentCorrupted(digest: String, found: String)
    /// A payload could not be turned into JSON; nothing was written.
    case payloadNotEncodable(type: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            "the database at \(path) cannot be opened: \(reason). Check that its folder exists and that the kiosk user may create files there."
        case let .notWritable(path, reason):
            "the database at \(path) is not writable: \(reason). Check the file's owner and mode, and that its file system is not mounted read-only."
        case let .walUnavailable(path, found):
            "the database at \(path) could not switch to WAL journal mode (it reports '\(found)'). Keep it on a local file system that supports shared memory (not a network share)."
        case let .synchronousNotFull(path, found):
            "the database at \(path) reads back synchronous=\(found) instead of 2 (FULL), so committed outbox items could be lost on power failure; the kiosk will not start like this."
        case let .foreignKeysOff(path):
            "the database at \(path) has foreign-key checks off although the kiosk turned them on; the SQLite library may be built without them."
        case let .migrationFailed(path, migration, reason):
            "the database at \(path) could not be upgraded by migration '\(migration)': \(reason). The file is unchanged by that migration; keep a copy and report it."
        case let .corrupted(path, reason):
            "the database at \(path) is damaged or not an SQLite database: \(reason). Keep a copy for support and restore from a backup."
        case let .diskFull(path):
            "the disk that holds the database at \(path) is full: free space on it; nothing was written."
        case let .busy(path):
            "the database at \(path) stayed locked by another process past the timeout; check that only one kioskd uses it."
        case let .database(path, reason):
            "the database at \(path) failed: \(reason)"
        case let .unknownPickup(id):
            "there is no pickup \(id) at this kiosk; refresh the pickup list from the platform."
        case let .alreadyCollected(id, collectedAt):
            if let collectedAt {
                "pickup \(id) was already collected at \(collectedAt.formatted(.iso8601))."
            } else {
                "pickup \(id) was already collected."
            }
        case let .pickupExpired(id, expiresAt):
            "pickup \(id) could be collected until \(expiresAt.formatted(.iso8601)) and has expired."
        case let .documentCorrupted(digest, found):
            "the stored document \(digest) is corrupted (its bytes hash to \(found)); it will not be printed and must be fetched again from the platform."
        case let .payloadNotEncodable(type, reason):
            "the \(type) item could not be encoded as JSON: \(reason). Nothing was queued."
        }
    }

    public var errorDescription: String? { description }

    /// Turns whatever a database access threw into a ``StoreError`` about the file at `path`.
    static func wrap(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else {
            return .database(path: path, reason: String(describing: error))
        }
        let reason = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: reason)
        case .SQLITE_READONLY, .SQLITE_PERM: return .notWritable(path: path, reason: reason)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupted(path: path, reason: reason)
        case .SQLITE_FULL: return .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        default: return .database(path: path, reason: reason)
        }
    }
}
