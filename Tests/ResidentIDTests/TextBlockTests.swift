import DeviceKit
import Foundation
import GA467Emulator
@testable import ResidentID
import Testing

/// A text block built at literal offsets, independent of `TextBlockLayout`, so a wrong layout fails.
struct LiteralBlock {
    var bytes = (0..<256).map { $0 % 2 == 0 ? UInt8(0x20) : 0 }

    mutating func put(_ text: String, at offset: Int) {
        var index = offset
        for unit in text.utf16 {
            bytes[index] = UInt8(unit & 0xFF)
            bytes[index + 1] = UInt8(unit >> 8)
            index += 2
        }
    }

    static func residentID(number: String = "460100199001010043", validTo: String = "20400101",
                           nation: String = "01", birth: String = "19900101") -> LiteralBlock {
        var block = LiteralBlock()
        block.put("测试样", at: 0)
        block.put("2", at: 30)
        block.put(nation, at: 32)
        block.put(birth, at: 36)
        block.put("海南省海口市美兰区测试路1号", at: 52)
        block.put(number, at: 122)
        block.put("海口市公安局美兰分局", at: 158)
        block.put("20200101", at: 188)
        block.put(validTo, at: 204)
        return block
    }
}

@Suite struct TextBlockTests {
    @Test func readsAResidentIDCard() throws {
        let photo = [UInt8](repeating: 7, count: 1024)
        let card = try TextBlockParser.parse(text: LiteralBlock.residentID().bytes, photo: photo)
        let identity = card.identity
        #expect(identity.kind == .residentID)
        #expect(identity.name == "测试样")
        #expect(identity.sex == .female)
        #expect(identity.nation == "汉")
        #expect(identity.birthDate == "1990-01-01")
        #expect(identity.address == "海南省海口市美兰区测试路1号")
        #expect(identity.number == "460100199001010043")
        #expect(identity.issuer == "海口市公安局美兰分局")
        #expect(identity.validFrom == "2020-01-01")
        #expect(identity.expiry == .date("2040-01-01"))
        #expect(identity.photo == Identity.Photo(format: .wlt, bytes: Data(photo)))
        #expect(identity.nationality == nil && identity.latinName == nil)
        #expect(card.checks == ["gb11643-check-character": true])
        #expect(card.allChecksPassed)
    }

    @Test func longTermValidity() throws {
        let card = try TextBlockParser.parse(text: LiteralBlock.residentID(validTo: "长期").bytes, photo: nil)
        #expect(card.identity.expiry == .longTerm)
        #expect(card.identity.photo == nil)
    }

    @Test func aWrongCheckCharacterIsFlagged() throws {
        let card = try TextBlockParser.parse(text: LiteralBlock.residentID(number: "460100199001010044").bytes, photo: nil)
        #expect(card.checks["gb11643-check-character"] == false)
        #expect(!card.allChecksPassed)
    }

    @Test(arguments: [("01", "汉"), ("02", "蒙古"), ("05", "维吾尔"), ("08", "壮"), ("29", "柯尔克孜"), ("43", "乌孜别克"),
                      ("56", "基诺"), ("97", "其他"), ("98", "外国血统中国籍人士")])
    func nations(code: String, name: String) throws {
        #expect(Nations.name(forCode: code) == name)
        #expect(Nations.code(forName: name) == code)
        let card = try TextBlockParser.parse(text: LiteralBlock.residentID(nation: code).bytes, photo: nil)
        #expect(card.identity.nation == name)
    }

    @Test func theNationTableHas56NationsAndTwoMore() {
        let names = (1...99).compactMap { Nations.name(forCode: $0 < 10 ? "0\($0)" : "\($0)") }
        #expect(names.count == 58)
        #expect(Set(names).count == 58)
        #expect(Nations.name(forCode: "57") == nil)
        #expect(Nations.name(forCode: "00") == nil)
        #expect(Nations.name(forCode: "1") == nil)
    }

    @Test func anUnknownNationIsATypedError() {
        #expect(throws: DeviceError.self) { try TextBlockParser.parse(text: LiteralBlock.residentID(nation: "77").bytes, photo: nil) }
    }

    @Test(arguments: ["19901301", "19900230", "1990010", "ABCDEFGH", ""])
    func badDatesAreTypedErrorsWithoutTheData(date: String) {
        do {
            _ = try TextBlockParser.parse(text: LiteralBlock.residentID(birth: date).bytes, photo: nil)
            Issue.record("accepted \(date)")
        } catch {
            #expect(error.code == .ga467TextBlockInvalid)
            #expect(error.detail.contains("birth date"))
            #expect(date.isEmpty || !error.detail.contains(date))
        }
    }

