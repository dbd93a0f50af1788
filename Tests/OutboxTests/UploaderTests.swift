import Crypto
import Foundation
import Logging
import PlatformStandIn
import Testing
import WireFormat
@testable import Outbox

/// The uploader against the real platform stand-in over HTTP on loopback.
@Suite("Uploader")
struct UploaderTests {
    static let kioskID = "HK-TEST-01"
    static let token = "kiosk-token-for-tests"
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    /// Quick retries, so a test waits milliseconds rather than minutes.
    static let settings = UploaderSettings(batchMaxItems: 50, backoff: Backoff(base: 0.01, cap: 0.1), idleInterval: 0.05)

    @Test("queued items reach the platform once each and are marked delivered; the link shows online")
    func deliversQueuedItems() async throws {
        try await withKiosk { kiosk in
            for level in 1...120 {
                try kiosk.store.enqueue(type: .rating, encodable: ["level": level])
            }
            try await kiosk.runUploader { try kiosk.store.counts().delivered == 120 }
            let stored = try await kiosk.platform.events(kioskId: Self.kioskID)
            #expect(stored.count == 120)
            #expect(Set(stored.map(\.id)) == Set(try kiosk.store.items(limit: 200).map(\.id)))
            #expect(kiosk.link.current.isOnline)
        }
    }

    @Test("with the platform unreachable items wait to retry, nothing is lost, and the link says offline")
    func unreachablePlatformKeepsItems() async throws {
        try await withTemporaryDirectory { directory in
            let store = try KioskStore(path: directory.appendingPathComponent("k.sqlite").path, logger: Self.quiet)
            for index in 0..<5 { try store.enqueue(type: .rating, encodable: ["n": index]) }
            // Port 9 (discard) is closed on loopback: connections are refused at once.
            let client = PlatformClient(endpoint: PlatformEndpoint(
                baseURL: URL(string: "http://127.0.0.1:9")!, kioskID: Self.kioskID, token: Self.token, requestTimeout: 2))
            let link = PlatformLink()
            let uploader = Uploader(store: store, client: client, link: link, settings: Self.settings, logger: Self.quiet)
            let task = Task { await uploader.run() }
            try await waitUntil { try store.counts().retry == 5 }
            task.cancel()
            await task.value
            await client.shutdown()
            let counts = try store.counts()
            #expect(counts.retry + counts.pending == 5)
            #expect(counts.delivered == 0 && counts.dead == 0)
            guard case let .offline(_, reason) = link.current else {
                Issue.record("link is \(link.current), not offline")
                return
            }
            #expect(reason.contains("cannot be reached"))
            #expect(try store.lastError(id: try store.items(limit: 1)[0].id)?.contains("cannot be reached") == true)
        }
    }

    @Test("a 429 with Retry-After puts the next attempt no sooner than the platform asked")
    func retryAfterIsHonoured() async throws {
        try await withKiosk(faults: Faults(throttleRate: 1, retryAfterSeconds: 30)) { kiosk in
            let item = try kiosk.store.enqueue(type: .rating, encodable: ["level": 1])
            let before = Date()
            try await kiosk.runUploader { try kiosk.store.counts().retry == 1 }
            let due = try #require(try kiosk.store.nextRetryDue())
            #expect(due.timeIntervalSince(before) >= 29)
            #expect(try kiosk.store.lastError(id: item.id)?.contains("HTTP 429") == true)
        }
    }

    @Test("an item the platform rejects goes to dead with the platform's reason, and an operator can send it again")
    func rejectedItemIsDead() async throws {
        try await withKiosk { kiosk in
            // A collection of a pickup the platform never issued.
            let item = try kiosk.store.enqueue(type: .collection, encodable: ["pickupId": "P-NOPE", "kioskId": Self.kioskID])
            let fine = try kiosk.store.enqueue(type: .rating, encodable: ["level": 2])
            try await kiosk.runUploader { try kiosk.store.counts().dead == 1 && kiosk.store.counts().delivered == 1 }
            #expect(try kiosk.store.item(id: fine.id)?.state == .delivered)
            #expect(try kiosk.store.lastError(id: item.id)?.contains("unknown pickup") == true)
            #expect(try kiosk.store.retryDead(id: item.id) == 1)
            #expect(try kiosk.store.item(id: item.id)?.state == .pending)
        }
    }

