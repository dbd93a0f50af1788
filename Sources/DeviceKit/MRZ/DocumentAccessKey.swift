/// What opens an ICAO 9303 chip by Basic Access Control: the document number, the date of birth
/// and the date of expiry as printed in the MRZ. The citizen types it (`DOCNO:YYMMDD:YYMMDD` on the
/// keypad) or a code scanner reads the whole MRZ. Its description is masked: it is personal data.
public struct DocumentAccessKey: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Upper-case `0-9 A-Z`, without fillers.
    public let documentNumber: String
    /// YYMMDD.
    public let birthDate: String
    /// YYMMDD.
    public let expiryDate: String

    public init(documentNumber: String, birthDate: String, expiryDate: String) throws(MRZError) {
        let number = documentNumber.uppercased()
        guard !number.isEmpty, number.count <= 22,
              number.unicodeScalars.allSatisfy({ MRZCheckDigit.value(of: $0) != nil && $0 != "<" }) else {
            throw .badAccessKey("document number must be 1 to 22 letters or digits")
        }
        guard MRZDate(birthDate, unknownAllowed: true) != nil else { throw .badDate(field: .birthDate) }
        guard MRZDate(expiryDate) != nil else { throw .badDate(field: .expiryDate) }
        self.documentNumber = number
        self.birthDate = birthDate
        self.expiryDate = expiryDate
    }

    init(validatedNumber: String, birthDate: String, expiryDate: String) {
        documentNumber = validatedNumber
        self.birthDate = birthDate
        self.expiryDate = expiryDate
    }

    /// Parses `DOCNO:YYMMDD:YYMMDD` (document number, birth date, expiry date).
    public init(parsing text: String) throws(MRZError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .badAccessKey("expected DOCNO:YYMMDD:YYMMDD") }
        try self.init(documentNumber: String(parts[0]).trimmingFillers, birthDate: String(parts[1]),
                      expiryDate: String(parts[2]))
    }

    /// The key of a full MRZ (TD1, TD2 or TD3), every check digit verified.
    public init(mrz: String) throws(MRZError) {
        self = try MachineReadableZone.parse(mrz).accessKey
    }

    /// The MRZ information the BAC key seed is hashed from (Doc 9303 Part 11 §9.7.1): the document
    /// number padded to nine characters and its check digit, the birth date and its check digit,
    /// the expiry date and its check digit.
    public var mrzInformation: String {
        let number = documentNumber.count < 9
            ? documentNumber + String(repeating: "<", count: 9 - documentNumber.count) : documentNumber
        return number + digit(number) + birthDate + digit(birthDate) + expiryDate + digit(expiryDate)
    }

    private func digit(_ field: String) -> String {
        MRZCheckDigit.compute(field).map(String.init) ?? "<"
    }

    public var description: String { "DocumentAccessKey(\(Masking.documentNumber(documentNumber)))" }
}

extension String {
    fileprivate var trimmingFillers: String {
        String(self.reversed().drop { $0 == "<" || $0 == " " }.reversed().drop { $0 == " " })
    }
}
