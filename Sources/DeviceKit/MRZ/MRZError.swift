/// Why a machine-readable zone or an access key was refused. Codes and details never repeat the
/// MRZ itself: it is personal data.
public enum MRZError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not 2×44 (TD3), 2×36 (TD2) or 3×30 (TD1) characters.
    case unknownFormat(length: Int)
    /// A character outside `0-9 A-Z <` at this position (line, column from 1).
    case badCharacter(line: Int, column: Int)
    /// A check digit that does not match its field.
    case checkDigit(field: Field)
    /// A date field that is not a calendar date.
    case badDate(field: Field)
    case badField(field: Field)
    /// An access key that is not `DOCNO:YYMMDD:YYMMDD`.
    case badAccessKey(String)

    public enum Field: String, Sendable {
        case documentCode = "document-code"
        case documentNumber = "document-number"
        case birthDate = "birth-date"
        case expiryDate = "expiry-date"
        case sex
        case optionalData = "optional-data"
        case composite
    }

    /// Stable kebab-case code, e.g. `check-digit-birth-date`.
    public var code: String {
        switch self {
        case .unknownFormat: "unknown-format"
        case .badCharacter: "bad-character"
        case .checkDigit(let field): "check-digit-\(field.rawValue)"
        case .badDate(let field): "bad-date-\(field.rawValue)"
        case .badField(let field): "bad-\(field.rawValue)"
        case .badAccessKey: "bad-access-key"
        }
    }

    public var description: String {
        switch self {
        case .unknownFormat(let length): "MRZ of \(length) characters is not TD1, TD2 or TD3"
        case .badCharacter(let line, let column): "MRZ line \(line) column \(column): character not allowed"
        case .checkDigit(let field): "MRZ check digit of \(field.rawValue) does not match"
        case .badDate(let field): "MRZ \(field.rawValue) is not a date"
        case .badField(let field): "MRZ \(field.rawValue) is malformed"
        case .badAccessKey(let reason): "access key: \(reason)"
        }
    }
}
