import Foundation
import Outbox
import PlatformStandIn
import Testing

@Suite("POST /v1/kiosks/{kioskId}/events")
struct EventsTests {
    @Test("new items are accepted, the same ids sent again are duplicates")
    func acceptedThenDuplicate() async throws {
        try await Harness.with { harness in
            let batch = Make.batch(3)
            let first = try await harness.post(batch)
            #expect(first.status == 200)
            #expect(try harness.results(of: first).values.allSatisfy { $0.status == .accepted })

            // The same items in another batch (another key): each item is its own idempotency key.
            let again = PlatformAPI.EventBatch(items: batch.items + [Make.event()])
            let second = try await harness.post(again)
            let results = try harness.results(of: second)
            #expect(batch.items.allSatisfy { results[$0.id]?.status == .duplicate })
            #expect(results[again.items[3].id]?.status == .accepted)

            let events = try await harness.standIn.events(kioskId: "kiosk-1")
            #expect(events.count == 4)
            #expect(events.first { $0.id == batch.items[0].id }?.deliveries == 2)
            #expect(events.first { $0.id == again.items[3].id }?.deliveries == 1)
            let stats = harness.standIn.stats()
            #expect(stats.itemsAccepted == 4)
            #expect(stats.duplicates == 3)
        }
    }

