import DeviceKit
import Foundation
import Testing

/// The simulated reader playing a PC/SC passport reader: no event for a passport, a read only
/// with the right key, and the same error codes as `PCSCIdentityReader`.
@Suite("Simulated passport reader")
struct SimulatedPassportTests {
    let recorder = EventRecorder()
    static let specimen = SimulatedIdentities.passport

    func startedReader(latency: Duration = .milliseconds(20)) async throws -> SimulatedIdentityReader {
        let reader = SimulatedIdentityReader(id: "reader", readLatency: latency)
        try await reader.start(sink: recorder.sink(for: reader, role: .identityReader))
        return reader
    }

    static func read(_ reader: some AccessKeyIdentityReader, _ key: String) async -> Result<Identity, DeviceError> {
        do throws(DeviceError) {
            return .success(try await reader.read(accessKey: try! DocumentAccessKey(parsing: key)))
        } catch {
            return .failure(error)
        }
    }

    @Test("the specimen's key comes from its own data")
    func keyOfTheSpecimen() throws {
        #expect(SimulatedIdentityReader.accessKey(for: Self.specimen) == (try DocumentAccessKey(parsing: "L898902C3:740812:120415")))
        let undated = Identity(kind: .passport, number: "X1234567", name: "TEST")
        #expect(SimulatedIdentityReader.accessKey(for: undated) == nil)
    }

    @Test("a placed passport sends no event and is read only with its key")
    func placedPassport() async throws {
        let reader = try await startedReader()
        #expect(await Self.read(reader, "L898902C3:740812:120415").failure?.code == .noDocument)
        reader.placeDocument(Self.specimen)
        #expect(reader.isDocumentPresent)
        try await Task.sleep(for: .milliseconds(60))
        #expect(recorder.data().isEmpty)
        let denied = await Self.read(reader, "L898902C3:740812:130415").failure
        #expect(denied?.code == .accessDenied)
        #expect(denied?.action == .retry)
        #expect(denied.map { !$0.detail.contains("L898902C3") } == true)
        #expect(await Self.read(reader, "L898902C3:740812:120415") == .success(Self.specimen))
        reader.remove()
        #expect(recorder.data() == [.identityRemoved])
        #expect(!reader.isDocumentPresent)
    }

    @Test("taken away mid-read is card-removed; a failed read is read-failed; unplugged is reader-offline")
    func failures() async throws {
        let reader = try await startedReader(latency: .milliseconds(400))
        reader.placeDocument(Self.specimen)
        async let pending = Self.read(reader, "L898902C3:740812:120415")
        try await Task.sleep(for: .milliseconds(100))
        reader.remove()
        #expect(await pending.failure?.code == .cardRemoved)

        reader.placeDocument(Self.specimen)
        reader.failNextRead()
        #expect(await Self.read(reader, "L898902C3:740812:120415").failure?.code == .readFailed)
        #expect(await Self.read(reader, "L898902C3:740812:120415") == .success(Self.specimen))

        reader.disconnect()
        let offline = await Self.read(reader, "L898902C3:740812:120415").failure
        #expect(offline?.code == .readerOffline)
        #expect(offline?.action == .reset)
    }

    @Test("a card inserted afterwards replaces the passport and is announced as before")
    func cardReplacesPassport() async throws {
        let reader = try await startedReader()
        reader.placeDocument(Self.specimen)
        reader.insert(SimulatedIdentities.residentID)
        #expect(!reader.isDocumentPresent)
        #expect(await recorder.wait { $0.data() == [.identityRemoved, .identityPresented(SimulatedIdentities.residentID)] })
    }

    @Test("DeviceManager finds the reader that takes keys and counts its reads, not the citizen's mistakes")
    func managerLookupAndCounters() async throws {
        let reader = SimulatedIdentityReader(id: "reader", readLatency: .milliseconds(5))
        let printer = SimulatedPrinter(id: "printer", jobTime: .milliseconds(5))
        let kiosk = RunningManager([ManagedDevice(printer, role: .certificatePrinter), ManagedDevice(reader, role: .identityReader)])
        #expect(await kiosk.recorder.wait { $0.health(of: "reader").last == .online })
        #expect(await kiosk.manager.accessKeyIdentityReader(for: .certificatePrinter) == nil)
        let found = try #require(await kiosk.manager.accessKeyIdentityReader())
        #expect(found.id == "reader")
        reader.placeDocument(Self.specimen)
        #expect(await Self.read(found, "L898902C3:740812:130415").failure?.code == .accessDenied)
        #expect(await Self.read(found, "L898902C3:740812:120415") == .success(Self.specimen))
        reader.failNextRead()
        #expect(await Self.read(found, "L898902C3:740812:120415").failure?.code == .readFailed)
        let counters = await kiosk.snapshot("reader")?.counters
        #expect(counters?.cardsRead == 1)
        #expect(counters?.readFailures == 1)
        await #expect(throws: DeviceError.self) { try await found.start(sink: DeviceEventSink(deviceID: "x", role: .identityReader) { _ in }) }
        await kiosk.shutdown()
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
