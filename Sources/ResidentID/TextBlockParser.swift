import DeviceKit
import Foundation

/// A card as read from a GA 467 SAM: the identity, the checks made on it, and what the model has no
/// place for.
public struct ResidentIDCard: Sendable, Equatable {
    public var identity: Identity
    /// Check name → whether it passed, e.g. `gb11643-check-character`.
    public var checks: [String: Bool]
    /// The travel permit number on a `J` permit.
    public var travelPermitNumber: String?
    /// The fingerprint data, when read with 30 10.
    public var fingerprint: [UInt8]?

    /// Whether every check passed.
    public var allChecksPassed: Bool { checks.values.allSatisfy { $0 } }
}

/// Reads the 256-byte text block and the 1024-byte WLT photo of a card into an ``Identity``.
/// Malformed fields give a typed error naming the field, never its content.
public enum TextBlockParser {
    public static let checkCharacterCheck = "gb11643-check-character"

    public static func parse(text: [UInt8], photo: [UInt8]?) throws(DeviceError) -> ResidentIDCard {
        guard text.count == TextBlockLayout.size else {
            throw invalid("text block", "has \(text.count) bytes, expected \(TextBlockLayout.size)")
        }
        let flag = field(text, TextBlockLayout.typeFlag)
        let photo = photo.flatMap { $0.isEmpty ? nil : Identity.Photo(format: .wlt, bytes: Data($0)) }
        switch flag {
        case "": return try residentID(text, photo: photo)
        case "J": return try residencePermit(text, photo: photo)
        case "I": return try foreign2017(text, photo: photo)
        case "Y": return try foreign2023(text, photo: photo)
        default:
            throw DeviceError(code: .ga467CardTypeUnknown, action: .retry,
                              detail: "the card-type flag at offset 248 is not one this driver reads")
        }
    }

    // MARK: Card types

    private static func residentID(_ text: [UInt8], photo: Identity.Photo?) throws(DeviceError) -> ResidentIDCard {
        let nationCode = field(text, TextBlockLayout.ResidentID.nation)
        guard let nation = Nations.name(forCode: nationCode) else { throw invalid("nation", "is not a GB/T 3304 code") }
        return try residentLayoutCard(text, kind: .residentID, nation: nation, photo: photo)
    }

    /// The permit follows the resident ID card's layout, without a nation and with the travel
    /// permit's number after the card's fields.
    private static func residencePermit(_ text: [UInt8], photo: Identity.Photo?) throws(DeviceError) -> ResidentIDCard {
        var card = try residentLayoutCard(text, kind: .hkmotwResidencePermit, nation: nil, photo: photo)
        let travel = field(text, TextBlockLayout.ResidencePermit.travelPermitNumber)
        card.travelPermitNumber = travel.isEmpty ? nil : travel
        return card
    }

    /// A card in the resident ID card's layout: its number carries a GB 11643 check character.
    private static func residentLayoutCard(_ text: [UInt8], kind: Identity.Kind, nation: String?,
                                           photo: Identity.Photo?) throws(DeviceError) -> ResidentIDCard {
        typealias L = TextBlockLayout.ResidentID
        let number = field(text, L.number)
        let identity = Identity(
            kind: kind, number: number, name: try required(text, L.name, "name"),
            sex: try sex(text, L.sex), nation: nation, birthDate: try date(text, L.birthDate, "birth date"),
            validFrom: try date(text, L.validFrom, "valid-from date"), expiry: try expiry(text, L.validTo),
            address: field(text, L.address), issuer: field(text, L.issuer), photo: photo)
        return ResidentIDCard(identity: identity, checks: [checkCharacterCheck: ResidentIDNumber.isValid(number)])
    }

    private static func foreign2017(_ text: [UInt8], photo: Identity.Photo?) throws(DeviceError) -> ResidentIDCard {
        typealias L = TextBlockLayout.ForeignPermanent2017
        let number = field(text, L.number)
        // The 2017 number is three letters and twelve digits, with no check character.
        guard number.count == 15 else { throw invalid("document number", "is not 15 characters") }
        let identity = Identity(
            kind: .foreignPermanentResidence, number: number, name: field(text, L.name),
            latinName: try required(text, L.latinName, "Latin name"), sex: try sex(text, L.sex),
            nationality: try nationality(text, L.nationality), birthDate: try date(text, L.birthDate, "birth date"),
            validFrom: try date(text, L.validFrom, "valid-from date"), expiry: try expiry(text, L.validTo),
            issuer: optional(field(text, L.issuer)), photo: photo)
        return ResidentIDCard(identity: identity, checks: [:])
    }

