/// One document as `kioskd probe identity --json` prints it (issue 3): the keys installers and
/// scripts read, the same for every reader family. Personal fields are masked unless the report is
/// made with `showPersonalData` (`--show-personal-data`).
public struct IdentityReport: Sendable, Equatable, Codable {
    public struct Photo: Sendable, Equatable, Codable {
        /// `jpeg`, `jpeg2000` or `wlt`.
        public var format: String
        /// The image's size in bytes; `--photo-out` writes the image itself.
        public var bytes: Int
    }

    /// `resident-id`, `hkmotw-residence-permit`, `foreign-permanent-residence`, `passport`, `id-card`.
    public var documentKind: String
    public var documentNumber: String
    public var name: String
    public var latinName: String?
    /// `F`, `M` or `X`.
    public var sex: String?
    /// ICAO 9303 three-letter code.
    public var nationality: String?
    public var nation: String?
    /// YYYY-MM-DD.
    public var birthDate: String?
    /// YYYY-MM-DD or `long-term`.
    public var expiryDate: String?
    public var validFrom: String?
    public var address: String?
    public var issuer: String?
    public var photo: Photo?
    /// The checks that passed, as the driver names them (e.g. `bac`, `mrz-check-digits`, `dg1-hash`).
    public var checks: [String]

    public init(_ identity: Identity, checks: [String], showPersonalData: Bool) {
        let show = showPersonalData
        documentKind = identity.kind.rawValue
        documentNumber = show ? identity.number : identity.maskedNumber
        name = show ? identity.name : Masking.name(identity.name)
        latinName = identity.latinName.map { show ? $0 : Masking.name($0) }
        sex = identity.sex?.rawValue
        nationality = identity.nationality
        nation = identity.nation
        birthDate = identity.birthDate.map { show ? $0 : Self.yearOnly($0) }
        switch identity.expiry {
        case .date(let date): expiryDate = date
        case .longTerm: expiryDate = "long-term"
        case nil: expiryDate = nil
        }
        validFrom = identity.validFrom
        address = identity.address.map { show ? $0 : Self.maskedAddress($0) }
        issuer = identity.issuer
        photo = identity.photo.map { Photo(format: $0.format.rawValue, bytes: $0.bytes.count) }
        self.checks = checks
    }

    /// Every key is written, an unknown field as `null`, so a script finds the same keys for every
    /// document.
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

    /// `1974-08-12` → `1974-**-**`: the year tells an installer the century came out right.
    static func yearOnly(_ date: String) -> String {
        String(date.prefix(4)) + String(date.dropFirst(4).map { $0 == "-" ? "-" : "*" })
    }

    /// The first six characters (province and city), the rest starred.
    static func maskedAddress(_ address: String) -> String {
        let characters = Array(Masking.printable(address))
        return String(characters.prefix(6)) + String(repeating: "*", count: max(0, characters.count - 6))
    }
}
