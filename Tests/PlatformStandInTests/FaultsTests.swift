import AsyncHTTPClient
import Foundation
import Outbox
@testable import PlatformStandIn
import Testing

@Suite("Injected faults")
struct FaultsTests {
    @Test("failureRate answers 503 with a Problem before storing anything; /admin is never affected")
    func failure() async throws {
        try await Harness.with({ $0.faults = Faults(failureRate: 1) }) { harness in
            let answer = try await harness.post(Make.batch(2))
            #expect(answer.status == 503)
            #expect(answer.problem?.error == "service unavailable")
            #expect(try await harness.standIn.events(kioskId: "kiosk-1").isEmpty)

            let stats = try await harness.send(.GET, "/admin/stats", token: Harness.adminToken)
            #expect(stats.status == 200)
            let counted = try stats.decode(StandInStats.self)
            #expect(counted.faultsInjected["failure"] == 1)
            #expect(counted.requests == 1)
        }
    }

    @Test("throttleRate answers 429 with Retry-After")
    func throttle() async throws {
        try await Harness.with({ $0.faults = Faults(throttleRate: 1, retryAfterSeconds: 7) }) { harness in
            let answer = try await harness.send(.GET, "/v1/kiosks/kiosk-1/pickups")
            #expect(answer.status == 429)
            #expect(answer.headers.first(name: "Retry-After") == "7")
            #expect(answer.problem?.error == "too many requests")
            #expect(harness.standIn.stats().faultsInjected["throttle"] == 1)
        }
    }

    @Test("faults set over /admin take effect at the next request, and can be read back")
    func adminFaults() async throws {
        try await Harness.with { harness in
            let faults = Faults(failureRate: 1, latencyMilliseconds: 5)
            let set = try await harness.send(
                .PUT, "/admin/faults", token: Harness.adminToken, body: try JSONEncoder().encode(faults))
            #expect(set.status == 200)
            #expect(try await harness.send(.GET, "/v1/kiosks/kiosk-1/pickups").status == 503)
            let read = try await harness.send(.GET, "/admin/faults", token: Harness.adminToken)
            #expect(try read.decode(Faults.self) == faults)

            let partial = try await harness.send(
                .PUT, "/admin/faults", token: Harness.adminToken, body: Data(#"{"throttleRate": 0.5}"#.utf8))
            #expect(try partial.decode(Faults.self) == Faults(throttleRate: 0.5))

            let invalid = try await harness.send(
                .PUT, "/admin/faults", token: Harness.adminToken, body: Data(#"{"dropRate": 2}"#.utf8))
            #expect(invalid.status == 400)
            #expect(harness.standIn.faults() == Faults(throttleRate: 0.5))
        }
    }

    @Test("latency delays the answer and changes nothing else")
    func latency() async throws {
        try await Harness.with({ $0.faults = Faults(latencyMilliseconds: 200) }) { harness in
            let clock = ContinuousClock()
            let start = clock.now
            let answer = try await harness.send(.GET, "/v1/kiosks/kiosk-1/pickups")
            #expect(answer.status == 200)
            #expect(clock.now - start >= .milliseconds(200))
        }
    }

    /// Sends fresh batches with every request dropped until one is dropped in `phase`; returns
    /// that batch. With the harness's fixed seed the sequence is the same every run.
    func batchDropped(in phase: FaultInjector.DropPhase, harness: Harness) async throws -> PlatformAPI.EventBatch {
        for _ in 0..<64 {
            let before = harness.standIn.stats().faultsInjected[phase.rawValue] ?? 0
            let batch = Make.batch(3)
            await #expect(throws: (any Error).self) { try await harness.post(batch) }
            if harness.standIn.stats().faultsInjected[phase.rawValue] ?? 0 > before { return batch }
        }
        Issue.record("no request was dropped \(phase.rawValue) in 64 tries")
        throw CancellationError()
    }

    @Test("a dropped connection reaches the client as a connection error, never as an HTTP answer")
    func droppedConnection() async throws {
        try await Harness.with({ $0.faults = Faults(dropRate: 1) }) { harness in
            let error = await #expect(throws: (any Error).self) {
                try await harness.post(Make.batch(1))
            }
            #expect(Self.isConnectionError(error))

            let batch = try await batchDropped(in: .beforeProcessing, harness: harness)
            // Dropped before processing: nothing was stored, the retry is accepted.
            try harness.standIn.setFaults(.none)
            let retry = try harness.results(of: try await harness.post(batch))
            #expect(batch.items.allSatisfy { retry[$0.id]?.status == .accepted })
        }
    }

    @Test("a drop after commit keeps the batch: the retry is answered from it, and the items are duplicates")
    func dropAfterCommit() async throws {
        try await Harness.with({ $0.faults = Faults(dropRate: 1) }) { harness in
            let batch = try await batchDropped(in: .afterProcessing, harness: harness)
            // The platform holds the batch although the kiosk never heard.
            let stored = try await harness.standIn.events(kioskId: "kiosk-1")
            #expect(Set(batch.items.map(\.id)).isSubset(of: Set(stored.map(\.id))))

            try harness.standIn.setFaults(.none)
            // Items sent again in a new batch (as an uploader that re-batches does): duplicates.
            let rebatched = PlatformAPI.EventBatch(items: batch.items + [Make.event()])
            let results = try harness.results(of: try await harness.post(rebatched))
            #expect(batch.items.allSatisfy { results[$0.id]?.status == .duplicate })
            // The very same request again: the stored answer, replayed.
            let replay = try await harness.post(batch)
            #expect(replay.status == 200)
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            // Either way each item is stored once.
            let after = try await harness.standIn.events(kioskId: "kiosk-1")
            #expect(after.filter { batch.items.map(\.id).contains($0.id) }.count == 3)
            #expect(after.filter { batch.items.map(\.id).contains($0.id) }.allSatisfy { $0.deliveries == 2 })
        }
    }

    @Test("the same seed gives the same fault decisions; rates of 0 give none")
    func deterministic() {
        let faults = Faults(failureRate: 0.2, dropRate: 0.3, throttleRate: 0.1)
        let one = FaultInjector(faults: faults, seed: 99)
        let two = FaultInjector(faults: faults, seed: 99)
        let first = (0..<200).map { _ in one.decide().decision }
        #expect(first == (0..<200).map { _ in two.decide().decision })
        #expect(first.contains(.fail))
        #expect(first.contains(.drop(.beforeProcessing)))
        #expect(first.contains(.drop(.afterProcessing)))
        #expect(first.contains(.none))
        let quiet = FaultInjector(faults: .none, seed: 1)
        #expect((0..<100).allSatisfy { _ in quiet.decide().decision == .none })
    }

    /// Whether the client failed at the connection, not with an HTTP answer.
    static func isConnectionError(_ error: (any Error)?) -> Bool {
        guard let error else { return false }
        if let error = error as? HTTPClientError {
            return error == .remoteConnectionClosed
        }
        // A reset while the client was still sending surfaces as NIO's IOError (ECONNRESET, EPIPE).
        return String(describing: type(of: error)).contains("IOError")
    }
}