    @Test func readsAResidencePermit() throws {
        var block = LiteralBlock()
        block.put("测试港", at: 0)
        block.put("1", at: 30)
        block.put("19850615", at: 36)
        block.put("广东省深圳市福田区测试大道2号", at: 52)
        block.put("810000198506150012", at: 122)
        block.put("深圳市公安局", at: 158)
        block.put("20190101", at: 188)
        block.put("20240101", at: 204)
        block.put("H12345678", at: 220)
        block.put("01", at: 238)
        block.put("J", at: 248)
        let card = try TextBlockParser.parse(text: block.bytes, photo: nil)
        #expect(card.identity.kind == .hkmotwResidencePermit)
        #expect(card.identity.name == "测试港")
        #expect(card.identity.sex == .male)
        #expect(card.identity.number == "810000198506150012")
        #expect(card.identity.nation == nil)
        #expect(card.travelPermitNumber == "H12345678")
        #expect(card.checks["gb11643-check-character"] == true)
        // The emulator's card is the same.
        #expect(try TextBlockParser.parse(text: EmulatedCard.hkmotwPermit.text, photo: nil) == card)
    }

    @Test func readsA2017ForeignPermanentResidenceCard() throws {
        var block = LiteralBlock()
        block.put("TESTER, JANE", at: 0)
        block.put("2", at: 120)
        block.put("CAN110075020101", at: 122)
        block.put("CAN", at: 152)
        block.put("简测试", at: 158)
        block.put("20170616", at: 188)
        block.put("20270615", at: 204)
        block.put("19750201", at: 220)
        block.put("01", at: 236)
        block.put("1500", at: 240)
        block.put("I", at: 248)
        let card = try TextBlockParser.parse(text: block.bytes, photo: nil)
        let identity = card.identity
        #expect(identity.kind == .foreignPermanentResidence)
        #expect(identity.latinName == "TESTER, JANE")
        #expect(identity.name == "简测试")
        #expect(identity.nationality == "CAN")
        #expect(identity.number == "CAN110075020101")
        #expect(identity.birthDate == "1975-02-01")
        #expect(identity.expiry == .date("2027-06-15"))
        #expect(identity.issuer == "1500")
        #expect(card.checks.isEmpty, "the 2017 number has no check character")
        #expect(try TextBlockParser.parse(text: EmulatedCard.foreignPermanent2017.text, photo: nil) == card)
    }

    @Test func readsA2023ForeignPermanentResidenceCard() throws {
        let card = try TextBlockParser.parse(text: EmulatedCard.foreignPermanent2023.text, photo: nil)
        #expect(card.identity.kind == .foreignPermanentResidence)
        #expect(card.identity.latinName == "MUSTERMANN, MAX")
        #expect(card.identity.name == "测试德")
        #expect(card.identity.nationality == "DEU")
        #expect(card.identity.number == "911276198003030038")
        #expect(card.checks["gb11643-check-character"] == true)
        // Its Latin name is split over two fields; a long one comes back whole.
        let long = TextBlockWriter.foreignPermanent2023(
            name: "", sex: "1", birthDate: "19800303", latinName: "VERYLONGFAMILYNAMEFORTEST, GIVENNAMES MORE",
            number: "911276198003030038", validFrom: "20231201", validTo: "20331130", nationality: "DEU")
        #expect(try TextBlockParser.parse(text: long, photo: nil).identity.latinName == "VERYLONGFAMILYNAMEFORTEST, GIVENNAMES MORE")
    }

    @Test func anUnknownCardTypeIsATypedError() {
        var block = LiteralBlock.residentID()
        block.put("Q", at: 248)
        do {
            _ = try TextBlockParser.parse(text: block.bytes, photo: nil)
            Issue.record("accepted Q")
        } catch {
            #expect(error.code == .ga467CardTypeUnknown)
        }
    }

    @Test func controlCharactersFromTheCardAreDropped() throws {
        var block = LiteralBlock.residentID()
        block.put("测\u{1B}[2J试", at: 0)
        let card = try TextBlockParser.parse(text: block.bytes, photo: nil)
        #expect(!card.identity.name.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func aShortTextBlockIsATypedError() {
        #expect(throws: DeviceError.self) { try TextBlockParser.parse(text: [0x20, 0], photo: nil) }
    }

    @Test func readAnswersSplitAndRejoin() throws {
        let answer = ReadAnswer(text: LiteralBlock.residentID().bytes, photo: EmulatedCard.samplePhoto)
        #expect(answer.data.count == 1284)
        #expect(GA467Response(sw3: 0x90, data: answer.data).frame.encoded().count == 1295)
        #expect(try ReadAnswer(data: answer.data, withFingerprint: false) == answer)
        let withPrints = ReadAnswer(text: answer.text, photo: answer.photo, fingerprint: [1, 2, 3])
        #expect(try ReadAnswer(data: withPrints.data, withFingerprint: true) == withPrints)
        #expect(try withPrints.card().fingerprint == [1, 2, 3])
        for bad in [Array(answer.data.dropLast()), [0x01, 0x00, 0x04, 0x00], [0x00, 0x10] + Array(answer.data.dropFirst(2)), []] {
            do {
                _ = try ReadAnswer(data: bad, withFingerprint: false)
                Issue.record("accepted a malformed answer")
            } catch {
                #expect(error.code == .ga467ReadAnswerMalformed)
            }
        }
    }
}
