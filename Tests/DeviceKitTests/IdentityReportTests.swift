import DeviceKit
import Foundation
import Testing

/// The report of `kioskd probe identity` for a passport (the resident ID card's is tested with the
/// GA 467 reader in ResidentIDTests): the keys issue 3 lists, every one always written, personal
/// fields masked unless asked.
@Suite struct PassportIdentityReportTests {
    static let keys: Set<String> = [
        "documentKind", "documentNumber", "name", "latinName", "sex", "nationality", "nation", "birthDate",
        "expiryDate", "validFrom", "address", "issuer", "photo", "checks",
    ]

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func passportInFull() throws {
        var passport = SimulatedIdentities.passport
        passport.photo = Identity.Photo(format: .jpeg2000, bytes: Data(count: 15_000))
        let checks = ["bac": true, "secure-messaging": true, "mrz-check-digits": true, "dg1-hash": true, "dg2-hash": true]
        let json = try Self.object(IdentityReport(passport, checks: checks, showPersonalData: true).json(pretty: true))
        #expect(Set(json.keys) == Self.keys)
        #expect(json["documentKind"] as? String == "passport")
        #expect(json["documentNumber"] as? String == "L898902C3")
        #expect(json["name"] as? String == "ERIKSSON ANNA MARIA")
        #expect(json["latinName"] as? String == "ERIKSSON ANNA MARIA")
        #expect(json["nationality"] as? String == "UTO")
        #expect(json["nation"] is NSNull)
        #expect(json["birthDate"] as? String == "1974-08-12")
        #expect(json["expiryDate"] as? String == "2012-04-15")
        #expect(json["validFrom"] is NSNull)
        #expect(json["address"] is NSNull)
        let photo = try #require(json["photo"] as? [String: Any])
        #expect(photo["format"] as? String == "jpeg2000")
        #expect(photo["bytes"] as? Int == 15_000)
        #expect(json["checks"] as? [String: Bool] == checks)
    }

    @Test func passportMaskedByDefault() throws {
        let report = IdentityReport(SimulatedIdentities.passport, checks: ["bac": true])
        #expect(report.documentNumber == "L898*02C3")
        #expect(report.latinName == "E* ANNA MARIA")
        #expect(report.birthDate == "1974-**-**")
        #expect(report.expiryDate == "2012-04-15")
        let text = report.json()
        for secret in ["L898902C3", "ERIKSSON", "1974-08-12"] { #expect(!text.contains(secret), "\(secret)") }
    }
}
