import DeviceKit
@testable import ResidentID
import Testing

@Suite struct FrameTests {
    @Test func commandsEncodeAsTheProtocolNotesPrintThem() {
        // The frames vendors' SAM_V notes print for these commands.
        #expect(GA467Command.findCard.encoded() == Bytes.hex("AA AA AA 96 69 00 03 20 01 22"))
        #expect(GA467Command.selectCard.encoded() == Bytes.hex("AA AA AA 96 69 00 03 20 02 21"))
        #expect(GA467Command.read.encoded() == Bytes.hex("AA AA AA 96 69 00 03 30 01 32"))
        #expect(GA467Command.samStatus.encoded() == Bytes.hex("AA AA AA 96 69 00 03 11 FF ED"))
        #expect(GA467Command.reset.encoded() == Bytes.hex("AA AA AA 96 69 00 03 10 FF EC"))
        #expect(GA467Command.samID.encoded() == Bytes.hex("AA AA AA 96 69 00 03 12 FF EE"))
        #expect(GA467Command.readWithFingerprint.encoded() == Bytes.hex("AA AA AA 96 69 00 03 30 10 23"))
        #expect(GA467Command.readAppendedAddress.encoded() == Bytes.hex("AA AA AA 96 69 00 03 30 03 30"))
    }

    @Test func commandsAreFoundByTheirCodes() {
        for command in GA467Command.allCases {
            #expect(GA467Command(command: command.code.command, parameter: command.code.parameter) == command)
        }
        #expect(GA467Command(command: 0x60, parameter: 0x00) == nil)
    }

    @Test func decodesAFindCardAnswer() throws {
        var decoder = GA467FrameDecoder()
        decoder.feed(Bytes.hex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"))
        let actions = Bytes.drain(&decoder)
        #expect(actions.count == 1)
        guard case .frame(let frame) = actions.first else { Issue.record("no frame"); return }
        let response = try GA467Response(frame: frame)
        #expect(response.status == .cardFound)
        #expect(response.data == [0, 0, 0, 0])
    }

    @Test func roundTripsByteByByte() {
        let frames = [GA467Frame(body: [0, 0, 0x90] + Array(0..<200)), GA467Frame(body: [0x20, 0x01]), GA467Frame(body: [0, 0, 0x80])]
        var decoder = GA467FrameDecoder()
        var decoded: [GA467Frame] = []
        for byte in frames.flatMap({ $0.encoded() }) {
            decoder.feed([byte])
            for case .frame(let frame) in Bytes.drain(&decoder) { decoded.append(frame) }
        }
        #expect(decoded == frames)
        #expect(decoder.discardedBytes == 0)
    }

    @Test func resynchronisesAfterGarbage() {
        let frame = GA467Frame(body: [0, 0, 0x90, 1, 2, 3])
        var decoder = GA467FrameDecoder()
        decoder.feed([0x00, 0x13, 0xAA, 0x55, 0xAA, 0xAA] + frame.encoded() + [0x42] + frame.encoded())
        let actions = Bytes.drain(&decoder)
        #expect(actions == [.frame(frame), .frame(frame)])
        #expect(decoder.discardedBytes == 7)
    }

    @Test func findsAPreambleAfterAnExtraSyncByte() {
        let frame = GA467Frame(body: [0, 0, 0x90])
        var decoder = GA467FrameDecoder()
        decoder.feed([0xAA] + frame.encoded())
        #expect(Bytes.drain(&decoder) == [.frame(frame)])
    }

    @Test func rejectsImpossibleLengthsAndCarriesOn() {
        let frame = GA467Frame(body: [0, 0, 0x90])
        var decoder = GA467FrameDecoder()
        decoder.feed(Bytes.hex("AA AA AA 96 69 FF FF") + Bytes.hex("AA AA AA 96 69 00 02 01") + frame.encoded())
        let actions = Bytes.drain(&decoder)
        #expect(actions == [.error(.badLength(0xFFFF)), .error(.badLength(2)), .frame(frame)])
    }

    @Test func rejectsABadChecksumAndFindsTheNextFrame() {
        let frame = GA467Frame(body: [0, 0, 0x90, 7])
        var bad = frame.encoded()
        bad[bad.count - 1] ^= 0x01
        var decoder = GA467FrameDecoder()
        decoder.feed(bad + frame.encoded())
        let actions = Bytes.drain(&decoder)
        #expect(actions.count == 2)
        #expect(actions.first == .error(.badChecksum(expected: frame.encoded().last!, received: bad.last!)))
        #expect(actions.last == .frame(frame))
        #expect(GA467FrameError.badChecksum(expected: 1, received: 2).deviceError.code == .ga467FrameChecksum)
        #expect(GA467FrameError.badLength(9999).deviceError.code == .ga467FrameLength)
    }

    @Test func aFalseFrameInsideGarbageDoesNotHideTheRealOne() {
        // A false preamble whose plausible length swallows the start of the real frame: the checksum
        // fails and the search resumes inside it.
        let frame = GA467Frame(body: [0, 0, 0x90, 1, 2, 3, 4, 5, 6])
        var decoder = GA467FrameDecoder()
        decoder.feed(Bytes.hex("AA AA AA 96 69 00 06") + frame.encoded())
        let actions = Bytes.drain(&decoder)
        #expect(actions.last == .frame(frame))
    }

    @Test func knowsWhenAFrameIsUnfinished() {
        var decoder = GA467FrameDecoder()
        let bytes = GA467Frame(body: [0, 0, 0x90, 1, 2]).encoded()
        decoder.feed(bytes.prefix(8))
        #expect(decoder.next() == .needMoreData)
        #expect(decoder.hasPartialFrame)
        decoder.feed(bytes.dropFirst(8))
        guard case .frame = decoder.next() else { Issue.record("no frame"); return }
        #expect(!decoder.hasPartialFrame)
    }

    @Test func garbageDoesNotGrowTheBuffer() {
        var decoder = GA467FrameDecoder()
        for _ in 0..<1000 {
            decoder.feed([UInt8](repeating: 0x13, count: 100))
            #expect(decoder.next() == .needMoreData)
        }
        #expect(decoder.bufferedCount <= 4)
        #expect(decoder.discardedBytes >= 99_996)
    }

    @Test func answersWithoutAStatusWordAreTypedErrors() {
        #expect(throws: DeviceError.self) { try GA467Response(frame: GA467Frame(body: [0, 0])) }
        #expect(GA467Response(sw3: 0x90).frame.encoded() == Bytes.hex("AA AA AA 96 69 00 04 00 00 90 94"))
    }
}
