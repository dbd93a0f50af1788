import Foundation
import Outbox
import PlatformStandIn
import Testing

@Suite("Pickups: the manifest feed and collections")
struct PickupsTests {
    @Test("a collection marks the pickup collected and moves it to the end of the feed")
    func collectionMovesCursor() async throws {
        try await Harness.with { harness in
            try await harness.standIn.upsertPickups([Make.pickup("P-1"), Make.pickup("P-2")])
            let start = try await harness.pickups()
            #expect(start.pickups.map(\.id) == ["P-1", "P-2"])
            #expect(start.pickups.allSatisfy { $0.state == .ready })
            #expect(start.more == false)
            #expect(try await harness.pickups(since: start.cursor).pickups.isEmpty)

            let collection = Make.collection(pickup: "P-1")
            let results = try harness.results(of: try await harness.post(PlatformAPI.EventBatch(items: [collection])))
            #expect(results[collection.id]?.status == .accepted)

            let changes = try await harness.pickups(since: start.cursor)
            #expect(changes.pickups.map(\.id) == ["P-1"])
            let collected = try #require(changes.pickups.first)
            #expect(collected.state == .collected)
            #expect(collected.collectedBy == "kiosk-1")
            #expect(collected.collectedAt.map { sameMillisecond($0, collection.occurredAt) } == true)
            #expect(Int(changes.cursor)! > Int(start.cursor)!)

            // Every kiosk sees the change: pickups are not assigned to kiosks.
            #expect(try await harness.pickups(kiosk: "kiosk-2", since: start.cursor).pickups.map(\.id) == ["P-1"])

            // The same kiosk recording the same pickup again (another item) changes nothing.
            let again = Make.collection(pickup: "P-1")
            let second = try harness.results(of: try await harness.post(PlatformAPI.EventBatch(items: [again])))
            #expect(second[again.id]?.status == .accepted)
            #expect(try await harness.pickups(since: changes.cursor).pickups.isEmpty)
        }
    }

    @Test("a pickup collected at a counter or withdrawn answers conflict, naming where and when")
    func collectedElsewhere() async throws {
        try await Harness.with { harness in
            try await harness.standIn.upsertPickups([Make.pickup("P-1"), Make.pickup("P-2"), Make.pickup("P-3")])
            let at = Date(timeIntervalSince1970: 1_795_000_000.5)
            try await harness.standIn.collectElsewhere(pickupId: "P-1", by: "counter-3", at: at)
            let withdrawn = try await harness.send(.POST, "/admin/pickups/P-2/withdraw", token: Harness.adminToken)
            #expect(withdrawn.status == 200)
            #expect(try withdrawn.decode(PlatformAPI.PickupRecord.self).state == .withdrawn)

            let atCounter = Make.collection(pickup: "P-1")
            let ofWithdrawn = Make.collection(pickup: "P-2")
            let byOtherKiosk = Make.collection(pickup: "P-3", kiosk: "kiosk-2")
            _ = try await harness.post(PlatformAPI.EventBatch(items: [byOtherKiosk]), kiosk: "kiosk-2")
            let secondHere = Make.collection(pickup: "P-3")
            let unknown = Make.collection(pickup: "P-404")
            let results = try harness.results(of: try await harness.post(
                PlatformAPI.EventBatch(items: [atCounter, ofWithdrawn, secondHere, unknown])))

            #expect(results[atCounter.id]?.status == .conflict)
            #expect(results[atCounter.id]?.reason == "pickup P-1 was already collected by counter-3 at 2026-11-18T11:06:40.500Z")
            #expect(results[ofWithdrawn.id]?.status == .conflict)
            #expect(results[ofWithdrawn.id]?.reason?.contains("withdrawn") == true)
            #expect(results[secondHere.id]?.status == .conflict)
            #expect(results[secondHere.id]?.reason?.contains("kiosk-2") == true)
            #expect(results[unknown.id]?.status == .rejected)
            #expect(results[unknown.id]?.reason == "unknown pickup P-404")

            // Conflicts are stored (a retry is a duplicate); the pickup keeps its first collector.
            let stored = try await harness.standIn.events(kioskId: "kiosk-1")
            #expect(Set(stored.map(\.id)) == [atCounter.id, ofWithdrawn.id, secondHere.id])
            #expect(stored.allSatisfy { $0.status == "conflict" })
            let retry = try harness.results(of: try await harness.post(PlatformAPI.EventBatch(items: [atCounter])))
            #expect(retry[atCounter.id]?.status == .duplicate)
            #expect(try await harness.standIn.pickup(id: "P-3")?.collectedBy == "kiosk-2")
            #expect(harness.standIn.stats().conflicts == 3)
        }
    }

    @Test("a collection naming another kiosk in its payload, or no pickup, is rejected")
    func collectionPayloadChecks() async throws {
        try await Harness.with { harness in
            try await harness.standIn.upsertPickups([Make.pickup("P-1")])
            let foreign = Make.collection(pickup: "P-1", kiosk: "kiosk-2")
            let noPickup = Make.event(type: "collection", payload: .object(["kioskId": .string("kiosk-1")]))
            let results = try harness.results(of: try await harness.post(PlatformAPI.EventBatch(items: [foreign, noPickup])))
            #expect(results[foreign.id]?.status == .rejected)
            #expect(results[noPickup.id]?.status == .rejected)
            #expect(try await harness.standIn.pickup(id: "P-1")?.state == .ready)
        }
    }

    @Test("pages follow the cursor, with more while changes remain")
    func paging() async throws {
        try await Harness.with { harness in
            try await harness.standIn.upsertPickups((1...7).map { Make.pickup("P-\($0)") })
            var cursor: String?
            var seen: [String] = []
            var pages = 0
            while true {
                let page = try await harness.pickups(since: cursor, limit: 3)
                pages += 1
                seen += page.pickups.map(\.id)
                cursor = page.cursor
                #expect(page.pickups.count <= 3)
                if !page.more { break }
            }
            #expect(pages == 3)
            #expect(seen == (1...7).map { "P-\($0)" })

            // Updating a pickup moves it after the cursor again.
            var changed = Make.pickup("P-2")
            changed.titleEn = "Business licence (copy)"
            let admin = try await harness.send(
                .PUT, "/admin/pickups", token: Harness.adminToken,
                body: try PlatformAPI.makeEncoder().encode([changed]))
            #expect(admin.status == 200)
            let next = try await harness.pickups(since: cursor)
            #expect(next.pickups.map(\.titleEn) == ["Business licence (copy)"])

            let empty = try await harness.pickups(since: next.cursor)
            #expect(empty.pickups.isEmpty)
            #expect(empty.cursor == next.cursor)
            #expect(empty.more == false)

            let bad = try await harness.send(.GET, "/v1/kiosks/kiosk-1/pickups?since=abc")
            #expect(bad.status == 400)
            let badLimit = try await harness.send(.GET, "/v1/kiosks/kiosk-1/pickups?limit=0")
            #expect(badLimit.status == 400)
            let capped = try await harness.send(.GET, "/v1/kiosks/kiosk-1/pickups?limit=5000")
            #expect(capped.status == 200)
        }
    }
}
