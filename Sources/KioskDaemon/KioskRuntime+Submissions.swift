import DeviceKit
import DocumentScan
import Foundation
import Outbox

/// The pages a citizen scanned in this visit, and the submission that carries them to the platform
/// as one PDF attachment (sealed with the item when sealing is on).
extension KioskRuntime {
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
    func enqueueSubmission(_ payload: SubmissionPayload, pages: [ScannedPage]) {
        guard !pages.isEmpty else {
            enqueue(.submission, payload)
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
            let data = try KioskStore.makePayloadEncoder().encode(payload)
            let item = try store.enqueue(type: .submission, payload: data,
                                         attachments: [AttachmentSource(path: path, mediaType: ScannedDocument.pdfMediaType)])
            logger.info("submission queued with its scanned pages", metadata: ["item": "\(item.id)", "pages": "\(pages.count)"])
            queueWriteFailure.withLock { $0 = nil }
        } catch {
            logger.error("scanned pages not attached; the submission goes without them", metadata: ["error": "\(error)"])
            enqueue(.submission, payload)
            enqueue(.deviceAlert, AlertPayload(kioskId: configuration.kioskID, code: "scan-not-attached",
                                               detail: "submission \(payload.reference): \(pages.count) scanned pages could not be attached"))
        }
    }
}
