import DeviceKit
import Foundation
import GA467Emulator
import ResidentID
import Testing

/// The driver against the project's emulator over a real pseudo-terminal.
@Suite struct ReaderIntegrationTests {
    @Test func aResidentIDCardIsPresentedOnceAndRemovedWhenItGoes() async throws {
        let bench = try EmulatorBench(card: .residentID)
        try await bench.start()
        #expect(await bench.events.wait { $0.presented.count == 1 })
        let identity = try #require(bench.events.presented.first)
        #expect(identity.kind == .residentID)
        #expect(identity.number == "460100199001010043")
        #expect(identity.name == "测试样")
        #expect(identity.photo?.format == .wlt)
        #expect(identity.photo?.bytes.count == 1024)
        #expect(await bench.reader.currentHealth() == .online)
        // More polls find the same card: it is not presented again.
        let polled = bench.emulator.counters.commands
        #expect(await bench.events.wait { _ in bench.emulator.counters.commands >= polled + 5 })
        #expect(bench.events.presented.count == 1)
        #expect(bench.emulator.counters.reads == 1)
        bench.emulator.removeCard()
        #expect(await bench.events.wait { $0.removals == 1 })
        // Placed again: read again.
        bench.emulator.insert(.residentID)
        #expect(await bench.events.wait { $0.presented.count == 2 })
        #expect(bench.events.failures.isEmpty)
        await bench.finish()
    }

