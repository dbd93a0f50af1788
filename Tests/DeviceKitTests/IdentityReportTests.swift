import DeviceKit
import Foundation
import Testing

/// The JSON of `kioskd probe identity`: the keys issue 3 lists, every one always written, personal
/// fields masked unless asked.
@Suite struct IdentityReportTests {
    static let keys: Set<String> = [
        "documentKind", "documentNumber", "name", "latinName", "sex", "nationality", "nation", "birthDate",
        "expiryDate", "validFrom", "address", "issuer", "photo", "checks",
    ]

    static func json(_ report: IdentityReport) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
    }

    @Test func residentIDCardInFull() throws {
        var card = SimulatedIdentities.residentID
        card.expiry = .longTerm
        card.photo = Identity.Photo(format: .wlt, bytes: Data(count: 1024))
        let json = try Self.json(IdentityReport(card, checks: ["gb11643-check-digit"], showPersonalData: true))
        #expect(Set(json.keys) == Self.keys)
        #expect(json["documentKind"] as? String == "resident-id")
        #expect(json["documentNumber"] as? String == "460100199001010027")
        #expect(json["name"] as? String == "测试样")
        #expect(json["latinName"] is NSNull)
        #expect(json["nationality"] is NSNull)
        #expect(json["sex"] as? String == "F")
        #expect(json["nation"] as? String == "汉")
        #expect(json["birthDate"] as? String == "1990-01-01")
        #expect(json["expiryDate"] as? String == "long-term")
        #expect(json["validFrom"] as? String == "2020-01-01")
        #expect(json["address"] as? String == "海南省海口市美兰区测试路1号")
        #expect(json["issuer"] as? String == "海口市公安局美兰分局")
        let photo = try #require(json["photo"] as? [String: Any])
        #expect(photo["format"] as? String == "wlt")
        #expect(photo["bytes"] as? Int == 1024)
        #expect(json["checks"] as? [String] == ["gb11643-check-digit"])
    }

    @Test func maskedByDefault() throws {
        let report = IdentityReport(SimulatedIdentities.residentID, checks: [], showPersonalData: false)
        #expect(report.documentNumber == "4601**********0027")
        #expect(report.name == "测*样")
        #expect(report.birthDate == "1990-**-**")
        #expect(report.address == "海南省海口市********")
        let text = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        for secret in ["460100199001010027", "测试样", "\"1990-01-01\"", "美兰区"] { #expect(!text.contains(secret), "\(secret)") }

        let passport = IdentityReport(SimulatedIdentities.passport, checks: ["bac"], showPersonalData: false)
        #expect(passport.documentNumber == "L898*02C3")
        #expect(passport.latinName == "E* ANNA MARIA")
        #expect(passport.expiryDate == "2012-04-15")
        #expect(passport.nationality == "UTO")
    }

    @Test func decodesWhatItEncodes() throws {
        let report = IdentityReport(SimulatedIdentities.passport, checks: ["bac", "dg1-hash"], showPersonalData: true)
        #expect(try JSONDecoder().decode(IdentityReport.self, from: JSONEncoder().encode(report)) == report)
    }
}
