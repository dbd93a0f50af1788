import DeviceKit
import Foundation

/// What was read from an eMRTD chip, and which checks passed.
public struct PassportDocument: Sendable, Equatable {
    public var com: EFCOM
    public var dg1: DataGroup1
    public var dg2: DataGroup2?
    public var securityObject: SecurityObject?
    /// The checks that passed, named as `kioskd probe identity --json` reports them:
    /// `bac`, `secure-messaging`, `mrz-check-digits`, `dg1-hash`, `dg2-hash`.
    public var checks: [String]

    /// The document as DeviceKit's identity: passports (`P…`) as `passport`, TD1/TD2 identity
    /// cards and other official documents as `id-card`.
    public func identity(reference: Date = Date()) -> Identity {
        let mrz = dg1.mrz
        let sex: Identity.Sex? = switch mrz.sex {
        case "F": .female
        case "M": .male
        default: .unspecified
        }
        let photo = dg2.map { Identity.Photo(format: $0.format, bytes: Data($0.image)) }
        return Identity(
            kind: mrz.documentCode.hasPrefix("P") ? .passport : .idCard,
            number: mrz.documentNumber,
            name: mrz.latinName,
            latinName: mrz.latinName,
            sex: sex,
            nationality: mrz.nationality,
            birthDate: mrz.birthDate.isoDate(fullYear: mrz.birthDate.birthYear(reference: reference)),
            expiry: mrz.expiryDate.isoDate(fullYear: mrz.expiryDate.expiryYear(reference: reference)).map { .date($0) },
            issuer: mrz.issuingState,
            photo: photo)
    }
}
