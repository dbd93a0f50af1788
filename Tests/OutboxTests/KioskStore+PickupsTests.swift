import Foundation
import GRDB
import Testing
@testable import Outbox

@Suite("KioskStore: pickup cache and collections")
struct KioskStorePickupsTests {
    @Test("upserted pickups read back equal, by id, holder key and pickup code")
    func upsertAndRead() throws {
        try withStore { store, _ in
            let expiry = Date(timeIntervalSinceNow: 86_400)
            let a = samplePickup(id: "p1", holderKey: "holder-a", code: "code-1", expiresAt: expiry)
            let b = samplePickup(id: "p2", holderKey: "holder-a", code: "code-2")
            let c = samplePickup(id: "p3", holderKey: "holder-b", code: "code-1")
            try store.upsertPickups([a, b, c])
            #expect(try store.pickup(id: "p1") == a)
            #expect(try store.pickup(id: "nope") == nil)
            #expect(try store.readyPickups(holderKey: "holder-a") == [a, b])
            #expect(try store.readyPickups(holderKey: "holder-x").isEmpty)
            #expect(try store.readyPickups(pickupCodeHash: "code-1") == [a, c])

            var renamed = a
            renamed.titleEn = "Business Licence"
            try store.upsertPickups([renamed])
            #expect(try store.pickup(id: "p1")?.titleEn == "Business Licence")
        }
    }

    @Test("ready pickups leave out collected and expired ones")
    func readyExcludesCollectedAndExpired() throws {
        try withStore { store, _ in
            let now = Date.now
            try store.upsertPickups([
                samplePickup(id: "ready", expiresAt: now.addingTimeInterval(3_600)),
                samplePickup(id: "no-expiry"),
                samplePickup(id: "expired", expiresAt: now.addingTimeInterval(-1)),
                samplePickup(id: "collected-elsewhere", state: .collected),
                samplePickup(id: "collected-here"),
            ])
            try store.recordCollection(pickupID: "collected-here", payload: Data("{}".utf8))
            #expect(try store.readyPickups(holderKey: "holder-a", now: now).map(\.id) == ["no-expiry", "ready"])
            // At the moment of expiry a pickup is no longer collectable.
            #expect(try store.readyPickups(holderKey: "holder-a", now: now.addingTimeInterval(3_600)).map(\.id)
                == ["no-expiry"])
            // The value type answers the same question the same way.
            let ready = try #require(try store.pickup(id: "ready"))
            #expect(ready.isCollectable(at: now))
            #expect(!ready.isCollectable(at: now.addingTimeInterval(3_600)))
            #expect(try store.pickup(id: "collected-here")?.isCollectable(at: now) == false)
        }
    }

    @Test("a collection flips the pickup and queues one item in the same transaction")
    func recordCollection() throws {
        try withStore { store, _ in
            try store.upsertPickups([samplePickup(id: "p1")])
            let at = Date(timeIntervalSince1970: 1_750_000_000.5)
            let payload = Data(#"{"pickup":"p1"}"#.utf8)
            let item = try store.recordCollection(pickupID: "p1", payload: payload, occurredAt: at)
            #expect(item.type == .collection)
            #expect(item.payload == payload)
            #expect(item.occurredAt == at)
            let pickup = try #require(try store.pickup(id: "p1"))
            #expect(pickup.state == .collected)
            #expect(pickup.collectedAt == at)
            #expect(try store.items() == [item])
        }
    }

    @Test("a second collection throws alreadyCollected and leaves exactly one outbox item")
    func secondCollection() throws {
        try withStore { store, _ in
            try store.upsertPickups([samplePickup(id: "p1")])
            let at = Date(timeIntervalSince1970: 1_750_000_000)
            let first = try store.recordCollection(pickupID: "p1", payload: Data("{}".utf8), occurredAt: at)
            #expect(throws: StoreError.alreadyCollected(id: "p1", collectedAt: at)) {
                try store.recordCollection(pickupID: "p1", payload: Data("{}".utf8))
            }
            #expect(try store.items() == [first])
            #expect(try store.counts().pending == 1)
            #expect(StoreError.alreadyCollected(id: "p1", collectedAt: at).description
                .hasPrefix("pickup p1 was already collected at 2025-06-15T"))
        }
    }

    @Test("an unknown pickup throws unknownPickup and writes nothing")
    func unknownPickup() throws {
        try withStore { store, _ in
            try store.upsertPickups([samplePickup(id: "p1")])
            #expect(throws: StoreError.unknownPickup(id: "p404")) {
                try store.recordCollection(pickupID: "p404", payload: Data("{}".utf8))
            }
            #expect(try store.items().isEmpty)
            #expect(try store.pickup(id: "p1")?.state == .ready)
            #expect(try store.pickup(id: "p404") == nil)
        }
    }

    @Test("an expired pickup throws pickupExpired and writes nothing")
    func expiredPickup() throws {
        try withStore { store, _ in
            let expiry = Date(timeIntervalSince1970: 1_750_000_000)
            try store.upsertPickups([samplePickup(id: "p1", expiresAt: expiry)])
            #expect(throws: StoreError.pickupExpired(id: "p1", expiresAt: expiry)) {
                try store.recordCollection(pickupID: "p1", payload: Data("{}".utf8), occurredAt: expiry)
            }
            #expect(try store.items().isEmpty)
            #expect(try store.pickup(id: "p1")?.state == .ready)
        }
    }

    @Test("if queuing the item fails, the pickup stays ready")
    func rollbackWhenInsertFails() throws {
        try withStore { store, _ in
            try store.upsertPickups([samplePickup(id: "p1")])
            // Make every insert into the outbox fail, as a full disk or a broken schema would.
            try tamper(path: store.path, sql: """
                CREATE TRIGGER refuse_items BEFORE INSERT ON outbox_item
                BEGIN SELECT RAISE(ABORT, 'refused by test'); END
                """)
            #expect(throws: StoreError.self) {
                try store.recordCollection(pickupID: "p1", payload: Data("{}".utf8))
            }
            #expect(try store.pickup(id: "p1")?.state == .ready)
            #expect(try store.pickup(id: "p1")?.collectedAt == nil)
        }
    }

    @Test("a stale manifest never makes a collected pickup ready again; a collected one elsewhere becomes collected here")
    func upsertKeepsCollections() throws {
        try withStore { store, _ in
            try store.upsertPickups([samplePickup(id: "here"), samplePickup(id: "elsewhere")])
            let at = Date(timeIntervalSince1970: 1_750_000_000)
            try store.recordCollection(pickupID: "here", payload: Data("{}".utf8), occurredAt: at)
            try store.upsertPickups([
                samplePickup(id: "here", state: .ready),
                samplePickup(id: "elsewhere", state: .collected),
            ])
            #expect(try store.pickup(id: "here")?.state == .collected)
            #expect(try store.pickup(id: "here")?.collectedAt == at)
            #expect(try store.pickup(id: "elsewhere")?.state == .collected)
            #expect(try store.readyPickups(holderKey: "holder-a").isEmpty)
        }
    }

    @Test("a malformed document digest is refused, and nothing of the batch is kept")
    func digestCheck() throws {
        try withStore { store, _ throws in
            var bad = samplePickup(id: "bad")
            bad.documentDigest = "not-a-sha256"
            #expect(throws: StoreError.self) {
                try store.upsertPickups([samplePickup(id: "good"), bad])
            }
            #expect(try store.pickup(id: "good") == nil)
        }
    }
}
