import Crypto
import Foundation
import GRDB

/// A file to send with an outbox item: a scanned page, say.
public struct AttachmentSource: Sendable, Equatable {
    public var path: String
    /// `image/png`, `image/jpeg`, `application/pdf`.
    public var mediaType: String

    public init(path: String, mediaType: String) {
        self.path = path
        self.mediaType = mediaType
    }
}

/// An attachment as the store keeps it and the platform names it.
public struct StoredAttachment: Sendable, Equatable, Codable {
    /// SHA-256 of the file's bytes (before sealing), 64 lower-case hex digits.
    public var sha256: String
    public var mediaType: String
    public var size: Int64
    /// The stored file, relative to the attachments folder.
    public var file: String
    /// Set when the file is sealed.
    public var keyID: String?
    public var uploaded: Bool
}

/// Attachments: copied (or sealed) into `attachments/` beside the database before the item that
/// names them is committed, so a committed item always has its files; uploaded streamed, never
/// read whole into memory.
extension KioskStore {
    /// The folder the attachments live in.
    public var attachmentsFolder: String { (path as NSString).deletingLastPathComponent + "/attachments" }

    /// Queues an item with files, in one transaction for the rows. The files are written first
    /// (sealed when the type carries personal data and the store has a sealer); if the commit
    /// fails they are removed again.
    @discardableResult
    public func enqueue(
        type: OutboxItemType, payload: Data, attachments: [AttachmentSource], occurredAt: Date = .now
    ) throws(StoreError) -> OutboxItem {
        do {
            try FileManager.default.createDirectory(atPath: attachmentsFolder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .notWritable(path: attachmentsFolder, reason: "\(error)")
        }
        for source in attachments where !Self.isMediaType(source.mediaType) {
            throw .payloadNotEncodable(type: type.rawValue, reason: "\"\(source.mediaType)\" is not a media type like image/png")
        }
        var written: [String] = []
        var stored: [StoredAttachment] = []
        do {
            for source in attachments {
                let digest = try Self.fileDigest(source.path)
                let size = (try FileManager.default.attributesOfItem(atPath: source.path)[.size] as? NSNumber)?.int64Value ?? 0
                let name = "\(UUID.v7().uuidString.lowercased())-\(digest.prefix(16))"
                let destination = attachmentsFolder + "/" + name
                var keyID: String?
                if type.carriesPersonalData, let sealer {
                    keyID = try sealer.sealFile(atPath: source.path, toPath: destination, context: Self.attachmentContext(digest)).keyId
                } else {
                    try FileManager.default.copyItem(atPath: source.path, toPath: destination)
                }
                written.append(destination)
                stored.append(StoredAttachment(sha256: digest, mediaType: source.mediaType, size: size, file: name,
                                               keyID: keyID, uploaded: false))
            }
        } catch {
            written.forEach { try? FileManager.default.removeItem(atPath: $0) }
            throw .notWritable(path: attachmentsFolder, reason: "attachment not stored: \(error)")
        }
        do {
            let item = try write { db in
                let item = try insertItem(db, type: type, payload: payload, occurredAt: occurredAt)
                for attachment in stored {
                    try db.execute(sql: """
                        INSERT INTO outbox_attachment (item_id, digest, media_type, size, file, key_id)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (item_id, digest) DO NOTHING
                        """, arguments: [item.id, attachment.sha256, attachment.mediaType, attachment.size,
                                         attachment.file, attachment.keyID])
                }
                return item
            }
            notifyQueued()
            return item
        } catch {
            written.forEach { try? FileManager.default.removeItem(atPath: $0) }
            throw error
        }
    }

    /// The attachments of an item, in the order they were given.
    public func attachments(itemID: String) throws(StoreError) -> [StoredAttachment] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT digest, media_type, size, file, key_id, uploaded FROM outbox_attachment
                WHERE item_id = ? ORDER BY rowid
                """, arguments: [itemID]).map { row in
                StoredAttachment(sha256: row["digest"], mediaType: row["media_type"], size: row["size"],
                                 file: row["file"], keyID: row["key_id"], uploaded: row["uploaded"])
            }
        }
    }

    /// Records that the platform holds an attachment.
    public func markAttachmentUploaded(itemID: String, sha256: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE outbox_attachment SET uploaded = 1 WHERE item_id = ? AND digest = ?",
                           arguments: [itemID, sha256])
        }
    }

    /// The attachment's bytes as chunks of at most 64 KiB, opened when sealed: for a streamed upload.
    public func attachmentChunks(_ attachment: StoredAttachment) throws(StoreError) -> AttachmentChunks {
        let file = attachmentsFolder + "/" + attachment.file
        if let keyID = attachment.keyID {
            guard let sealer else {
                throw .database(path: file, reason: "the attachment is sealed with key \(keyID) and no sealing key is configured")
            }
            return AttachmentChunks(path: file, sealed: sealer.openedChunks(ofFileAtPath: file, context: Self.attachmentContext(attachment.sha256)))
        }
        return AttachmentChunks(path: file, sealed: nil)
    }

    /// Deletes attachment files that no item names any more (after pruning delivered items).
    @discardableResult
    public func removeOrphanedAttachmentFiles() -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: attachmentsFolder) else { return 0 }
        let known = Set((try? read { db in try String.fetchAll(db, sql: "SELECT file FROM outbox_attachment") }) ?? [])
        var removed = 0
        for name in names where !known.contains(name) && !name.hasSuffix(".partial") {
            if (try? FileManager.default.removeItem(atPath: attachmentsFolder + "/" + name)) != nil { removed += 1 }
        }
        return removed
    }

    static func attachmentContext(_ digest: String) -> String { "attachment|\(digest)" }

    /// `type/subtype` in lower-case letters, digits and `.+-`: safe to write into JSON as it is.
    static func isMediaType(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || ".+-".contains($0)) }
        }
    }

    /// SHA-256 of a file, read in 64 KiB pieces.
    static func fileDigest(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// The bytes of an attachment file as chunks, for a streamed request body.
public struct AttachmentChunks: AsyncSequence, Sendable {
    public typealias Element = Data
    let path: String
    let sealed: SealedFileChunks?

    public struct AsyncIterator: AsyncIteratorProtocol {
        var plain: FileHandle?
        var sealed: SealedFileChunks.AsyncIterator?

        public mutating func next() async throws -> Data? {
            if sealed != nil { return try await sealed!.next() }
            guard let plain else { return nil }
            let chunk = try plain.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty {
                try? plain.close()
                self.plain = nil
                return nil
            }
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        if let sealed { return AsyncIterator(plain: nil, sealed: sealed.makeAsyncIterator()) }
        return AsyncIterator(plain: FileHandle(forReadingAtPath: path), sealed: nil)
    }
}