    @Test(arguments: [("hkmotw", Identity.Kind.hkmotwResidencePermit), ("foreign-2017", .foreignPermanentResidence),
                      ("foreign-2023", .foreignPermanentResidence)])
    func everyCardType(name: String, kind: Identity.Kind) async throws {
        let card: EmulatedCard = switch name {
        case "hkmotw": .hkmotwPermit
        case "foreign-2017": .foreignPermanent2017
        default: .foreignPermanent2023
        }
        let bench = try EmulatorBench(card: card)
        try await bench.start()
        #expect(await bench.events.wait { $0.presented.count == 1 })
        let identity = try #require(bench.events.presented.first)
        #expect(identity.kind == kind)
        #expect(identity == (try TextBlockParser.parse(text: card.text, photo: card.photo).identity))
        if kind == .foreignPermanentResidence { #expect(identity.latinName != nil && identity.nationality != nil) }
        await bench.finish()
    }

    @Test func anAppendedAddressReplacesThePrintedOne() async throws {
        var card = EmulatedCard.residentID
        card.appendedAddress = "海南省三亚市吉阳区新测试路8号"
        let bench = try EmulatorBench(card: card)
        try await bench.start()
        #expect(await bench.events.wait { $0.presented.count == 1 })
        #expect(bench.events.presented.first?.address == "海南省三亚市吉阳区新测试路8号")
        await bench.finish()
    }

    @Test func noCardMeansNoDataEventsAndAnOnlineReader() async throws {
        let bench = try EmulatorBench(card: nil)
        try await bench.start()
        #expect(await bench.events.wait { $0.health.last == .online })
        #expect(await bench.events.wait { _ in bench.emulator.counters.commands >= 10 })
        #expect(bench.events.data.isEmpty)
        #expect(bench.emulator.counters.reads == 0)
        await bench.finish()
    }

    @Test func aWrongCheckCharacterIsReportedNotPresented() async throws {
        let bench = try EmulatorBench(card: .residentIDBadCheck)
        try await bench.start()
        #expect(await bench.events.wait { $0.failures.count == 1 })
        #expect(bench.events.failures.first?.code == .ga467IDNumberCheckFailed)
        #expect(bench.events.failures.first?.detail.contains("460100") == false)
        // Given up on this card: it is not read over and over.
        let reads = bench.emulator.counters.reads
        #expect(await bench.events.wait { _ in bench.emulator.counters.commands >= 10 })
        #expect(bench.emulator.counters.reads == reads)
        #expect(bench.events.presented.isEmpty)
        await bench.finish()
    }

    @Test(arguments: [(UInt8(0x41), "ga467-read-failed"), (0x33, "ga467-verification-failed"), (0x40, "ga467-wrong-card")])
    func aCardTheSAMCannotReadIsTriedThreeTimesThenReported(status: UInt8, code: String) async throws {
        let bench = try EmulatorBench(card: .residentID, faults: .init(readStatus: status))
        try await bench.start()
        #expect(await bench.events.wait { $0.failures.count == 1 })
        #expect(bench.events.failures.first?.code.rawValue == code)
        #expect(bench.events.failures.first?.action == .retry)
        #expect(bench.emulator.counters.reads == 3)
        // Given up until the card is placed again.
        let commands = bench.emulator.counters.commands
        #expect(await bench.events.wait { _ in bench.emulator.counters.commands >= commands + 5 })
        #expect(bench.emulator.counters.reads == 3)
        bench.emulator.setFaults(.init())
        bench.emulator.removeCard()
        // Two more finds: at least one saw the reader empty.
        let afterRemoval = bench.emulator.counters.commands
        #expect(await bench.events.wait { _ in bench.emulator.counters.commands >= afterRemoval + 2 })
        bench.emulator.insert(.residentID)
        #expect(await bench.events.wait { $0.presented.count == 1 })
        #expect(bench.events.failures.count == 1)
        await bench.finish()
    }

    @Test func garbageOnTheLineIsSkipped() async throws {
        let bench = try EmulatorBench(card: .residentID, faults: .init(garbage: true))
        try await bench.start()
        #expect(await bench.events.wait { $0.presented.count == 1 })
        #expect(bench.events.presented.first?.number == "460100199001010043")
        #expect(bench.events.failures.isEmpty)
        await bench.finish()
    }

    @Test(arguments: [115_200, 9600])
    func aSlowLineStillReads(baud: Int) async throws {
        let bench = try EmulatorBench(card: .foreignPermanent2023, faults: .init(baud: baud), settings: {
            GA467Reader.Settings(path: $0, baud: baud, pollInterval: .milliseconds(30))
        })
        let started = ContinuousClock.now
        try await bench.start()
        #expect(await bench.events.wait(.seconds(20)) { $0.presented.count == 1 })
        // The read answer alone takes its line time at this baud: the emulator really paced it.
        #expect(ContinuousClock.now - started >= SerialPort.lineTime(bytes: 1295, baud: baud))
        #expect(bench.events.failures.isEmpty)
        await bench.finish()
    }

    @Test func aCardLiftedMidReadIsAFailedReadThenReadsWhenPlacedAgain() async throws {
        let bench = try EmulatorBench(card: .residentID, faults: .init(removeCardAfterBytes: 400), settings: {
            GA467Reader.Settings(path: $0, pollInterval: .milliseconds(30), answerTimeout: .milliseconds(500))
        })
        try await bench.start()
        #expect(await bench.events.wait { $0.failures.count == 1 })
        #expect(bench.events.failures.first?.code == .ga467AnswerIncomplete)
        #expect(bench.events.presented.isEmpty)
        #expect(bench.events.removals == 0)
        bench.emulator.insert(.residentID)
        #expect(await bench.events.wait { $0.presented.count == 1 })
        #expect(bench.events.failures.count == 1)
        await bench.finish()
    }

    @Test func unplugGoesOfflineAndReplugRecovers() async throws {
        let bench = try EmulatorBench(card: .residentID)
        try await bench.start()
        #expect(await bench.events.wait { $0.presented.count == 1 })
        bench.emulator.unplug()
        #expect(await bench.events.wait { $0.removals == 1 })
        #expect(await bench.events.wait { $0.health.last?.state == .offline })
        let offline = try #require(bench.events.health.last)
        #expect(offline.action == .reset)
        #expect(offline.reason == DeviceHealth.Reason(.disconnected))
        #expect(await bench.reader.selfTest().state == .offline)
        try bench.emulator.plug()
        #expect(await bench.events.wait { $0.health.last == .online })
        // The card is still on the reader: it is read again after the replug.
        #expect(await bench.events.wait { $0.presented.count == 2 })
        await bench.finish()
    }

    @Test func aReaderStartedBeforeItsLineExistsComesOnlineWhenItAppears() async throws {
        let bench = try EmulatorBench(card: nil, plugged: false)
        try await bench.start()
        #expect(await bench.events.wait { $0.health.last?.state == .offline })
        try bench.emulator.plug()
        #expect(await bench.events.wait { $0.health.last == .online })
        bench.emulator.insert(.hkmotwPermit)
        #expect(await bench.events.wait { $0.presented.count == 1 })
        await bench.finish()
    }

    @Test(arguments: [(UInt8(0x60), "ga467-sam-self-test-failed"), (0x66, "ga467-sam-not-authorized")])
    func aBrokenSAMIsAHardwareError(status: UInt8, code: String) async throws {
        let bench = try EmulatorBench(card: .residentID, faults: .init(samStatus: status))
        try await bench.start()
        #expect(await bench.events.wait { $0.health.last?.state == .hardwareError })
        #expect(bench.events.health.last?.reason?.rawValue == code)
        #expect(bench.events.health.last?.action == .maintenance)
        #expect(await bench.reader.selfTest().reason?.rawValue == code)
        #expect(bench.events.presented.isEmpty)
        // Fixed (a technician swapped the SAM): the self-test says so and the card is read.
        bench.emulator.setFaults(.init())
        #expect(await bench.reader.selfTest() == .online)
        #expect(await bench.events.wait { $0.presented.count == 1 })
        await bench.finish()
    }

    @Test func resetReopensTheLineAndReadsTheCardAgain() async throws {
        let bench = try EmulatorBench(card: .residentID)
        try await bench.start()
        #expect(await bench.events.wait { $0.presented.count == 1 })
        try await bench.reader.reset()
        #expect(await bench.events.wait { $0.presented.count == 2 })
        await bench.reader.stop()
        await #expect(throws: DeviceError.self) { try await bench.reader.reset() }
        // Stopped: nothing more is reported.
        let count = bench.events.all.count
        bench.emulator.removeCard()
        try await Task.sleep(for: .milliseconds(200))
        #expect(bench.events.all.count == count)
        await bench.finish()
    }
}
