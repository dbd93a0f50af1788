import Foundation
import Logging

/// How the uploader batches, backs off and tidies up.
public struct UploaderSettings: Sendable, Equatable {
    /// At most this many items in one request.
    public var batchMaxItems: Int
    /// Stop adding items to a request once their payloads reach this many bytes.
    public var batchMaxBytes: Int
    /// The wait before an item's next attempt, and before the next request after the platform
    /// could not be reached.
    public var backoff: Backoff
    /// How long the uploader sleeps when nothing is due and nothing wakes it.
    public var idleInterval: TimeInterval
    /// Delivered items are deleted after this long.
    public var retention: TimeInterval
    /// Above this many bytes on disk the queue raises an operator alert; it never drops an
    /// undelivered item. Nil for no cap.
    public var sizeCap: Int64?

    public init(
        batchMaxItems: Int = 250, batchMaxBytes: Int = 1 << 20, backoff: Backoff = Backoff(base: 1, cap: 300),
        idleInterval: TimeInterval = 30, retention: TimeInterval = 7 * 86_400, sizeCap: Int64? = nil
    ) {
        self.batchMaxItems = max(1, batchMaxItems)
        self.batchMaxBytes = max(1, batchMaxBytes)
        self.backoff = backoff
        self.idleInterval = max(0.01, idleInterval)
        self.retention = max(0, retention)
        self.sizeCap = sizeCap
    }
}

/// One request's worth of news for metrics.
public struct UploadReport: Sendable, Equatable {
    /// `delivered`, `retry` or `dead`.
    public var outcome: String
    public var items: Int
    public var seconds: Double
}

/// Sends outbox items to the platform, at least once each, until they are delivered or dead
/// (DESIGN decision 6).
///
/// One loop: lease the next batch, send it, record what the platform said, repeat; sleep when
/// nothing is due until an item is queued (``wake()``) or a retry comes due. When the platform
/// cannot be reached the loop itself backs off, so a long backlog does not hammer a platform
/// that is down; each item also carries its own next-attempt time. Retry-After is honoured.
///
/// What is final and what is not:
/// - network errors, timeouts, 408, 429 and 5xx: retry with backoff;
/// - 401/403: retry with backoff and raise the `platform-refuses-token` operator alert;
/// - 413: halve the batch; a single item too large is dead;
/// - another 4xx for a batch: send its items one by one to find the one the platform refuses;
///   for a single item: dead, with the platform's reason;
/// - per item: `accepted` and `duplicate` are delivered, `conflict` is delivered and raises a
///   `pickup-conflict` alert, `rejected` is dead with the platform's reason.
public final class Uploader: Sendable {
    private let store: KioskStore
    private let client: PlatformClient
    private let link: PlatformLink
    private let settings: UploaderSettings
    private let report: (@Sendable (UploadReport) -> Void)?
    private let logger: Logger
    private let signal = WakeSignal()

    public init(
        store: KioskStore, client: PlatformClient, link: PlatformLink, settings: UploaderSettings,
        logger: Logger, report: (@Sendable (UploadReport) -> Void)? = nil
    ) {
        self.store = store
        self.client = client
        self.link = link
        self.settings = settings
        self.logger = logger
        self.report = report
    }

    /// Wakes the loop at once: call after queueing an item.
    public func wake() { signal.signal() }

    /// Runs until the task is cancelled.
    public func run() async {
        do {
            try store.recoverLeases()
        } catch {
            logger.error("outbox leases could not be recovered", metadata: ["error": "\(error)"])
        }
        var loop = LoopState(batchLimit: settings.batchMaxItems)
        var lastTidy = Date.distantPast
        while !Task.isCancelled {
            if Date.now.timeIntervalSince(lastTidy) > 60 {
                tidy()
                lastTidy = .now
            }
            let leased: [KioskStore.LeasedItem]
            do {
                leased = try store.leaseBatch(
                    maxItems: loop.singleItemRounds > 0 ? 1 : loop.batchLimit, maxBytes: settings.batchMaxBytes)
            } catch {
                logger.error("outbox items could not be leased", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(5))
                continue
            }
            if leased.isEmpty {
                await signal.wait(timeout: .seconds(idleWait()))
                continue
            }
            if loop.singleItemRounds > 0 { loop.singleItemRounds -= 1 }
            switch await deliver(leased) {
            case .done:
                loop.linkFailures = 0
            case let .linkDown(retryAfter):
                loop.linkFailures += 1
                let wait = max(settings.backoff.delay(attempt: loop.linkFailures), retryAfter ?? 0)
                try? await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            case .split:
                loop.singleItemRounds = leased.count
            case .halve:
                loop.batchLimit = max(1, leased.count / 2)
            }
        }
    }

