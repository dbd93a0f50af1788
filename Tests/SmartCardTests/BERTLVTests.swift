import SmartCard
import Testing

@Suite struct BERTLVTests {
    @Test func parsesAndEncodesMultiByteTagsAndLongLengths() throws {
        let value = [UInt8](repeating: 0xAB, count: 300)
        let object = BERTLV(tag: 0x5F1F, value: value)
        #expect(Array(object.encoded.prefix(5)) == [0x5F, 0x1F, 0x82, 0x01, 0x2C])
        #expect(try BERTLV.parse(object.encoded) == object)
        #expect(BERTLV.encodeLength(0x7F) == [0x7F])
        #expect(BERTLV.encodeLength(0x80) == [0x81, 0x80])
        #expect(BERTLV.encodeLength(0x1_0000) == [0x83, 0x01, 0x00, 0x00])
    }

    @Test func constructedObjectsHaveChildren() throws {
        let object = try BERTLV.parse(hex("60145F0104303130365F36063034303030305C026175"))
        #expect(object.tag == 0x60)
        #expect(object.tag.isConstructed)
        let children = try object.children()
        #expect(children.map(\.tag) == [0x5F01, 0x5F36, 0x5C])
        #expect(try object.child(0x5C).value == [0x61, 0x75])
        #expect(throws: BERTLVError.missingTag(0x5F1F)) { try object.child(0x5F1F) }
        #expect(throws: BERTLVError.notConstructed(0x5C)) { try children[2].children() }
        #expect(try object.parseTree() == 4)
    }

    @Test(arguments: [
        ([UInt8](), BERTLVError.truncatedTag),
        ([0x5F], .truncatedTag),
        ([0x5F, 0x81, 0x82, 0x83, 0x01, 0x00], .tagTooLong),
        ([0x04], .truncatedLength),
        ([0x04, 0x82, 0x01], .truncatedLength),
        ([0x30, 0x80, 0x00, 0x00], .indefiniteLength),
        ([0x04, 0x85, 1, 1, 1, 1, 1], .lengthTooLong),
        ([0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF], .lengthTooLong),
        ([0x04, 0x03, 0x01], .truncatedValue(expected: 3, available: 1)),
        ([0x04, 0x01, 0x01, 0x00], .trailingBytes(count: 1)),
    ])
    func malformedInputIsATypedError(bytes: [UInt8], error: BERTLVError) {
        #expect(throws: error) { try BERTLV.parse(bytes) }
    }

    @Test func nestingIsLimited() throws {
        var object = BERTLV(tag: 0x04, value: [1])
        for _ in 0..<40 { object = BERTLV(tag: 0x30, children: [object]) }
        #expect(throws: BERTLVError.tooDeep) { try BERTLV.parse(object.encoded).parseTree() }
    }

    @Test func headerGivesTheWholeLength() throws {
        let header = try BERTLV.header(hex("7582")[...] + [0x12, 0x34])
        #expect(header.tag == 0x75)
        #expect(header.headerLength == 4)
        #expect(header.valueLength == 0x1234)
    }
}

@Suite struct APDUTests {
    @Test func shortAndExtendedForms() throws {
        #expect(CommandAPDU(ins: 0x84, p1: 0, p2: 0, le: 8).bytes == hex("0084000008"))
        #expect(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, le: 256).bytes == hex("00B0000000"))
        #expect(CommandAPDU(ins: 0xA4, p1: 2, p2: 0x0C, data: [1, 0x1E]).bytes == hex("00A4020C02011E"))
        let long = CommandAPDU(ins: 0xD6, p1: 0, p2: 0, data: [UInt8](repeating: 7, count: 300), le: 65536)
        #expect(long.isExtended)
        #expect(Array(long.bytes.prefix(7)) == hex("00D60000 00012C"))
        #expect(Array(long.bytes.suffix(2)) == [0, 0])
        for command in [CommandAPDU(ins: 0x84, p1: 0, p2: 0, le: 8), long,
                        CommandAPDU(ins: 0xA4, p1: 4, p2: 0x0C, data: [1, 2, 3]),
                        CommandAPDU(ins: 0xB0, p1: 0, p2: 0, le: 1000), CommandAPDU(ins: 0x70, p1: 0, p2: 0)] {
            #expect(try CommandAPDU(bytes: command.bytes) == command)
        }
    }

    @Test func malformedCommandsAreRefused() {
        #expect(throws: APDUError.tooShort(3)) { try CommandAPDU(bytes: [0, 0xA4, 0]) }
        #expect(throws: APDUError.badLength) { try CommandAPDU(bytes: [0, 0xA4, 0, 0, 5, 1, 2]) }
        #expect(throws: APDUError.badLength) { try CommandAPDU(bytes: [0, 0xA4, 0, 0, 0, 0]) }
        #expect(throws: APDUError.tooShort(1)) { try ResponseAPDU(bytes: [0x90]) }
    }

    @Test func responseStatus() throws {
        let response = try ResponseAPDU(bytes: [1, 2, 0x6A, 0x82])
        #expect(response.data == [1, 2])
        #expect(response.status == .fileNotFound)
        #expect(!response.status.isSuccess)
        #expect(response.status.description == "6A82")
    }
}

/// A card that answers from a script, to see what the channel sends.
final class ScriptedCard: APDUTransport {
    var answers: [[UInt8]]
    var sent: [[UInt8]] = []
    init(_ answers: [[UInt8]]) { self.answers = answers }
    func transmit(_ command: [UInt8]) throws(CardError) -> [UInt8] {
        sent.append(command)
        guard !answers.isEmpty else { throw .cardRemoved }
        return answers.removeFirst()
    }
}

@Suite struct CardChannelTests {
    @Test func getResponseCollectsChainedData() throws {
        let card = ScriptedCard([[0x61, 0x03], [1, 2, 3, 0x61, 0x02], [4, 5, 0x90, 0x00]])
        let response = try CardChannel(transport: card).send(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, le: 256))
        #expect(response == ResponseAPDU(data: [1, 2, 3, 4, 5], sw1: 0x90, sw2: 0))
        #expect(card.sent == [hex("00B0000000"), hex("00C0000003"), hex("00C0000002")])
    }

    @Test func wrongLengthIsRetriedWithTheCardsLe() throws {
        let card = ScriptedCard([[0x6C, 0x08], [1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00]])
        let response = try CardChannel(transport: card).send(CommandAPDU(ins: 0x84, p1: 0, p2: 0, le: 256))
        #expect(response.data.count == 8)
        #expect(card.sent == [hex("0084000000"), hex("0084000008")])
    }

    @Test func endlessGetResponseIsRefused() {
        let card = ScriptedCard(Array(repeating: [0x61, 0x01], count: 100))
        #expect(throws: CardError.malformedResponse) { try CardChannel(transport: card).send(CommandAPDU(ins: 0xB0, p1: 0, p2: 0)) }
    }

    @Test func aResponseWithoutStatusIsMalformed() {
        #expect(throws: CardError.malformedResponse) {
            try CardChannel(transport: ScriptedCard([[0x90]])).send(CommandAPDU(ins: 0xB0, p1: 0, p2: 0))
        }
    }
}