    @Test("a pickup collected here and elsewhere is delivered as a conflict and raises an operator alert")
    func conflictRaisesAlert() async throws {
        try await withKiosk { kiosk in
            try await kiosk.platform.upsertPickups([Self.record(id: "P-1")])
            _ = try await kiosk.platform.collectElsewhere(pickupId: "P-1", by: "counter-3")
            let item = try kiosk.store.enqueue(type: .collection, encodable: ["pickupId": "P-1", "kioskId": Self.kioskID])
            try await kiosk.runUploader { try kiosk.store.counts().delivered == 1 }
            let alerts = try kiosk.store.openAlerts()
            #expect(alerts.map(\.code) == ["pickup-conflict"])
            #expect(alerts.first?.subject == item.id)
            #expect(alerts.first?.detail.contains("counter-3") == true)
        }
    }

    @Test("a refused token keeps the items, says offline and raises platform-refuses-token")
    func refusedToken() async throws {
        try await withKiosk(token: "not-the-token") { kiosk in
            try kiosk.store.enqueue(type: .rating, encodable: ["level": 3])
            try await kiosk.runUploader { try kiosk.store.counts().retry == 1 }
            #expect(try kiosk.store.openAlerts().map(\.code) == ["platform-refuses-token"])
            #expect(!kiosk.link.current.isOnline)
        }
    }

    @Test("with 30% failures and dropped connections every item arrives exactly once")
    func flakyPlatformExactlyOnce() async throws {
        try await withKiosk(faults: Faults(failureRate: 0.3, dropRate: 0.2)) { kiosk in
            for index in 0..<300 { try kiosk.store.enqueue(type: .rating, encodable: ["n": index]) }
            try await kiosk.runUploader { try kiosk.store.counts().delivered == 300 }
            let stored = try await kiosk.platform.events(kioskId: Self.kioskID)
            #expect(stored.count == 300)
            #expect(Set(stored.map(\.id)).count == 300)
            let stats = kiosk.platform.stats()
            #expect(stats.faultsInjected.values.reduce(0, +) > 0)
        }
    }

    @Test("sealed payloads are unreadable in the file, travel opened, and a wrong key is a clear error")
    func sealedPayloads() async throws {
        let key = SymmetricKey(size: .bits256)
        let sealer = Sealer(keyring: try SealingKeyring(keys: [key]))
        try await withKiosk(sealer: sealer) { kiosk in
            try await kiosk.platform.upsertPickups([Self.record(id: "P-2")])
            let payload = #"{"collector":{"kind":"resident-id","name":"测试样","number":"460100199001010027"},"kioskId":"HK-TEST-01","pickupId":"P-2"}"#
            let item = try kiosk.store.enqueue(type: .collection, payload: Data(payload.utf8))
            try kiosk.store.close()
            for suffix in ["", "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: kiosk.store.path + suffix))) ?? Data()
                #expect(bytes.range(of: Data("460100199001010027".utf8)) == nil, "the ID number is in \(suffix.isEmpty ? "the database" : "the WAL")")
                #expect(bytes.range(of: Data("测试样".utf8)) == nil)
            }
            // Opened with the right key, the platform takes it (it checks the pickup id inside).
            let reopened = try KioskStore(path: kiosk.store.path, logger: Self.quiet, sealer: sealer)
            try await kiosk.runUploader(store: reopened) { try reopened.counts().delivered == 1 }
            #expect(try await kiosk.platform.events(kioskId: Self.kioskID).map(\.id) == [item.id])

            // Another key: the item is dead with a message that names the key, not garbage sent.
            let other = Sealer(keyring: try SealingKeyring(keys: [SymmetricKey(size: .bits256)]))
            let wrong = try KioskStore(path: kiosk.store.path, logger: Self.quiet, sealer: sealer)
            let second = try wrong.enqueue(type: .collection, payload: Data(payload.utf8))
            try wrong.close()
            let withOtherKey = try KioskStore(path: kiosk.store.path, logger: Self.quiet, sealer: other)
            try await kiosk.runUploader(store: withOtherKey) { try withOtherKey.counts().dead == 1 }
            let reason = try #require(try withOtherKey.lastError(id: second.id))
            #expect(reason.contains(sealer.keyring.currentKeyId))
            #expect(try withOtherKey.openAlerts().map(\.code) == ["sealing-key"])
        }
    }