    @Test("the same key and body replays the stored answer; a different body is 422")
    func idempotencyKeyReplay() async throws {
        try await Harness.with { harness in
            let batch = Make.batch(2)
            let first = try await harness.post(batch, key: "key-1")
            let replay = try await harness.post(batch, key: "key-1")
            #expect(replay.status == 200)
            #expect(replay.body == first.body)
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(first.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(harness.standIn.stats().replays == 1)

            let other = try await harness.post(Make.batch(1), key: "key-1")
            #expect(other.status == 422)
            #expect(other.problem?.error == "Idempotency-Key reused")

            // Nothing of the refused batch was stored; the replay did not count deliveries.
            let events = try await harness.standIn.events(kioskId: "kiosk-1")
            #expect(events.map(\.id) == batch.items.map(\.id))
            #expect(events.allSatisfy { $0.deliveries == 1 })

            // Keys are scoped to the kiosk: kiosk-2 may use the same key for its own batch.
            let elsewhere = try await harness.post(Make.batch(1), kiosk: "kiosk-2", key: "key-1")
            #expect(elsewhere.status == 200)
        }
    }

    @Test("a missing or unknown token is 401, another kiosk's token is 403")
    func authentication() async throws {
        try await Harness.with { harness in
            let batch = Make.batch(1)
            let body = try PlatformAPI.makeEncoder().encode(batch)
            let headers = [("Idempotency-Key", batch.idempotencyKey)]
            let missing = try await harness.send(.POST, "/v1/kiosks/kiosk-1/events", token: nil, headers: headers, body: body)
            #expect(missing.status == 401)
            #expect(missing.problem?.error == "unauthorized")
            #expect(missing.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)

            let wrong = try await harness.send(.POST, "/v1/kiosks/kiosk-1/events", token: "token-on", headers: headers, body: body)
            #expect(wrong.status == 401)
            let admin = try await harness.send(.POST, "/v1/kiosks/kiosk-1/events", token: Harness.adminToken, headers: headers, body: body)
            #expect(admin.status == 401)

            let foreign = try await harness.post(batch, kiosk: "kiosk-1", token: Harness.tokens["kiosk-2"])
            #expect(foreign.status == 403)
            #expect(foreign.problem?.error == "forbidden")
            let unknownKiosk = try await harness.send(.GET, "/v1/kiosks/kiosk-9/pickups")
            #expect(unknownKiosk.status == 403)

            let adminWithKioskToken = try await harness.send(.GET, "/admin/stats")
            #expect(adminWithKioskToken.status == 401)
            #expect(try await harness.standIn.events(kioskId: "kiosk-1").isEmpty)
        }
    }

    @Test("a batch without Idempotency-Key is 400; a body that is not a batch is 400")
    func badRequests() async throws {
        try await Harness.with { harness in
            let body = try PlatformAPI.makeEncoder().encode(Make.batch(1))
            let missing = try await harness.send(.POST, "/v1/kiosks/kiosk-1/events", body: body)
            #expect(missing.status == 400)
            #expect(missing.problem?.error == "missing Idempotency-Key")

            let garbage = try await harness.send(
                .POST, "/v1/kiosks/kiosk-1/events", headers: [("Idempotency-Key", "k")],
                body: Data(#"{"items": [{"id": "a"}]}"#.utf8))
            #expect(garbage.status == 400)
            #expect(garbage.problem?.detail?.contains("items.0") == true)

            let unknownPath = try await harness.send(.GET, "/v1/nothing-here")
            #expect(unknownPath.status == 404)
            #expect(unknownPath.problem != nil)
        }
    }

    @Test("unknown types and payloads that are not objects are rejected with a reason; the rest is stored")
    func rejectedItems() async throws {
        try await Harness.with { harness in
            let unknown = Make.event(type: "horoscope")
            let notObject = Make.event(type: "rating", payload: .array([.number(1)]))
            let audit = Make.event(type: "audit", payload: .object(["who": .string("operator")]))
            let answer = try await harness.post(PlatformAPI.EventBatch(items: [unknown, notObject, audit]))
            let results = try harness.results(of: answer)
            #expect(results[unknown.id]?.status == .rejected)
            #expect(results[unknown.id]?.reason?.contains("unknown type \"horoscope\"") == true)
            #expect(results[notObject.id]?.status == .rejected)
            #expect(results[notObject.id]?.reason == "payload is not a JSON object")
            #expect(results[audit.id]?.status == .accepted)
            #expect(try await harness.standIn.events(kioskId: "kiosk-1").map(\.id) == [audit.id])
            #expect(harness.standIn.stats().rejected == 2)

            // A rejected item is not stored, so sending it again is rejected again, not a duplicate.
            let again = try harness.results(of: try await harness.post(PlatformAPI.EventBatch(items: [unknown])))
            #expect(again[unknown.id]?.status == .rejected)
        }
    }

    @Test("more than 1000 items or 4 MiB is 413")
    func limits() async throws {
        try await Harness.with { harness in
            let many = try await harness.post(Make.batch(1001))
            #expect(many.status == 413)
            #expect(many.problem?.error == "batch too large")

            let big = Make.event(payload: .object(["blob": .string(String(repeating: "x", count: 4 * 1024 * 1024))]))
            let large = try await harness.post(PlatformAPI.EventBatch(items: [big]))
            #expect(large.status == 413)

            let most = try await harness.post(Make.batch(1000))
            #expect(most.status == 200)
            #expect(try await harness.standIn.events(kioskId: "kiosk-1").count == 1000)
        }
    }

    @Test("the admin event list counts deliveries and filters by type")
    func adminEventList() async throws {
        try await Harness.with { harness in
            let rating = Make.event(type: "rating")
            let alert = Make.event(type: "device-alert", payload: .object(["code": .string("paper-low")]))
            _ = try await harness.post(PlatformAPI.EventBatch(items: [rating, alert]))
            _ = try await harness.post(PlatformAPI.EventBatch(items: [alert]))
            let answer = try await harness.send(.GET, "/admin/kiosks/kiosk-1/events?type=device-alert", token: Harness.adminToken)
            #expect(answer.status == 200)
            let list = try answer.decode(StoredEventList.self)
            #expect(list.count == 1)
            #expect(list.events.first?.id == alert.id)
            #expect(list.events.first?.deliveries == 2)
            #expect(list.events.first.map { sameMillisecond($0.occurredAt, alert.occurredAt) } == true)
            let all = try await harness.send(.GET, "/admin/kiosks/kiosk-1/events", token: Harness.adminToken)
            #expect(try all.decode(StoredEventList.self).count == 2)
        }
    }

    @Test("thousands of items in batches of a few hundred are stored, each batch in one transaction")
    func throughput() async throws {
        try await Harness.with { harness in
            let batches = (0..<40).map { _ in Make.batch(250) }
            let clock = ContinuousClock()
            let start = clock.now
            for batch in batches {
                let answer = try await harness.post(batch)
                #expect(answer.status == 200)
            }
            let elapsed = clock.now - start
            #expect(harness.standIn.stats().itemsAccepted == 10_000)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("stand-in stored 10000 items in 40 batches in \(seconds) s: \(Int(10_000 / seconds)) items/s")
        }
    }
}
