import DeviceKit
import Foundation
import Logging
import Outbox
import ScannedDocuments
import Synchronization

/// Self-service applications: the pages a citizen scanned in this visit, and the submission that
/// carries them to the platform as one PDF attachment (sealed with the item when sealing is on).
/// Making the PDF and committing it take a while, so the loop runs ``submit(_:pages:)`` in a child
/// task.
final class SubmissionDesk: Sendable {
    let store: KioskStore
    let outbox: OutboxWriter
    let logger: Logger
    /// The pages scanned in the current visit, until they are submitted or the visit ends.
    private let scannedPages = Mutex<(visit: Int, pages: [ScannedPage])>((0, []))

    init(store: KioskStore, outbox: OutboxWriter, logger: Logger) {
        self.store = store
        self.outbox = outbox
        self.logger = logger
    }

    func keepScannedPages(_ pages: [ScannedPage], visit: Int) {
        scannedPages.withLock { kept in
            if kept.visit != visit { kept = (visit, []) }
            kept.pages += pages
        }
    }

    /// The pages of `visit` (any visit with nil), forgotten here.
    func takeScannedPages(visit: Int?) -> [ScannedPage] {
        scannedPages.withLock { kept in
            defer { kept = (kept.visit, []) }
            guard visit == nil || kept.visit == visit else { return [] }
            return kept.pages
        }
    }

    /// Queues the submission; with pages, their PDF goes with it in the same transaction. A PDF that
    /// cannot be made still queues the submission (its page count says what is missing) and tells
    /// the operator.
    func submit(_ payload: SubmissionPayload, pages: [ScannedPage]) {
        guard !pages.isEmpty else {
            outbox.enqueue(.submission, payload)
            return
        }
        let folder = (store.attachmentsFolder as NSString).appendingPathComponent("incoming")
        var written: String?
        defer { if let written { try? FileManager.default.removeItem(atPath: written) } }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let path = try ScannedDocument(pages: pages).writePDF(inFolder: folder)
            written = path
            let data = try outbox.encode(.submission, payload)
            let item = try store.enqueue(type: .submission, payload: data,
                                         attachments: [AttachmentSource(path: path, mediaType: ScannedDocument.pdfMediaType)])
            logger.info("submission queued with its scanned pages", metadata: ["item": "\(item.id)", "pages": "\(pages.count)"])
            outbox.writeSucceeded()
        } catch {
            logger.error("scanned pages not attached; the submission goes without them", metadata: ["error": "\(error)"])
            outbox.enqueue(.submission, payload)
            outbox.alert(code: "scan-not-attached",
                         detail: "submission \(payload.reference): \(pages.count) scanned pages could not be attached")
        }
    }

    /// A tracking number a citizen can read out: kiosk, date, and six characters from an alphabet
    /// without look-alikes (no I, L, O, U).
    static func makeReference(kioskID: String, now: Date = Date()) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<6).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        let day = now.formatted(.iso8601.year().month().day().dateSeparator(.omitted))
        return "\(kioskID)-\(day)-\(suffix)"
    }
}
