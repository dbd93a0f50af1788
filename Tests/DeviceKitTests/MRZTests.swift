import DeviceKit
import Foundation
import Testing

/// The specimens of ICAO Doc 9303 Parts 4, 5 and 6.
@Suite struct MRZTests {
    static let td3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    static let td2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
    static let td1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"

    @Test func checkDigits() {
        #expect(MRZCheckDigit.compute("L898902C3") == 6)
        #expect(MRZCheckDigit.compute("740812") == 2)
        #expect(MRZCheckDigit.compute("120415") == 9)
        #expect(MRZCheckDigit.compute("L898902C<") == 3)
        #expect(MRZCheckDigit.compute("ab") == nil)
        #expect(MRZCheckDigit.verify("<<<<<", digit: "<"))
        #expect(!MRZCheckDigit.verify("ZE184226B", digit: "<"))
    }

    @Test func td3Passport() throws {
        let mrz = try MachineReadableZone.parse(Self.td3)
        #expect(mrz.format == .td3)
        #expect(mrz.documentCode == "P")
        #expect(mrz.issuingState == "UTO")
        #expect(mrz.documentNumber == "L898902C3")
        #expect(mrz.primaryIdentifier == "ERIKSSON")
        #expect(mrz.secondaryIdentifier == "ANNA MARIA")
        #expect(mrz.latinName == "ERIKSSON ANNA MARIA")
        #expect(mrz.nationality == "UTO")
        #expect(mrz.sex == "F")
        #expect(mrz.optionalData == "ZE184226B")
        let reference = try #require(ISO8601DateFormatter().date(from: "2026-11-27T00:00:00Z"))
        #expect(mrz.birthDate.isoDate(fullYear: mrz.birthDate.birthYear(reference: reference)) == "1974-08-12")
        #expect(mrz.expiryDate.isoDate(fullYear: mrz.expiryDate.expiryYear(reference: reference)) == "2012-04-15")
        #expect(mrz.accessKey.mrzInformation == "L898902C3674081221204159")
    }

    @Test func td2AndTD1IdentityCards() throws {
        let td2 = try MachineReadableZone.parse(Self.td2)
        #expect(td2.format == .td2)
        #expect(td2.documentCode == "I")
        #expect(td2.documentNumber == "D23145890")
        #expect(td2.latinName == "ERIKSSON ANNA MARIA")
        let td1 = try MachineReadableZone.parse(Self.td1)
        #expect(td1.format == .td1)
        #expect(td1.documentNumber == "D23145890")
        #expect(td1.latinName == "ERIKSSON ANNA MARIA")
        #expect(td1.nationality == "UTO")
        #expect(td1.expiryDate.text == "120415")
        // The same zone with Windows line ends, and without line breaks.
        #expect(try MachineReadableZone.parse(Self.td1.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n") == td1)
        #expect(try MachineReadableZone.parse(Self.td1.replacingOccurrences(of: "\n", with: "")) == td1)
    }

    @Test func longDocumentNumbersContinueInTheOptionalData() throws {
        // TD1 with a 12-character number: 9 in place, `<`, then the last 3 and their check digit.
        let number = "D23145890123"
        let digit = try #require(MRZCheckDigit.compute(number))
        let one = "I<UTO" + "D23145890" + "<" + "123\(digit)" + String(repeating: "<", count: 11)
        let two0 = "7408122F1204159UTO<<<<<<<<<<<"
        let composite = try #require(MRZCheckDigit.compute(String(one.dropFirst(5)) + two0.prefix(7) + two0.dropFirst(8).prefix(7) + two0.dropFirst(18)))
        let zone = one + two0 + "\(composite)" + "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
        let mrz = try MachineReadableZone.parse(zone)
        #expect(mrz.documentNumber == number)
        #expect(mrz.accessKey.mrzInformation.hasPrefix(number + "\(digit)"))
    }

    @Test(arguments: [
        (td3.replacingOccurrences(of: "L898902C36", with: "L898902C37"), MRZError.checkDigit(field: .documentNumber)),
        (td3.replacingOccurrences(of: "7408122", with: "7408121"), .checkDigit(field: .birthDate)),
        (td3.replacingOccurrences(of: "1204159", with: "1204158"), .checkDigit(field: .expiryDate)),
        (td3.replacingOccurrences(of: "<<<<<10", with: "<<<<<11"), .checkDigit(field: .composite)),
        (td3.replacingOccurrences(of: "B<<<<<10", with: "B<<<<<20"), .checkDigit(field: .optionalData)),
        (td2.replacingOccurrences(of: "<<<<<<<6", with: "<<<<<<<5"), .checkDigit(field: .composite)),
        (td1.replacingOccurrences(of: "<<<<<<<<<<<6", with: "<<<<<<<<<<<7"), .checkDigit(field: .composite)),
        (td3.replacingOccurrences(of: "P<UTO", with: "p<UTO"), .badCharacter(line: 1, column: 1)),
        (String(td3.dropLast()), .unknownFormat(length: 87)),
        ("", .unknownFormat(length: 0)),
    ])
    func badZonesAreTypedErrors(zone: String, error: MRZError) {
        #expect(throws: error) { try MachineReadableZone.parse(zone) }
    }

    @Test func impossibleDatesAreRefused() throws {
        // 1974-13-12 with a matching check digit is still not a date.
        let birth = "741312"
        let digit = try #require(MRZCheckDigit.compute(birth))
        var line2 = "L898902C36UTO\(birth)\(digit)F1204159ZE184226B<<<<<1"
        let composite = try #require(MRZCheckDigit.compute(line2.prefix(10) + line2.dropFirst(13).prefix(7) + line2.dropFirst(21).prefix(22)))
        line2 += "\(composite)"
        #expect(throws: MRZError.badDate(field: .birthDate)) {
            try MachineReadableZone.parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<" + line2)
        }
        #expect(MRZDate("740229") != nil)
        #expect(MRZDate("740229")?.isoDate(fullYear: 1974) == nil, "1974 was not a leap year")
        #expect(MRZDate("000229")?.isoDate(fullYear: 2000) == "2000-02-29")
        #expect(MRZDate("7408<<", unknownAllowed: true)?.day == nil)
        #expect(MRZDate("7408<<") == nil)
    }

    @Test func errorsDoNotRepeatTheZone() {
        for error in [MRZError.checkDigit(field: .documentNumber), .badCharacter(line: 2, column: 3), .badAccessKey("expected DOCNO:YYMMDD:YYMMDD")] {
            #expect(!error.description.contains("L898902C"))
        }
    }
}

@Suite struct DocumentAccessKeyTests {
    @Test func parsesTheKeypadForm() throws {
        let key = try DocumentAccessKey(parsing: "l898902c3:740812:120415")
        #expect(key.documentNumber == "L898902C3")
        #expect(key.birthDate == "740812")
        #expect(key.expiryDate == "120415")
        #expect(key == (try DocumentAccessKey(mrz: MRZTests.td3)))
        #expect(!key.description.contains("L898902C3"))
    }

    @Test(arguments: ["", "L898902C3", "L898902C3:740812", "L898902C3:741312:120415", "L898902C3:740812:12041",
                      "L8989 02C3:740812:120415", ":740812:120415", "L898902C3:740812:120415:1"])
    func badKeysAreRefused(text: String) {
        #expect(throws: MRZError.self) { try DocumentAccessKey(parsing: text) }
    }
}
