import Foundation
import Testing
@testable import Outbox

@Suite("Outbox delivery states")
struct DeliveryStateTests {
    @Test("a lease marks items in flight, oldest first, counts the attempt, and stops at the byte limit")
    func leaseByCountAndBytes() throws {
        try withStore { store, _ in
            for index in 0..<5 {
                try store.enqueue(type: .rating, payload: Data(String(repeating: "x", count: 100 + index).utf8))
            }
            let first = try store.leaseBatch(maxItems: 10, maxBytes: 250)
            #expect(first.count == 2)
            #expect(first.allSatisfy { $0.item.state == .inFlight && $0.item.attempts == 1 })
            let all = try store.items(limit: 10)
            #expect(first.map(\.item.id) == Array(all.prefix(2)).map(\.id))
            // One item larger than the limit still goes, alone.
            #expect(try store.leaseBatch(maxItems: 10, maxBytes: 10).count == 1)
            #expect(try store.counts().inFlight == 3)
        }
    }

    @Test("leases left by a crash come back as retries due now, with why")
    func leasesAreRecovered() throws {
        try withStore { store, _ in
            try store.enqueue(type: .rating, payload: Data("{}".utf8))
            let leased = try store.leaseBatch(maxItems: 10, maxBytes: 1 << 20)
            #expect(try store.recoverLeases() == 1)
            #expect(try store.counts().retry == 1)
            #expect(try store.lastError(id: leased[0].item.id)?.contains("stopped") == true)
            let again = try store.leaseBatch(maxItems: 10, maxBytes: 1 << 20, now: Date().addingTimeInterval(1))
            #expect(again.map(\.item.id) == leased.map(\.item.id))
            #expect(again[0].item.attempts == 2)
        }
    }

    @Test("a retry is not leased before its time, and goes before newer items once due")
    func retriesWaitTheirTurn() throws {
        try withStore { store, _ in
            let old = try store.enqueue(type: .rating, payload: Data("{}".utf8))
            _ = try store.leaseBatch(maxItems: 1, maxBytes: 1 << 20)
            let now = Date()
            try store.markForRetry([old.id], error: "HTTP 503", nextAttempt: { _ in now.addingTimeInterval(60) })
            let new = try store.enqueue(type: .rating, payload: Data("{}".utf8))
            #expect(try store.leaseBatch(maxItems: 10, maxBytes: 1 << 20, now: now).map(\.item.id) == [new.id])
            try store.markForRetry([new.id], error: "HTTP 503", nextAttempt: { _ in now.addingTimeInterval(120) })
            #expect(try store.leaseBatch(maxItems: 1, maxBytes: 1 << 20, now: now.addingTimeInterval(61)).map(\.item.id) == [old.id])
        }
    }

    @Test("delivered items are pruned after the retention period; undelivered ones never are")
    func pruning() throws {
        try withStore { store, _ in
            let delivered = try store.enqueue(type: .rating, payload: Data("{}".utf8))
            let waiting = try store.enqueue(type: .rating, payload: Data("{}".utf8))
            _ = try store.leaseBatch(maxItems: 1, maxBytes: 1 << 20)
            try store.markDelivered([delivered.id], now: Date().addingTimeInterval(-8 * 86_400))
            #expect(try store.pruneDelivered(deliveredBefore: Date().addingTimeInterval(-7 * 86_400)) == 1)
            #expect(try store.item(id: delivered.id) == nil)
            #expect(try store.pruneDelivered(deliveredBefore: .distantFuture) == 0)
            #expect(try store.item(id: waiting.id)?.state == .pending)
        }
    }

    @Test("an operator alert is raised once per code and subject until cleared")
    func alerts() throws {
        try withStore { store, _ in
            let first = try store.raiseAlert(code: "queue-over-cap", detail: "big")
            let repeated = try store.raiseAlert(code: "queue-over-cap", detail: "bigger")
            let other = try store.raiseAlert(code: "pickup-conflict", subject: "P-1", detail: "twice")
            #expect(first && !repeated && other)
            #expect(try store.openAlerts().map(\.code) == ["queue-over-cap", "pickup-conflict"])
            let cleared = try store.clearAlert(code: "queue-over-cap")
            #expect(cleared)
            #expect(try store.openAlerts().map(\.code) == ["pickup-conflict"])
            let again = try store.raiseAlert(code: "queue-over-cap", detail: "again")
            #expect(again)
        }
    }

    @Test("backoff: ceilings double up to the cap, and every delay is within its ceiling")
    func backoff() {
        let backoff = Backoff(base: 1, cap: 60)
        #expect((1...8).map { backoff.ceiling(attempt: $0) } == [1, 2, 4, 8, 16, 32, 60, 60])
        #expect(backoff.ceiling(attempt: 10_000) == 60)
        for attempt in 1...20 {
            let delay = backoff.delay(attempt: attempt)
            #expect(delay >= 0 && delay <= backoff.ceiling(attempt: attempt))
        }
    }
}