    private static func foreign2023(_ text: [UInt8], photo: Identity.Photo?) throws(DeviceError) -> ResidentIDCard {
        // The 2023 card follows the resident ID card's layout, with its Latin name where the address
        // is and its own fields after the card's.
        typealias L = TextBlockLayout.ResidentID
        typealias Y = TextBlockLayout.ForeignPermanent2023
        let number = field(text, L.number)
        let latin = (field(text, Y.latinName) + field(text, Y.latinNameContinued))
        guard !latin.isEmpty else { throw invalid("Latin name", "is empty") }
        let identity = Identity(
            kind: .foreignPermanentResidence, number: number, name: field(text, L.name), latinName: latin,
            sex: try sex(text, L.sex), nationality: try nationality(text, Y.nationality),
            birthDate: try date(text, L.birthDate, "birth date"),
            validFrom: try date(text, L.validFrom, "valid-from date"), expiry: try expiry(text, L.validTo), photo: photo)
        return ResidentIDCard(identity: identity, checks: [checkCharacterCheck: ResidentIDNumber.isValid(number)])
    }

    // MARK: Fields

    /// The UCS-2LE text of a field, without the padding (spaces and NULs) and without control
    /// characters, which are outside data that could reach a screen or a log.
    static func field(_ text: [UInt8], _ range: Range<Int>) -> String {
        var scalars = String.UnicodeScalarView()
        var index = range.lowerBound
        while index + 1 < range.upperBound {
            let unit = UInt32(text[index]) | UInt32(text[index + 1]) << 8
            index += 2
            guard let scalar = Unicode.Scalar(unit) else {
                scalars.append("\u{FFFD}")  // a lone surrogate: UCS-2 has none
                continue
            }
            if unit < 0x20 || (0x7F...0x9F).contains(unit) { scalars.append(" "); continue }
            scalars.append(scalar)
        }
        return String(scalars).trimmingCharacters(in: .whitespaces)
    }

    private static func optional(_ value: String) -> String? { value.isEmpty ? nil : value }

    private static func required(_ text: [UInt8], _ range: Range<Int>, _ name: String) throws(DeviceError) -> String {
        let value = field(text, range)
        guard !value.isEmpty else { throw invalid(name, "is empty") }
        return value
    }

    /// GB/T 2261.1: 1 male, 2 female, 0 unknown, 9 not stated.
    private static func sex(_ text: [UInt8], _ range: Range<Int>) throws(DeviceError) -> Identity.Sex {
        switch field(text, range) {
        case "1": return .male
        case "2": return .female
        case "0", "9": return .unspecified
        default: throw invalid("sex", "is not a GB/T 2261.1 code")
        }
    }

    private static func nationality(_ text: [UInt8], _ range: Range<Int>) throws(DeviceError) -> String {
        let value = field(text, range)
        guard value.count == 3, value.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            throw invalid("nationality", "is not a three-character country code")
        }
        return value
    }

    /// `YYYYMMDD` → `YYYY-MM-DD`, checked as a calendar date.
    static func date(_ text: [UInt8], _ range: Range<Int>, _ name: String) throws(DeviceError) -> String {
        guard let value = isoDate(field(text, range)) else { throw invalid(name, "is not a YYYYMMDD date") }
        return value
    }

    static func isoDate(_ value: String) -> String? {
        let digits = Array(value)
        guard digits.count == 8, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let year = Int(String(digits[0..<4])), let month = Int(String(digits[4..<6])),
              let day = Int(String(digits[6..<8])), (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return nil }
        return "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))"
    }

    /// A date, or 长期 for long-term.
    private static func expiry(_ text: [UInt8], _ range: Range<Int>) throws(DeviceError) -> Identity.Expiry {
        let value = field(text, range)
        if value == "长期" { return .longTerm }
        guard let date = isoDate(value) else { throw invalid("valid-to date", "is neither YYYYMMDD nor 长期") }
        return .date(date)
    }

    private static func invalid(_ field: String, _ problem: String) -> DeviceError {
        DeviceError(code: .ga467TextBlockInvalid, action: .retry, detail: "the card's \(field) \(problem)")
    }
}