    // MARK: - One request

    private struct LoopState {
        var batchLimit: Int
        var linkFailures = 0
        var singleItemRounds = 0
    }

    private enum Next {
        case done
        case linkDown(retryAfter: TimeInterval?)
        case split
        case halve
    }

    private func deliver(_ leased: [KioskStore.LeasedItem]) async -> Next {
        let started = ContinuousClock.now
        var items: [OutboxItem] = []
        var payloads: [Data] = []
        for entry in leased {
            do {
                payloads.append(try store.openPayload(entry.item.payload, keyID: entry.keyID, item: entry.item))
                items.append(entry.item)
            } catch {
                // Sending cannot help; an operator fixes the key and runs `kioskctl queue retry`.
                record { try store.markDead(entry.item.id, reason: "\(error)") }
                record { try store.raiseAlert(code: "sealing-key", detail: "\(error)") }
                logger.error("outbox item cannot be opened for sending", metadata: ["id": "\(entry.item.id)", "error": "\(error)"])
            }
        }
        var attachments: [[StoredAttachment]] = []
        var kept: [Int] = []
        for (index, item) in items.enumerated() {
            switch await uploadAttachments(of: item) {
            case let .success(files):
                attachments.append(files)
                kept.append(index)
            case let .failure(error) where error.isTransient:
                return failed(items, error: error, started: started)
            case let .failure(error):
                record { try store.markDead(item.id, reason: "an attachment was refused: \(error)") }
            }
        }
        items = kept.map { items[$0] }
        payloads = kept.map { payloads[$0] }
        guard !items.isEmpty else { return .done }
        let ids = items.map(\.id)
        let body = Self.batchBody(items: items, payloads: payloads, attachments: attachments)
        do {
            let answer = try await client.postEvents(body: body, idempotencyKey: PlatformAPI.batchKey(ids: ids))
            link.reachedPlatform()
            record { try store.clearAlert(code: "platform-refuses-token") }
            apply(answer, to: items)
            report?(UploadReport(outcome: "delivered", items: items.count, seconds: seconds(since: started)))
            return .done
        } catch {
            return failed(items, error: error, started: started)
        }
    }

    /// Uploads the item's files the platform does not hold yet, each streamed from its file.
    private func uploadAttachments(of item: OutboxItem) async -> Result<[StoredAttachment], PlatformError> {
        let files: [StoredAttachment]
        do { files = try store.attachments(itemID: item.id) } catch {
            return .failure(.badAnswer("the item's attachments cannot be read: \(error)"))
        }
        for file in files where !file.uploaded {
            do {
                let chunks = try store.attachmentChunks(file)
                try await client.putAttachment(sha256: file.sha256, length: file.size, chunks: chunks)
                try store.markAttachmentUploaded(itemID: item.id, sha256: file.sha256)
            } catch let error as PlatformError {
                return .failure(error)
            } catch {
                return .failure(.refused(status: 0, detail: "\(error)"))
            }
        }
        return .success(files)
    }

    private func apply(_ answer: PlatformAPI.EventBatchResult, to items: [OutboxItem]) {
        var byID: [String: PlatformAPI.ItemResult] = [:]
        for result in answer.results { byID[result.id] = result }
        var delivered: [String] = []
        var conflicts: [String] = []
        var missing: [OutboxItem] = []
        for item in items {
            guard let result = byID[item.id] else {
                missing.append(item)
                continue
            }
            switch result.status {
            case .accepted, .duplicate:
                delivered.append(item.id)
            case .conflict:
                conflicts.append(item.id)
                record {
                    try store.raiseAlert(
                        code: "pickup-conflict", subject: item.id,
                        detail: "item \(item.id) (\(item.type.rawValue)) conflicts on the platform: \(result.reason ?? "no reason given")")
                }
            case .rejected:
                let reason = "the platform rejected it: \(result.reason ?? "no reason given")"
                record { try store.markDead(item.id, reason: reason) }
                logger.warning("outbox item rejected by the platform", metadata: ["id": "\(item.id)", "reason": "\(reason)"])
            }
        }
        record { try store.markDelivered(delivered, outcome: .accepted) }
        record { try store.markDelivered(conflicts, outcome: .conflict) }
        if !missing.isEmpty {
            retry(missing, error: "the platform's answer did not mention the item", retryAfter: nil)
        }
    }

