import Foundation
import PlatformStandIn
import Testing
@testable import Outbox

@Suite("Pickup sync")
struct PickupSyncTests {
    @Test("changes and documents come down, are checked by SHA-256 and cached; the cursor moves on")
    func fetchesPickupsAndDocuments() async throws {
        try await UploaderTests().withKiosk { kiosk in
            let pdf = Data("%PDF-1.4 business licence".utf8)
            let digest = try await kiosk.platform.storeDocument(pdf)
            #expect(digest == sha256Hex(pdf))
            try await kiosk.platform.upsertPickups([
                UploaderTests.record(id: "P-1", digest: digest), UploaderTests.record(id: "P-2"),
            ])
            let sync = Self.sync(kiosk)
            let report = try await sync.syncOnce()
            #expect(report.changes == 2 && report.documents == 1)
            #expect(try kiosk.store.pickup(id: "P-1")?.state == .ready)
            #expect(try kiosk.store.document(digest: digest)?.data == pdf)
            let cursor = try #require(try kiosk.store.syncValue("pickups.cursor"))
            // Nothing new: nothing fetched again.
            #expect(try await sync.syncOnce().changes == 0)
            #expect(try kiosk.store.syncValue("pickups.cursor") == cursor)
            #expect(kiosk.link.current.isOnline)
        }
    }

    @Test("handed out here while collected at a counter: a conflict alert; withdrawn pickups leave the cache")
    func conflictsAndWithdrawals() async throws {
        try await UploaderTests().withKiosk { kiosk in
            try await kiosk.platform.upsertPickups([UploaderTests.record(id: "P-1"), UploaderTests.record(id: "P-2")])
            let sync = Self.sync(kiosk)
            _ = try await sync.syncOnce()
            try kiosk.store.recordCollection(pickupID: "P-1", payload: Data(#"{"pickupId":"P-1"}"#.utf8))
            _ = try await kiosk.platform.collectElsewhere(pickupId: "P-1", by: "counter-3")
            _ = try await kiosk.platform.withdraw(pickupId: "P-2")
            let report = try await sync.syncOnce()
            #expect(report.conflicts == 1)
            let alert = try #require(try kiosk.store.openAlerts().first)
            #expect(alert.code == "pickup-conflict" && alert.subject == "P-1" && alert.detail.contains("counter-3"))
            #expect(try kiosk.store.pickup(id: "P-1")?.state == .collected)
            #expect(try kiosk.store.pickup(id: "P-2") == nil)
        }
    }

    @Test("a stale ready record never makes a pickup collected here ready again; expired pickups are purged")
    func staleRecordsAndPurge() async throws {
        try await UploaderTests().withKiosk { kiosk in
            let past = Date().addingTimeInterval(-30 * 86_400)
            try await kiosk.platform.upsertPickups([UploaderTests.record(id: "P-1"), UploaderTests.record(id: "P-OLD", expiresAt: past)])
            let sync = Self.sync(kiosk)
            let report = try await sync.syncOnce()
            #expect(report.purged == 1)
            #expect(try kiosk.store.pickup(id: "P-OLD") == nil)
            try kiosk.store.recordCollection(pickupID: "P-1", payload: Data(#"{"pickupId":"P-1"}"#.utf8))
            try await kiosk.platform.upsertPickups([UploaderTests.record(id: "P-1")])
            _ = try await sync.syncOnce()
            #expect(try kiosk.store.pickup(id: "P-1")?.state == .collected)
            #expect(try kiosk.store.openAlerts().isEmpty)
        }
    }

    @Test("with the platform unreachable the round fails, the cache is kept and the link says offline")
    func unreachable() async throws {
        try await withTemporaryDirectory { directory in
            let store = try KioskStore(path: directory.appendingPathComponent("k.sqlite").path, logger: UploaderTests.quiet)
            try store.upsertPickups([samplePickup(id: "P-1")])
            let client = PlatformClient(endpoint: PlatformEndpoint(
                baseURL: URL(string: "http://127.0.0.1:9")!, kioskID: UploaderTests.kioskID, token: "t", requestTimeout: 2))
            let link = PlatformLink()
            let sync = PickupSync(store: store, client: client, link: link, interval: 60, purgeAfter: 0, logger: UploaderTests.quiet)
            await #expect(throws: PlatformError.self) { try await sync.syncOnce() }
            await client.shutdown()
            #expect(try store.pickup(id: "P-1") != nil)
            #expect(!link.current.isOnline)
        }
    }

    static func sync(_ kiosk: UploaderTests.Kiosk) -> PickupSync {
        PickupSync(store: kiosk.store, client: kiosk.client, link: kiosk.link, interval: 60, purgeAfter: 86_400,
                   logger: UploaderTests.quiet)
    }
}
