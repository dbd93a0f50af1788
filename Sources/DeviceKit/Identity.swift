import Foundation

/// One identity document as read by any identity reader: a resident ID card, a residence permit, a
/// foreign permanent residence card or a passport. It lives only in a citizen's session (DESIGN.md
/// decision 7); its `description` is masked so it cannot leak into a log by accident.
public struct Identity: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case residentID = "resident-id"
        case hkmotwResidencePermit = "hkmotw-residence-permit"
        case foreignPermanentResidence = "foreign-permanent-residence"
        case passport
        case idCard = "id-card"
    }

    public enum Sex: String, Sendable, Codable { case female = "F", male = "M", unspecified = "X" }

    /// The end of a document's validity: a date (YYYY-MM-DD) or 长期, long-term.
    public enum Expiry: Sendable, Equatable, Codable {
        case date(String)
        case longTerm
    }

    public struct Photo: Sendable, Equatable, Codable {
        public enum Format: String, Sendable, Codable { case jpeg, jpeg2000, wlt }
        public var format: Format
        public var bytes: Data
        public init(format: Format, bytes: Data) { self.format = format; self.bytes = bytes }
    }

    public var kind: Kind
    public var number: String
    /// The name as printed in the document's own script (Chinese for a resident ID card).
    public var name: String
    /// The Latin-script name, if the document has one (passports, foreign residence cards).
    public var latinName: String?
    public var sex: Sex?
    /// ICAO 9303 three-letter nationality code, for passports and foreign residents.
    public var nationality: String?
    /// One of China's 56 nations, for resident ID cards.
    public var nation: String?
    /// YYYY-MM-DD.
    public var birthDate: String?
    public var validFrom: String?
    public var expiry: Expiry?
    public var address: String?
    public var issuer: String?
    public var photo: Photo?

    public init(kind: Kind, number: String, name: String, latinName: String? = nil, sex: Sex? = nil,
                nationality: String? = nil, nation: String? = nil, birthDate: String? = nil,
                validFrom: String? = nil, expiry: Expiry? = nil, address: String? = nil,
                issuer: String? = nil, photo: Photo? = nil) {
        self.kind = kind
        self.number = number
        self.name = name
        self.latinName = latinName
        self.sex = sex
        self.nationality = nationality
        self.nation = nation
        self.birthDate = birthDate
        self.validFrom = validFrom
        self.expiry = expiry
        self.address = address
        self.issuer = issuer
        self.photo = photo
    }

    public var maskedNumber: String { Masking.documentNumber(number) }
    public var maskedName: String { Masking.name(name.isEmpty ? latinName ?? "" : name) }

    public var description: String { "Identity(\(kind.rawValue), \(maskedNumber), \(maskedName))" }
}

/// How personal data is shown wherever others could see it: on the kiosk's screen, in a log, to an
/// operator before the citizen consents. See DOMAIN.md, "Identity documents".
public enum Masking {
    /// The text without C0/C1 control characters and DEL, so it cannot carry a terminal command.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
        }))
    }

    /// `460100199001011234` → `4601**********1234`: the area prefix and the last four stay.
    public static func documentNumber(_ number: String) -> String {
        let characters = Array(printable(number))
        guard characters.count > 8 else {
            guard characters.count > 2 else { return String(repeating: "*", count: characters.count) }
            return String(characters.prefix(1)) + String(repeating: "*", count: characters.count - 2)
                + String(characters.suffix(1))
        }
        return String(characters.prefix(4)) + String(repeating: "*", count: characters.count - 8)
            + String(characters.suffix(4))
    }

    /// `测试样` → `测*样`, `测试` → `测*`, `LI XIAOHONG` → `L* XIAOHONG`. Control characters are
    /// dropped first: a name read from a card is outside data and may end up in a log.
    public static func name(_ name: String) -> String {
        let name = printable(name)
        let words = name.split(separator: " ", omittingEmptySubsequences: true)
        if words.count > 1 {
            // Latin names: the family name shows its initial only; given names stay readable.
            let family = words[0]
            return ([String(family.prefix(1)) + "*"] + words.dropFirst().map(String.init)).joined(separator: " ")
        }
        let characters = Array(name)
        switch characters.count {
        case 0: return ""
        case 1: return "*"
        case 2: return String(characters[0]) + "*"
        default:
            return String(characters[0]) + String(repeating: "*", count: characters.count - 2)
                + String(characters[characters.count - 1])
        }
    }
}
