import CardEmulator
import DeviceKit
import Foundation
import SmartCard
import Testing

/// The whole read against the emulated chip in-process: BAC, secure messaging, every file, the
/// hashes, and the identity DeviceKit gets.
@Suite struct PassportReaderTests {
    @Test func readsTheSpecimenPassport() throws {
        let passport = try TestPassport()
        let reader = PassportReader(channel: CardChannel(transport: InProcessCard(passport: passport)))
        let document = try reader.read(accessKey: try DocumentAccessKey(parsing: "L898902C3:740812:120415"))
        #expect(document.com.dataGroups == [1, 2])
        #expect(document.checks == ["bac", "secure-messaging", "mrz-check-digits", "dg1-hash", "dg2-hash"])
        let identity = document.identity(reference: try #require(ISO8601DateFormatter().date(from: "2026-11-27T00:00:00Z")))
        #expect(identity.kind == .passport)
        #expect(identity.number == "L898902C3")
        #expect(identity.latinName == "ERIKSSON ANNA MARIA")
        #expect(identity.sex == .female)
        #expect(identity.nationality == "UTO")
        #expect(identity.issuer == "UTO")
        #expect(identity.birthDate == "1974-08-12")
        #expect(identity.expiry == .date("2012-04-15"))
        #expect(identity.photo?.format == .jpeg)
        #expect(identity.photo.map { Array($0.bytes) } == TinyJPEG.grey8x8)
    }

    @Test func t0CardsAnswerThroughGetResponse() throws {
        let card = InProcessCard(passport: try TestPassport(), faults: .init(t0GetResponse: true))
        let reader = PassportReader(channel: CardChannel(transport: card))
        let document = try reader.read(accessKey: try TestPassport().accessKey)
        #expect(document.dg2?.image == TinyJPEG.grey8x8)
    }

    @Test func aWrongAccessKeyIsAccessDenied() throws {
        let reader = PassportReader(channel: CardChannel(transport: InProcessCard(passport: try TestPassport())))
        #expect(throws: EMRTDError.accessDenied) {
            try reader.read(accessKey: try DocumentAccessKey(parsing: "L898902C3:740813:120415"))
        }
    }

    @Test func aWrongResponseMACIsRefused() throws {
        let card = InProcessCard(passport: try TestPassport(), faults: .init(wrongResponseMAC: true))
        let reader = PassportReader(channel: CardChannel(transport: card))
        #expect(throws: EMRTDError.secureMessaging("response MAC does not match")) {
            try reader.read(accessKey: try TestPassport().accessKey)
        }
    }

    @Test func aCardTakenAwayIsATransportError() throws {
        let card = InProcessCard(passport: try TestPassport())
        card.removeAfterCommands = 9
        let reader = PassportReader(channel: CardChannel(transport: card))
        #expect(throws: EMRTDError.transport(.cardRemoved)) { try reader.read(accessKey: try TestPassport().accessKey) }
    }

    @Test func aTamperedDataGroupFailsItsHash() throws {
        let passport = try TestPassport()
        // A passport whose SOD was made for another face.
        let other = try TestPassport(face: TinyJPEG.grey8x8 + [0x00])
        var files = passport.files
        files[.sod] = other.files[.sod]
        let tampered = TestPassport(replacing: files, of: passport)
        let reader = PassportReader(channel: CardChannel(transport: InProcessCard(passport: tampered)))
        #expect(throws: EMRTDError.hashMismatch(dataGroup: 2)) { try reader.read(accessKey: passport.accessKey) }
    }
}