    private func failed(_ items: [OutboxItem], error: PlatformError, started: ContinuousClock.Instant) -> Next {
        let elapsed = seconds(since: started)
        switch error {
        case .unreachable, .unavailable, .unauthorized, .badAnswer:
            var retryAfter: TimeInterval?
            if case let .unavailable(_, after, _) = error { retryAfter = after }
            if case .unauthorized = error {
                record { try store.raiseAlert(code: "platform-refuses-token", detail: "\(error)") }
            }
            link.lostPlatform(reason: "\(error)")
            retry(items, error: "\(error)", retryAfter: retryAfter)
            report?(UploadReport(outcome: "retry", items: items.count, seconds: elapsed))
            logger.info("upload failed; items will be sent again", metadata: ["items": "\(items.count)", "error": "\(error)"])
            return .linkDown(retryAfter: retryAfter)
        case .tooLarge, .refused:
            link.reachedPlatform()
            if items.count > 1 {
                // Find the item the platform objects to by sending smaller batches; due now.
                record { try store.markForRetry(items.map(\.id), error: "\(error)", nextAttempt: { _ in .now }) }
                report?(UploadReport(outcome: "retry", items: items.count, seconds: elapsed))
                if case .tooLarge = error { return .halve }
                return .split
            }
            record { try store.markDead(items[0].id, reason: "\(error)") }
            report?(UploadReport(outcome: "dead", items: 1, seconds: elapsed))
            logger.warning("outbox item refused by the platform", metadata: ["id": "\(items[0].id)", "error": "\(error)"])
            return .done
        }
    }

    private func retry(_ items: [OutboxItem], error: String, retryAfter: TimeInterval?) {
        let now = Date.now
        var due: [String: Date] = [:]
        for item in items {
            let wait = max(settings.backoff.delay(attempt: item.attempts), retryAfter ?? 0)
            due[item.id] = now.addingTimeInterval(wait)
        }
        record { try store.markForRetry(items.map(\.id), error: error, nextAttempt: { due[$0] ?? now }) }
    }

    // MARK: - Housekeeping

    /// Prunes delivered items past the retention period and checks the size cap.
    private func tidy() {
        record { try store.pruneDelivered(deliveredBefore: Date.now.addingTimeInterval(-settings.retention)) }
        store.removeOrphanedAttachmentFiles()
        guard let cap = settings.sizeCap else { return }
        let size = store.fileSize()
        if size > cap {
            // Delivered items can go early; undelivered ones are never dropped.
            record { try store.pruneDelivered(deliveredBefore: .distantFuture) }
            let after = store.fileSize()
            if after > cap {
                record {
                    try store.raiseAlert(
                        code: "queue-over-cap",
                        detail: "the queue takes \(after) bytes, over its cap of \(cap): check the platform link; nothing undelivered is dropped")
                }
            }
        } else {
            record { try store.clearAlert(code: "queue-over-cap") }
        }
    }

    private func idleWait() -> TimeInterval {
        guard let due = try? store.nextRetryDue() else { return settings.idleInterval }
        return min(settings.idleInterval, max(0.005, due.timeIntervalSinceNow))
    }

    /// Runs a store update whose failure must not stop the loop: it is logged, and the item stays
    /// in flight until the next start recovers it.
    private func record(_ update: () throws -> some Any) {
        do {
            _ = try update()
        } catch {
            logger.error("outbox state could not be recorded", metadata: ["error": "\(error)"])
        }
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    // MARK: - Request body

    /// `{"items":[{"id":…,"occurredAt":…,"payload":…,"type":…},…]}` with each payload spliced in
    /// as the JSON it already is, rather than parsed and encoded again.
    static func batchBody(items: [OutboxItem], payloads: [Data], attachments: [[StoredAttachment]] = []) -> Data {
        var body = Data()
        body.reserveCapacity(payloads.reduce(16) { $0 + $1.count + 120 })
        body.append(contentsOf: #"{"items":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(UInt8(ascii: "{"))
            if index < attachments.count, !attachments[index].isEmpty {
                let references = attachments[index].map { #"{"mediaType":"\#($0.mediaType)","sha256":"\#($0.sha256)","size":\#($0.size)}"# }
                body.append(contentsOf: #""attachments":["#.utf8)
                body.append(contentsOf: references.joined(separator: ",").utf8)
                body.append(contentsOf: "],".utf8)
            }
            body.append(contentsOf: #""id":""#.utf8)
            body.append(contentsOf: item.id.utf8)
            body.append(contentsOf: #"","occurredAt":""#.utf8)
            body.append(contentsOf: PlatformAPI.timestamp(item.occurredAt).utf8)
            body.append(contentsOf: #"","payload":"#.utf8)
            body.append(payloads[index])
            body.append(contentsOf: #","type":""#.utf8)
            body.append(contentsOf: item.type.rawValue.utf8)
            body.append(contentsOf: #""}"#.utf8)
        }
        body.append(contentsOf: "]}".utf8)
        return body
    }
}
