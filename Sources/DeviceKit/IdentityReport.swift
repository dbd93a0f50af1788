import Foundation

/// What `kioskd probe identity --json` prints for one document read (issue 3): the identity's fields
/// under stable keys, the photo's format and size (never its bytes), and which checks passed.
///
/// Personal data is masked unless the installer asked for it (`--show-personal-data`): the number and
/// names as on the kiosk's screen (``Masking``), the birth date down to its year, the address down to
/// its first three characters.
public struct IdentityReport: Sendable, Equatable, Encodable {
    public struct Photo: Sendable, Equatable, Encodable {
        public var format: String
        /// The photo's size in bytes.
        public var bytes: Int
    }

    public var documentKind: String
    public var documentNumber: String
    public var name: String
    public var latinName: String?
    /// `F`, `M` or `X`.
    public var sex: String?
    /// ICAO 9303 three-letter code.
    public var nationality: String?
    public var nation: String?
    /// YYYY-MM-DD, or YYYY-**-** when masked.
    public var birthDate: String?
    /// YYYY-MM-DD or `long-term`.
    public var expiryDate: String?
    public var validFrom: String?
    public var address: String?
    public var issuer: String?
    public var photo: Photo?
    /// Check name → passed, e.g. `gb11643-check-character`, `dg1-hash`.
    public var checks: [String: Bool]

    public init(_ identity: Identity, checks: [String: Bool] = [:], showPersonalData: Bool = false) {
        let show = showPersonalData
        documentKind = identity.kind.rawValue
        documentNumber = show ? identity.number : identity.maskedNumber
        name = show ? identity.name : Masking.name(identity.name)
        latinName = identity.latinName.map { show ? $0 : Masking.name($0) }
        sex = identity.sex?.rawValue
        nationality = identity.nationality
        nation = identity.nation
        birthDate = identity.birthDate.map { show ? $0 : Self.maskedDate($0) }
        expiryDate = identity.expiry.map {
            switch $0 {
            case .date(let date): date
            case .longTerm: "long-term"
            }
        }
        validFrom = identity.validFrom
        address = identity.address.map { show ? $0 : Self.maskedAddress($0) }
        issuer = identity.issuer
        photo = identity.photo.map { Photo(format: $0.format.rawValue, bytes: $0.bytes.count) }
        self.checks = checks
    }

    /// `1990-01-01` → `1990-**-**`.
    static func maskedDate(_ date: String) -> String {
        let year = date.prefix(4)
        return year.count == 4 && year.allSatisfy(\.isNumber) ? "\(year)-**-**" : String(repeating: "*", count: date.count)
    }

    /// The first three characters (a province, usually) and stars for the rest.
    static func maskedAddress(_ address: String) -> String {
        let characters = Array(Masking.printable(address))
        guard characters.count > 3 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 3)
    }

    private enum CodingKeys: String, CodingKey {
        case documentKind, documentNumber, name, latinName, sex, nationality, nation, birthDate, expiryDate,
             validFrom, address, issuer, photo, checks
    }

    /// Every key is written, `null` where the document has no such field, so the shape is the same
    /// for every document.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(documentKind, forKey: .documentKind)
        try container.encode(documentNumber, forKey: .documentNumber)
        try container.encode(name, forKey: .name)
        try container.encode(latinName, forKey: .latinName)
        try container.encode(sex, forKey: .sex)
        try container.encode(nationality, forKey: .nationality)
        try container.encode(nation, forKey: .nation)
        try container.encode(birthDate, forKey: .birthDate)
        try container.encode(expiryDate, forKey: .expiryDate)
        try container.encode(validFrom, forKey: .validFrom)
        try container.encode(address, forKey: .address)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(photo, forKey: .photo)
        try container.encode(checks, forKey: .checks)
    }

    /// The report as one JSON object with sorted keys.
    public func json(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, numbers and booleans cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
