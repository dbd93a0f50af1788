import DeviceKit
import Foundation
import GA467Emulator
import ResidentID
import Testing

@Suite struct IdentityReportTests {
    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func maskedByDefault() throws {
        let card = try TextBlockParser.parse(text: EmulatedCard.residentID.text, photo: EmulatedCard.samplePhoto)
        let json = IdentityReport(card.identity, checks: card.checks).json()
        let object = try Self.object(json)
        #expect(object["documentKind"] as? String == "resident-id")
        #expect(object["documentNumber"] as? String == "4601**********0043")
        #expect(object["name"] as? String == "测*样")
        #expect(object["sex"] as? String == "F")
        #expect(object["nation"] as? String == "汉")
        #expect(object["birthDate"] as? String == "1990-**-**")
        #expect(object["expiryDate"] as? String == "2040-01-01")
        #expect(object["validFrom"] as? String == "2020-01-01")
        #expect(object["address"] as? String == "海南省***********")
        #expect(object["issuer"] as? String == "海口市公安局美兰分局")
        let photo = try #require(object["photo"] as? [String: Any])
        #expect(photo["format"] as? String == "wlt")
        #expect(photo["bytes"] as? Int == 1024)
        #expect(object["checks"] as? [String: Bool] == ["gb11643-check-character": true])
        #expect(object["latinName"] is NSNull)
        #expect(object["nationality"] is NSNull)
        #expect(object.keys.count == 14)
        for secret in ["460100199001010043", "测试样", "19900101", "1990-01-01", "测试路"] {
            #expect(!json.contains(secret), "masked report leaks \(secret)")
        }
    }

    @Test func fullWithTheFlag() throws {
        let card = try TextBlockParser.parse(text: EmulatedCard.residentIDBadCheck.text, photo: nil)
        let object = try Self.object(IdentityReport(card.identity, checks: card.checks, showPersonalData: true).json(pretty: true))
        #expect(object["documentNumber"] as? String == "460100199001010044")
        #expect(object["name"] as? String == "测试样")
        #expect(object["birthDate"] as? String == "1990-01-01")
        #expect(object["address"] as? String == "海南省海口市美兰区测试路1号")
        #expect(object["expiryDate"] as? String == "long-term")
        #expect(object["photo"] is NSNull)
        #expect(object["checks"] as? [String: Bool] == ["gb11643-check-character": false])
    }

    @Test func foreignResidentsShowNationalityAndAMaskedLatinName() throws {
        let card = try TextBlockParser.parse(text: EmulatedCard.foreignPermanent2017.text, photo: nil)
        let object = try Self.object(IdentityReport(card.identity).json())
        #expect(object["documentKind"] as? String == "foreign-permanent-residence")
        #expect(object["latinName"] as? String == "T* JANE")
        #expect(object["nationality"] as? String == "CAN")
        #expect(object["nation"] is NSNull)
        #expect(object["documentNumber"] as? String == "CAN1*******0101")
    }
}
