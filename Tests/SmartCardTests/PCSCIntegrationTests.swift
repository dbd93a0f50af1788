import CardEmulator
import DeviceKit
import Foundation
import SmartCard
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Through real pcscd and its vpcd driver, with the project's card emulator on the card side.
/// Serialized: libpcsclite talks to one pcscd socket per process (see ``PCSCTestBed``).
@Suite(.serialized) final class PCSCIntegrationTests {
    let bed: PCSCTestBed
    let passport: TestPassport
    var card: VPCDCard!

    init() throws {
        bed = try PCSCTestBed()
        passport = try TestPassport()
    }

    deinit {
        card?.stop()
        bed.stop()
    }

    private func insertCard(faults: PassportApplet.Faults = .init(), protocol transmission: VPCDCard.TransmissionProtocol = .t1) -> VPCDCard {
        let card = VPCDCard(port: bed.port, passport: passport, faults: faults, transmissionProtocol: transmission)
        card.start()
        self.card = card
        return card
    }

    private func startedReader(_ recorder: EventRecorder) async throws -> PCSCIdentityReader {
        let reader = PCSCIdentityReader(id: "passport-reader", model: "generic-pcsc-reader",
                                        readerNameContains: PCSCTestBed.firstReader)
        try await reader.start(sink: recorder.sink(id: reader.id))
        let ready = await eventually { await reader.currentHealth() == .online && reader.isDocumentPresent }
        try #require(ready, "reader never saw the card; pcscd log: \(log)")
        return reader
    }

    private var log: String { (try? String(contentsOfFile: bed.logPath, encoding: .utf8).suffix(1500)).map(String.init) ?? "" }

    @Test func readsDG1AndDG2() async throws {
        _ = insertCard()
        let recorder = EventRecorder()
        let reader = try await startedReader(recorder)
        defer { Task { await reader.stop() } }
        let identity = try await reader.read(accessKey: passport.accessKey)
        #expect(identity.kind == .passport)
        #expect(identity.number == "L898902C3")
        #expect(identity.latinName == "ERIKSSON ANNA MARIA")
        #expect(identity.birthDate == "1974-08-12")
        #expect(identity.nationality == "UTO")
        #expect(identity.photo?.format == .jpeg)
        #expect(identity.photo.map { Array($0.bytes) } == TinyJPEG.grey8x8)
        #expect(recorder.healths.last == .online)
        await reader.stop()
    }

    @Test func t0CardWithGetResponse() async throws {
        let card = insertCard(faults: .init(t0GetResponse: true), protocol: .t0)
        let ready = await eventually { (try? PCSCProbe.present(PCSCTestBed.firstReader)) == true }
        try #require(ready)
        let context = try PCSCContext()
        let name = try #require(try context.readers().first { $0.hasPrefix(PCSCTestBed.firstReader) })
        let connection = try context.connect(reader: name)
        #expect(connection.activeProtocol == .t0)
        let document = try PassportReader(channel: CardChannel(transport: connection)).read(accessKey: passport.accessKey)
        connection.disconnect()
        #expect(document.dg2?.image == TinyJPEG.grey8x8)
        #expect(card.commandsAnswered > 20, "the GET RESPONSE rounds went through pcscd")
    }

    @Test func wrongAccessKeyIsAccessDenied() async throws {
        _ = insertCard()
        let reader = try await startedReader(EventRecorder())
        let wrong = try DocumentAccessKey(parsing: "L898902C3:740812:130415")
        do {
            _ = try await reader.read(accessKey: wrong)
            Issue.record("a wrong key read the document")
        } catch {
            #expect(error.code == .accessDenied)
            #expect(error.action == .retry)
            #expect(!error.detail.contains("L898902C3") && !error.detail.contains("740812"))
            #expect(SmartCardErrors.citizenMessage(for: error.code)?.hasPrefix("The details do not match the document") == true)
        }
        // The right key still opens it: the failed attempt left nothing behind.
        #expect(try await reader.read(accessKey: passport.accessKey).number == "L898902C3")
        await reader.stop()
    }

    @Test func wrongResponseMACIsAReadFailure() async throws {
        _ = insertCard(faults: .init(wrongResponseMAC: true))
        let reader = try await startedReader(EventRecorder())
        await #expect(throws: DeviceError.self) { try await reader.read(accessKey: passport.accessKey) }
        do {
            _ = try await reader.read(accessKey: passport.accessKey)
        } catch {
            #expect(error.code == .readFailed)
        }
        await reader.stop()
    }

