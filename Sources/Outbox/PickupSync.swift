import Foundation
import Logging

/// Keeps the pickup cache in step with the platform, so a citizen can collect while the link is
/// down: fetches the manifest's changes since the stored cursor, downloads the documents they name
/// and checks each against its SHA-256, purges expired pickups, and turns a pickup collected both
/// here and elsewhere into an operator alert.
public final class PickupSync: Sendable {
    private let store: KioskStore
    private let client: PlatformClient
    private let link: PlatformLink
    private let interval: TimeInterval
    private let purgeAfter: TimeInterval
    private let logger: Logger
    private let signal = WakeSignal()

    public init(store: KioskStore, client: PlatformClient, link: PlatformLink, interval: TimeInterval,
                purgeAfter: TimeInterval, logger: Logger) {
        self.store = store
        self.client = client
        self.link = link
        self.interval = interval
        self.purgeAfter = purgeAfter
        self.logger = logger
    }

    /// What one round did.
    public struct Report: Sendable, Equatable {
        public var changes = 0
        public var documents = 0
        public var conflicts = 0
        public var purged = 0
    }

    /// Asks for a round now (an operator's `kioskctl queue flush`, or a test).
    public func wake() { signal.signal() }

    /// Runs rounds every `interval` until the task is cancelled. A failed round is logged and the
    /// next one comes at the next interval (the uploader's backoff covers the link).
    public func run() async {
        while !Task.isCancelled {
            do {
                let report = try await syncOnce()
                if report != Report() {
                    logger.info("pickups synchronised", metadata: [
                        "changes": "\(report.changes)", "documents": "\(report.documents)",
                        "conflicts": "\(report.conflicts)", "purged": "\(report.purged)",
                    ])
                }
            } catch {
                logger.notice("pickup sync failed; the cache is kept as it is", metadata: ["error": "\(error)"])
            }
            await signal.wait(timeout: .milliseconds(Int64(interval * 1000)))
        }
    }

    /// One round: every page of changes, then the missing documents, then the purge.
    public func syncOnce(now: Date = .now) async throws -> Report {
        var report = Report()
        var cursor = try store.syncValue("pickups.cursor")
        while true {
            let page: PlatformAPI.PickupPage
            do {
                page = try await client.pickups(since: cursor)
                link.reachedPlatform()
            } catch {
                if error.isTransient { link.lostPlatform(reason: "\(error)") }
                throw error
            }
            let conflicts = try store.applyPickupPage(page.pickups, cursor: page.cursor, kioskID: client.endpoint.kioskID)
            report.changes += page.pickups.count
            for conflict in conflicts {
                report.conflicts += 1
                let when = conflict.collectedAt.map { " at \(PlatformAPI.timestamp($0))" } ?? ""
                try store.raiseAlert(
                    code: "pickup-conflict", subject: conflict.pickupID,
                    detail: "pickup \(conflict.pickupID) was handed out here and also collected by \(conflict.collectedBy)\(when): check with the department which certificate is valid")
            }
            cursor = page.cursor
            if !page.more || page.pickups.isEmpty { break }
        }
        for digest in try store.missingDocuments() {
            let (data, format) = try await client.document(sha256: digest)
            let found = sha256Hex(data)
            guard found == digest else {
                // Never cache or print a document that is not the one the manifest names.
                logger.error("a downloaded document does not match its digest; it was not kept",
                             metadata: ["digest": "\(digest)", "found": "\(found)"])
                continue
            }
            _ = try store.storeDocument(data, format: format)
            report.documents += 1
        }
        report.purged = try store.purgeExpiredPickups(expiredBefore: now.addingTimeInterval(-purgeAfter))
        return report
    }
}
