import DeviceKit
import Testing

@Suite("Simulated identity reader")
struct SimulatedIdentityReaderTests {
    let recorder = EventRecorder()

    func startedReader(latency: Duration = .milliseconds(20)) async throws -> SimulatedIdentityReader {
        let reader = SimulatedIdentityReader(id: "reader", readLatency: latency)
        try await reader.start(sink: recorder.sink(for: reader, role: .identityReader))
        return reader
    }

    @Test("starting reports online")
    func startReportsOnline() async throws {
        let reader = try await startedReader()
        #expect(recorder.health() == [.online])
        #expect(await reader.currentHealth() == .online)
    }

    @Test("a card is presented after the read latency, then removed")
    func insertThenRemove() async throws {
        let reader = try await startedReader(latency: .milliseconds(40))
        let placed = ContinuousClock.now
        reader.insert(SimulatedIdentities.residentID)
        #expect(recorder.data().isEmpty, "the read takes time")
        #expect(await recorder.wait { $0.data() == [.identityPresented(SimulatedIdentities.residentID)] })
        #expect(ContinuousClock.now - placed >= .milliseconds(40))

        reader.remove()
        #expect(recorder.data() == [.identityPresented(SimulatedIdentities.residentID), .identityRemoved])
        #expect(!reader.hasCard)
    }

    @Test("a card removed during the read is reported removed and never presented")
    func removedDuringRead() async throws {
        let reader = try await startedReader(latency: .milliseconds(30))
        reader.insert(SimulatedIdentities.passport)
        reader.remove()
        // Wait well past the read latency: a presented event would have come by now.
        try await Task.sleep(for: .milliseconds(90))
        #expect(recorder.data() == [.identityRemoved])
    }

    @Test("removing when no card is there reports nothing")
    func removeWithoutCard() async throws {
        let reader = try await startedReader()
        reader.remove()
        #expect(recorder.data().isEmpty)
    }

    @Test("a failed read reports read-failed with action retry, and the next read works")
    func failedRead() async throws {
        let reader = try await startedReader()
        reader.failNextRead()
        reader.insert(SimulatedIdentities.residentID)
        let failed = DeviceError(code: .readFailed, action: .retry, detail: "the card could not be read (simulated)")
        #expect(await recorder.wait { $0.data() == [.identityReadFailed(failed)] })

        reader.remove()
        reader.insert(SimulatedIdentities.residentID)
        #expect(await recorder.wait {
            $0.data() == [.identityReadFailed(failed), .identityRemoved, .identityPresented(SimulatedIdentities.residentID)]
        })
    }

    @Test("unplugging reports offline with action reset; plugging back reports online and reads the card")
    func disconnectAndReconnect() async throws {
        let reader = try await startedReader()
        reader.insert(SimulatedIdentities.foreignPermanentResident)
        reader.disconnect()
        #expect(recorder.health().last == DeviceHealth(state: .offline, reason: .disconnected, action: .reset))
        #expect(await reader.currentHealth() == .offline(.disconnected))
        #expect(await reader.selfTest() == .offline(.disconnected))
        await #expect(throws: DeviceError.self) { try await reader.reset() }

        try await Task.sleep(for: .milliseconds(50))
        #expect(recorder.data().isEmpty, "a read in progress is lost when the reader is unplugged")

        reader.reconnect()
        #expect(recorder.health().last == .online)
        #expect(await recorder.wait { $0.data() == [.identityPresented(SimulatedIdentities.foreignPermanentResident)] })
    }

    @Test("an unplugged reader cannot be started")
    func startWhileUnplugged() async throws {
        let reader = SimulatedIdentityReader(id: "reader", readLatency: .milliseconds(10))
        reader.disconnect()
        let error = await #expect(throws: DeviceError.self) {
            try await reader.start(sink: recorder.sink(for: reader, role: .identityReader))
        }
        #expect(error?.code == .disconnected)
        #expect(error?.action == .reset)
    }

    @Test("a stopped reader reports nothing")
    func stopped() async throws {
        let reader = try await startedReader()
        reader.insert(SimulatedIdentities.residentID)
        await reader.stop()
        await reader.stop() // twice is fine
        try await Task.sleep(for: .milliseconds(50))
        #expect(recorder.data().isEmpty)
    }

    @Test("a card lying on the reader is read when the reader starts")
    func cardPresentAtStart() async throws {
        let reader = SimulatedIdentityReader(id: "reader", readLatency: .milliseconds(10))
        reader.insert(SimulatedIdentities.residentID)
        try await reader.start(sink: recorder.sink(for: reader, role: .identityReader))
        #expect(await recorder.wait { $0.data() == [.identityPresented(SimulatedIdentities.residentID)] })
    }
}