    @Test("a large scan is sealed at rest, streamed to the platform before its item, and its file pruned with it")
    func attachmentsAreStreamed() async throws {
        let sealer = Sealer(keyring: try SealingKeyring(keys: [SymmetricKey(size: .bits256)]))
        try await withKiosk(sealer: sealer) { kiosk in
            let scan = URL(fileURLWithPath: kiosk.store.path).deletingLastPathComponent().appendingPathComponent("scan.png")
            var bytes = Data(count: 5 << 20)
            for index in stride(from: 0, to: bytes.count, by: 4096) { bytes[index] = UInt8(truncatingIfNeeded: index / 4096) }
            bytes.replaceSubrange(1000..<1018, with: Data("460100199001010027".utf8))
            try bytes.write(to: scan)
            let digest = sha256Hex(bytes)
            let item = try kiosk.store.enqueue(
                type: .submission, payload: Data(#"{"reference":"R-1","kioskId":"HK-TEST-01"}"#.utf8),
                attachments: [AttachmentSource(path: scan.path, mediaType: "image/png")])
            let stored = try kiosk.store.attachments(itemID: item.id)
            #expect(stored.map(\.sha256) == [digest])
            #expect(stored.first?.keyID == sealer.keyring.currentKeyId)
            let file = kiosk.store.attachmentsFolder + "/" + stored[0].file
            let atRest = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(atRest.range(of: Data("460100199001010027".utf8)) == nil, "the scan is readable at rest")

            try await kiosk.runUploader { try kiosk.store.counts().delivered == 1 }
            #expect(try kiosk.store.attachments(itemID: item.id).allSatisfy(\.uploaded))
            let received = kiosk.platform.server.configuration.dataDirectory.appendingPathComponent("attachments")
                .appendingPathComponent(UploaderTests.kioskID).appendingPathComponent(digest)
            #expect(try Data(contentsOf: received) == bytes)

            // Pruned with its item, the file goes too.
            #expect(try kiosk.store.pruneDelivered(deliveredBefore: .distantFuture) == 1)
            #expect(kiosk.store.removeOrphanedAttachmentFiles() == 1)
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    @Test("over its size cap the queue raises queue-over-cap and keeps every undelivered item")
    func sizeCapRaisesAlert() async throws {
        try await withTemporaryDirectory { directory in
            let store = try KioskStore(path: directory.appendingPathComponent("k.sqlite").path, logger: Self.quiet)
            for index in 0..<20 { try store.enqueue(type: .rating, encodable: ["n": index]) }
            let client = PlatformClient(endpoint: PlatformEndpoint(
                baseURL: URL(string: "http://127.0.0.1:9")!, kioskID: Self.kioskID, token: Self.token, requestTimeout: 2))
            var settings = Self.settings
            settings.sizeCap = 1024
            let uploader = Uploader(store: store, client: client, link: PlatformLink(), settings: settings, logger: Self.quiet)
            let task = Task { await uploader.run() }
            try await waitUntil { try store.openAlerts().map(\.code) == ["queue-over-cap"] }
            task.cancel()
            await task.value
            await client.shutdown()
            let counts = try store.counts()
            #expect(counts.backlog == 20)
            #expect(try store.openAlerts().first?.detail.contains("nothing undelivered is dropped") == true)
        }
    }

    @Test("the request body splices each payload in as JSON the platform decodes")
    func batchBodyDecodes() throws {
        let items = [
            OutboxItem(id: "0190a000-0000-7000-8000-000000000001", type: .rating, occurredAt: Date(unixMilliseconds: 1_764_000_000_123),
                       payload: Data(#"{"level":1}"#.utf8)),
            OutboxItem(id: "0190a000-0000-7000-8000-000000000002", type: .deviceAlert, occurredAt: Date(unixMilliseconds: 1_764_000_000_456),
                       payload: Data(#"{"code":"paper \"low\""}"#.utf8)),
        ]
        let files = [[], [StoredAttachment(sha256: String(repeating: "c", count: 64), mediaType: "image/png", size: 42,
                                           file: "f", keyID: nil, uploaded: true)]]
        let body = Uploader.batchBody(items: items, payloads: items.map(\.payload), attachments: files)
        let batch = try PlatformAPI.makeDecoder().decode(PlatformAPI.EventBatch.self, from: body)
        #expect(batch.items.map(\.id) == items.map(\.id))
        #expect(batch.items.map { Int(($0.occurredAt.timeIntervalSince1970 * 1000).rounded()) } == [1_764_000_000_123, 1_764_000_000_456])
        #expect(batch.items[1].payload["code"]?.stringValue == #"paper "low""#)
        #expect(batch.items[1].type == "device-alert")
        #expect(batch.items[0].attachments == nil)
        #expect(batch.items[1].attachments == [PlatformAPI.AttachmentRef(sha256: String(repeating: "c", count: 64), mediaType: "image/png", size: 42)])
    }

    // MARK: - Support

    static func record(id: String, expiresAt: Date? = nil, digest: String? = nil) -> PlatformAPI.PickupRecord {
        PlatformAPI.PickupRecord(
            id: id, holderKey: String(repeating: "a", count: 64), titleZh: "营业执照", titleEn: "Business licence",
            departmentZh: "市场监督管理局", departmentEn: "Market Supervision", documentDigest: digest, expiresAt: expiresAt)
    }

    struct Kiosk {
        let store: KioskStore
        let platform: RunningStandIn
        let client: PlatformClient
        let link: PlatformLink

        /// Runs an uploader until `done` holds (30 s at most), then stops it.
        func runUploader(store: KioskStore? = nil, until done: @escaping @Sendable () throws -> Bool) async throws {
            let uploader = Uploader(store: store ?? self.store, client: client, link: link, settings: UploaderTests.settings,
                                    logger: UploaderTests.quiet)
            let task = Task { await uploader.run() }
            defer { task.cancel() }
            try await waitUntil(done)
            task.cancel()
            await task.value
        }
    }

    func withKiosk(
        faults: Faults = Faults(), token: String = UploaderTests.token, sealer: Sealer? = nil, seed: UInt64 = 7,
        _ body: (Kiosk) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { directory in
            let configuration = StandInConfiguration(
                dataDirectory: directory.appendingPathComponent("platform"), kioskTokens: [Self.kioskID: Self.token],
                adminToken: "admin-token-for-tests", faults: faults, randomSeed: seed)
            let platform = try await RunningStandIn.start(configuration, logger: Self.quiet)
            let store = try KioskStore(path: directory.appendingPathComponent("kiosk.sqlite").path, logger: Self.quiet, sealer: sealer)
            let client = PlatformClient(endpoint: PlatformEndpoint(
                baseURL: URL(string: platform.baseURL)!, kioskID: Self.kioskID, token: token, requestTimeout: 5))
            do {
                try await body(Kiosk(store: store, platform: platform, client: client, link: PlatformLink()))
            } catch {
                await client.shutdown()
                await platform.stop()
                throw error
            }
            await client.shutdown()
            await platform.stop()
        }
    }
}

/// Polls `condition` every 20 ms until it holds; fails after 30 s.
func waitUntil(_ condition: @Sendable () throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("the condition did not hold within 30 s", sourceLocation: sourceLocation)
    throw CancellationError()
}