    @Test func cardPulledMidReadThenANewSession() async throws {
        let card = insertCard()
        let recorder = EventRecorder()
        let reader = try await startedReader(recorder)
        card.pullAfter(commands: 12)
        do {
            _ = try await reader.read(accessKey: passport.accessKey)
            Issue.record("the read finished without the card")
        } catch {
            #expect(error.code == .cardRemoved, "\(error.detail)")
        }
        #expect(await eventually { recorder.removals == 1 && !reader.isDocumentPresent })
        card.insert()
        #expect(await eventually { reader.isDocumentPresent })
        let identity = try await reader.read(accessKey: passport.accessKey)
        #expect(identity.photo?.bytes.count == TinyJPEG.grey8x8.count)
        await reader.stop()
    }

    @Test func pcscdRestartedMidServiceIsRecovered() async throws {
        let card = insertCard()
        let recorder = EventRecorder()
        let reader = try await startedReader(recorder)
        #expect(try await reader.read(accessKey: passport.accessKey).number == "L898902C3")

        bed.kill()
        #expect(await eventually { await reader.currentHealth() == .offline(.pcscdUnavailable) })
        #expect(recorder.healths.contains(DeviceHealth(state: .offline, reason: .pcscdUnavailable, action: .reset)))
        await #expect(throws: DeviceError.self) { try await reader.read(accessKey: passport.accessKey) }

        try bed.startDaemon()
        #expect(await eventually(15) { await reader.currentHealth() == .online && reader.isDocumentPresent },
                "pcscd log: \(log)")
        #expect(card.connections >= 2)
        #expect(try await reader.read(accessKey: passport.accessKey).number == "L898902C3")
        await reader.stop()
    }

    @Test func fastRemoveAndReinsertMovesTheEventCounter() async throws {
        let card = insertCard()
        let ready = await eventually { (try? PCSCProbe.present(PCSCTestBed.firstReader)) == true }
        try #require(ready)
        let context = try PCSCContext()
        let name = try #require(try context.readers().first { $0.hasPrefix(PCSCTestBed.firstReader) })
        let before = try context.statusChange([.init(reader: name)], timeoutMilliseconds: 0)[0]
        #expect(before.isPresent)
        // Out and back in while this context is not looking.
        card.pull()
        #expect(await eventually { (try? PCSCProbe.present(PCSCTestBed.firstReader)) == false })
        card.insert()
        #expect(await eventually { (try? PCSCProbe.present(PCSCTestBed.firstReader)) == true })
        let after = try context.statusChange([before], timeoutMilliseconds: 1000)[0]
        #expect(after.isPresent)
        #expect(after.eventCount &- before.eventCount >= 2)
        #expect(ReaderMonitor.cardEvents(previous: before, current: after)
                == [.cardRemoved(reader: name), .cardInserted(reader: name, atr: card.atr)])
    }

    @Test func aMissingReaderIsOfflineAndAnEmptyReaderHasNoDocument() async throws {
        let recorder = EventRecorder()
        let missing = PCSCIdentityReader(id: "missing", model: "generic-pcsc-reader", readerNameContains: "No Such Reader")
        try await missing.start(sink: recorder.sink(id: missing.id))
        #expect(await eventually { await missing.currentHealth() == .offline(.readerMissing) })
        #expect(await missing.selfTest() == .offline(.readerMissing))
        await missing.stop()

        // The first vpcd reader, with no card on it.
        let empty = PCSCIdentityReader(id: "empty", model: "generic-pcsc-reader", readerNameContains: PCSCTestBed.firstReader)
        try await empty.start(sink: EventRecorder().sink(id: empty.id))
        #expect(await eventually { await empty.currentHealth() == .online })
        #expect(await empty.selfTest() == .online)
        do {
            _ = try await empty.read(accessKey: passport.accessKey)
            Issue.record("read a document from an empty reader")
        } catch {
            #expect(error.code == .noDocument)
        }
        await empty.stop()
        #expect(await empty.currentHealth() == .offline(.stopped))
    }

    @Test func stopCancelsABlockingWait() async throws {
        let monitor = ReaderMonitor(readerNameContains: PCSCTestBed.firstReader, pollMilliseconds: 60_000) { _ in }
        monitor.start()
        try await Task.sleep(for: .milliseconds(500))
        let started = Date()
        monitor.stop()
        #expect(Date().timeIntervalSince(started) < 1.0, "SCardCancel ends the 60 s wait")
    }
}
