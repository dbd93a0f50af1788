import DeviceKit
import Flows
import Foundation
import Logging
import Outbox

/// Certificate collection (证照领取) against the pickup cache: finding what is ready for a
/// document or a pickup code, the certificate to print, recording its collection, and the progress
/// query's result statuses. All quick local reads and writes, done in the session loop in order.
public struct PickupDesk: Sendable {
    let store: KioskStore
    let keys: HolderKeys
    let outbox: OutboxWriter
    let logger: Logger

    func find(_ query: PickupQuery) -> [PickupSummary] {
        do {
            let found: [Pickup]
            switch query {
            case .holder(let identity): found = try store.readyPickups(holderKey: keys.holderKey(for: identity))
            case .pickupCode(let code): found = try store.readyPickups(pickupCodeHash: keys.pickupCodeHash(code))
            }
            return found.map {
                PickupSummary(id: $0.id, title: Localized(zhHans: $0.titleZh, en: $0.titleEn),
                              department: Localized(zhHans: $0.departmentZh, en: $0.departmentEn))
            }
        } catch {
            logger.error("pickup lookup failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The pickup's certificate from the cache, with the digest the printer checks before printing.
    public func certificateJob(pickupID: String) -> PrintJob? {
        do {
            guard let digest = try store.pickup(id: pickupID)?.documentDigest,
                  let document = try store.document(digest: digest) else { return nil }
            return PrintJob(kind: .certificate, title: "certificate \(pickupID)", format: document.format, document: document.data,
                            expectedSHA256: digest)
        } catch {
            logger.error("certificate document unavailable", metadata: ["pickup": "\(pickupID)", "error": "\(error)"])
            return nil
        }
    }

    /// Flips the pickup to collected and queues its `collection` item in one transaction; only
    /// after the print job completed.
    func recordCollection(_ payload: CollectionPayload) {
        do {
            let data = try outbox.encode(.collection, payload)
            try store.recordCollection(pickupID: payload.pickupId, payload: data)
        } catch {
            logger.error("collection not recorded", metadata: ["pickup": "\(payload.pickupId)", "error": "\(error)"])
            outbox.alert(code: "collection-not-recorded", detail: "pickup \(payload.pickupId): \(error)")
        }
    }

    func lookupResult(_ code: String) -> ResultSummary? {
        do {
            guard let result = try store.result(code: code) else { return nil }
            return ResultSummary(code: result.code, status: result.status.rawValue,
                                 title: Localized(zhHans: result.titleZh, en: result.titleEn), updatedAt: result.updatedAt)
        } catch {
            logger.error("result lookup failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
