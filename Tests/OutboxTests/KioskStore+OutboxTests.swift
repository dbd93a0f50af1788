import Foundation
import GRDB
import Logging
import OutboxStatus
import Testing
@testable import Outbox

@Suite("KioskStore: outbox items")
struct KioskStoreOutboxTests {
    @Test("an enqueued item reads back equal, pending, with a UUIDv7 id")
    func enqueueAndReadBack() throws {
        try withStore { store, _ in
            let occurredAt = Date(timeIntervalSince1970: 1_750_000_000.4567)
            let payload = Data(#"{"level":"very-satisfied"}"#.utf8)
            let item = try store.enqueue(type: .rating, payload: payload, occurredAt: occurredAt)
            #expect(item.type == .rating)
            #expect(item.state == .pending)
            #expect(item.attempts == 0)
            #expect(item.payload == payload)
            #expect(item.occurredAt == Date(timeIntervalSince1970: 1_750_000_000.456))
            let uuid = try #require(UUID(uuidString: item.id))
            #expect(uuid.rfc9562Version == 7)
            #expect(item.id == item.id.lowercased())
            #expect(try store.item(id: item.id) == item)
            #expect(try store.item(id: "no-such-id") == nil)
        }
    }

    @Test("an Encodable payload is stored as sorted JSON with ISO 8601 dates")
    func encodablePayload() throws {
        struct Rating: Encodable, Sendable {
            var service = "food-licence"
            var level = 5
            var at = Date(timeIntervalSince1970: 1_750_000_000.25)
        }
        try withStore { store, _ in
            let item = try store.enqueue(type: .rating, encodable: Rating())
            let text = String(decoding: item.payload, as: UTF8.self)
            #expect(text == #"{"at":"2025-06-15T15:06:40.250Z","level":5,"service":"food-licence"}"#)
            #expect(try store.item(id: item.id)?.payload == item.payload)
        }
    }

    @Test("every payload type is stamped with the kiosk's id: one flat object, sorted keys")
    func payloadsCarryTheKioskID() throws {
        let rating = try KioskStore.encodePayload(RatingPayload(flow: "collect", level: 2, reason: nil),
                                                  type: .rating, kioskID: "HK-01")
        #expect(String(decoding: rating, as: UTF8.self)
            == #"{"flow":"collect","kioskId":"HK-01","level":2,"levelName":"satisfied"}"#)
        let collection = try KioskStore.encodePayload(
            CollectionPayload(pickupId: "P-1", flow: "collect", collector: CitizenRecord(kind: "passport", number: "E1", name: "A")),
            type: .collection, kioskID: "HK-01")
        #expect(String(decoding: collection, as: UTF8.self)
            == #"{"collector":{"kind":"passport","name":"A","number":"E1"},"flow":"collect","kioskId":"HK-01","pickupId":"P-1"}"#)
        let error = #expect(throws: StoreError.self) {
            try KioskStore.encodePayload(["bad": Double.nan], type: .deviceEvent, kioskID: "HK-01")
        }
        guard case .payloadNotEncodable(type: "device-event", _)? = error else {
            Issue.record("expected payloadNotEncodable for device-event, got \(String(describing: error))")
            return
        }
    }

    @Test("a payload that cannot be encoded queues nothing")
    func unencodablePayload() throws {
        try withStore { store, _ throws in
            #expect(throws: StoreError.self) {
                try store.enqueue(type: .deviceEvent, encodable: ["bad": Double.nan])
            }
            #expect(try store.counts() == OutboxCounts())
        }
    }

    @Test("items come back in queue order, filtered by state and limited")
    func listing() throws {
        try withStore { store, _ in
            let made = try (0..<5).map { n in
                try store.enqueue(type: OutboxItemType.allCases[n % OutboxItemType.allCases.count],
                                  payload: Data("{\"n\":\(n)}".utf8))
            }
            #expect(try store.items() == made)
            #expect(try store.items(limit: 2) == Array(made.prefix(2)))
            #expect(try store.items(state: .pending).count == 5)
            #expect(try store.items(state: .dead).isEmpty)
            #expect(Set(made.map(\.type)).count == 5)
        }
    }

    @Test("counts per state, and the age of the oldest item still waiting")
    func counts() throws {
        try withStore { store, _ in
            #expect(try store.counts() == OutboxCounts())
            #expect(try store.counts().oldestPendingAgeSeconds == nil)

            let first = try store.enqueue(type: .submission, payload: Data("{}".utf8))
            try store.enqueue(type: .submission, payload: Data("{}".utf8))
            let third = try store.enqueue(type: .submission, payload: Data("{}".utf8))
            // The uploader is not written yet: move items along by hand.
            try tamper(path: store.path, sql: "UPDATE outbox_item SET state = 'delivered' WHERE id = ?",
                       arguments: [first.id])
            try tamper(path: store.path, sql: "UPDATE outbox_item SET state = 'dead' WHERE id = ?",
                       arguments: [third.id])

            let later = Date.now.addingTimeInterval(90)
            let counts = try store.counts(now: later)
            #expect(counts.pending == 1)
            #expect(counts.delivered == 1)
            #expect(counts.dead == 1)
            #expect(counts.inFlight == 0)
            #expect(counts.retry == 0)
            #expect(counts.backlog == 1)
            let age = try #require(counts.oldestPendingAgeSeconds)
            #expect(age >= 89 && age <= 92)

            // Items still waiting to retry count as waiting; delivered and dead ones do not.
            try tamper(path: store.path, sql: "UPDATE outbox_item SET state = 'retry', created_at = created_at - 3600000 WHERE id = ?",
                       arguments: [third.id])
            let older = try store.counts(now: later)
            #expect(older.retry == 1 && older.dead == 0)
            #expect((older.oldestPendingAgeSeconds ?? 0) >= 3_689)
        }
    }

    @Test("items queued from many tasks at once are all kept, each once")
    func concurrentEnqueue() async throws {
        try await withTemporaryDirectory { directory in
            let store = try KioskStore(path: directory.appendingPathComponent("kiosk.sqlite").path,
                                       logger: .init(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<4 {
                    group.addTask {
                        for n in 0..<50 {
                            try store.enqueue(type: .deviceEvent, payload: Data("{\"t\":\(task),\"n\":\(n)}".utf8))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let items = try store.items(limit: 1_000)
            #expect(items.count == 200)
            #expect(Set(items.map(\.payload)).count == 200)
            #expect(try store.counts().pending == 200)
        }
    }

    @Test("counts encode as JSON for kioskctl")
    func countsCodable() throws {
        let counts = OutboxCounts(pending: 2, inFlight: 1, oldestPendingAgeSeconds: 12.5)
        let data = try JSONEncoder().encode(counts)
        #expect(try JSONDecoder().decode(OutboxCounts.self, from: data) == counts)
    }

    @Test("the state column refuses a state the queue does not know")
    func stateCheckConstraint() throws {
        try withStore { store, _ in
            let item = try store.enqueue(type: .deviceAlert, payload: Data("{}".utf8))
            #expect(throws: DatabaseError.self) {
                try tamper(path: store.path, sql: "UPDATE outbox_item SET state = 'lost' WHERE id = ?",
                           arguments: [item.id])
            }
            #expect(try store.item(id: item.id)?.state == .pending)
        }
    }

    @Test("item types are sent with their platform names")
    func typeNames() {
        #expect(OutboxItemType.allCases.map(\.rawValue)
            == ["collection", "submission", "rating", "assist-request", "device-alert", "device-event", "audit"])
        #expect(OutboxItemState.allCases.map(\.rawValue) == ["pending", "in-flight", "delivered", "retry", "dead"])
    }
}
