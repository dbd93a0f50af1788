import DeviceKit
import SmartCard
import Testing

/// ICAO Doc 9303 Part 11 (8th edition), Appendix D: the worked example of BAC and secure
/// messaging, reproduced byte for byte.
@Suite struct AppendixDTests {
    static let mrzInformation = "L898902C<369080619406236"
    static let rndIC = hex("4608F91988702212")
    static let rndIFD = hex("781723860C06C226")
    static let kIFD = hex("0B795240CB7049B01C19B33E32804F0B")
    static let kIC = hex("0B4F80323EB3191CB04970CB4052790B")

    static func sessionKeys() -> SessionKeys {
        SessionKeys(kIFD: kIFD, kIC: kIC, rndIC: rndIC, rndIFD: rndIFD)
    }

    @Test func mrzInformationFromTheAccessKey() throws {
        let key = try DocumentAccessKey(parsing: "L898902C:690806:940623")
        #expect(key.mrzInformation == Self.mrzInformation)
    }

    @Test func documentBasicAccessKeys() {
        let seed = KeyDerivation.seed(mrzInformation: Self.mrzInformation)
        #expect(seed == hex("239AB9CB282DAF66231DC5A4DF6BFBAE"))
        let keys = BACKeys(seed: seed)
        #expect(keys.encryption == hex("AB94FDECF2674FDFB9B391F85D7F76F2"))
        #expect(keys.mac == hex("7962D9ECE03D1ACD4C76089DCE131543"))
    }

    @Test func mutualAuthenticationCommandAndSessionKeys() throws {
        let keys = BACKeys(seed: KeyDerivation.seed(mrzInformation: Self.mrzInformation))
        let bac = BasicAccessControl(keys: keys, rndIFD: Self.rndIFD, kIFD: Self.kIFD)
        let data = try bac.mutualAuthenticateData(rndIC: Self.rndIC)
        #expect(data == hex("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2" + "5F1448EEA8AD90A7"))
        let command = try bac.mutualAuthenticate(rndIC: Self.rndIC)
        #expect(command.bytes == hex("0082000028") + data + [0x28])

        let chipAnswer = hex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F" + "2F2D235D074D7449")
        let session = try bac.sessionKeys(response: chipAnswer, rndIC: Self.rndIC)
        #expect(session.encryption == hex("979EC13B1CBFE9DCD01AB0FED307EAE5"))
        #expect(session.mac == hex("F1CB1F1FB5ADF208806B89DC579DC1F8"))
        #expect(session.initialSSC == hex("887022120C06C226"))
        #expect(session == Self.sessionKeys())
    }

    @Test func chipAnswerWithAWrongMACIsRefused() throws {
        let keys = BACKeys(seed: KeyDerivation.seed(mrzInformation: Self.mrzInformation))
        let bac = BasicAccessControl(keys: keys, rndIFD: Self.rndIFD, kIFD: Self.kIFD)
        var answer = hex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F" + "2F2D235D074D7449")
        answer[39] ^= 0x01
        #expect(throws: EMRTDError.chipAuthenticationFailed) { try bac.sessionKeys(response: answer, rndIC: Self.rndIC) }
    }

    @Test func protectedSelectOfEFCOM() throws {
        var sm = SecureMessaging(keys: Self.sessionKeys())
        let select = CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E])
        let wrapped = try sm.wrap(select)
        #expect(wrapped.bytes == hex("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"))
        #expect(sm.ssc == hex("887022120C06C227"))
        let answer = try sm.unwrap(ResponseAPDU(bytes: hex("990290008E08FA855A5D4C50A8ED9000")))
        #expect(answer == ResponseAPDU(data: [], sw1: 0x90, sw2: 0x00))
        #expect(sm.ssc == hex("887022120C06C228"))
    }

    @Test func protectedReadBinaryOfEFCOM() throws {
        var sm = SecureMessaging(keys: Self.sessionKeys())
        _ = try sm.wrap(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
        _ = try sm.unwrap(ResponseAPDU(bytes: hex("990290008E08FA855A5D4C50A8ED9000")))

        let first = try sm.wrap(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, le: 4))
        #expect(first.bytes == hex("0CB000000D9701048E08ED6705417E96BA5500"))
        let head = try sm.unwrap(ResponseAPDU(bytes: hex("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")))
        #expect(head.data == hex("60145F01"))
        #expect(sm.ssc == hex("887022120C06C22A"))

        let rest = try sm.wrap(CommandAPDU(ins: 0xB0, p1: 0, p2: 4, le: 0x12))
        #expect(rest.bytes == hex("0CB000040D9701128E082EA28A70F3C7B53500"))
        let body = try sm.unwrap(ResponseAPDU(bytes: hex(
            "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000")))
        #expect(body.data == hex("04303130365F36063034303030305C026175"))
        #expect(sm.ssc == hex("887022120C06C22C"))

        let com = try EFCOM(bytes: head.data + body.data)
        #expect(com.ldsVersion == "0106")
        #expect(com.unicodeVersion == "040000")
        #expect(com.dataGroups == [1, 2])
    }

    @Test func responseWithAWrongMACIsRefused() throws {
        var sm = SecureMessaging(keys: Self.sessionKeys())
        _ = try sm.wrap(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
        #expect(throws: EMRTDError.secureMessaging("response MAC does not match")) {
            try sm.unwrap(ResponseAPDU(bytes: hex("990290008E08FA855A5D4C50A8EE9000")))
        }
    }
}

func hex(_ text: String) -> [UInt8] {
    guard let bytes = Hex.bytes(text) else { fatalError("bad hex in a test: \(text)") }
    return bytes
}
