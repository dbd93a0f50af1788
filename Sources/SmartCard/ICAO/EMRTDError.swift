import DeviceKit

/// Why reading an eMRTD failed. `accessDenied` is the citizen's own mistake (the details typed or
/// scanned do not match the document); the rest are the card, the reader or the chip.
public enum EMRTDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// MUTUAL AUTHENTICATE refused: the access key does not match the document.
    case accessDenied
    /// The chip's answer to MUTUAL AUTHENTICATE does not prove it knows the keys.
    case chipAuthenticationFailed
    /// A protected response failed its checks (MAC, missing or malformed objects).
    case secureMessaging(String)
    /// The chip answered a command with an error status.
    case status(StatusWord, command: String)
    case fileNotFound(String)
    /// A file read from the chip is not what ICAO 9303 describes.
    case malformed(file: String, reason: String)
    case fileTooLarge(file: String, size: Int)
    /// A data group's hash differs from the one in EF.SOD.
    case hashMismatch(dataGroup: Int)
    case mrz(MRZError)
    case crypto(CryptoError)
    case protocolViolation(String)
    case transport(CardError)

    public var description: String {
        switch self {
        case .accessDenied: "access key refused by the chip"
        case .chipAuthenticationFailed: "chip failed mutual authentication"
        case .secureMessaging(let reason): "secure messaging: \(reason)"
        case .status(let status, let command): "\(command) answered \(status)"
        case .fileNotFound(let file): "\(file) not found"
        case .malformed(let file, let reason): "\(file) malformed: \(reason)"
        case .fileTooLarge(let file, let size): "\(file) too large (\(size) bytes)"
        case .hashMismatch(let group): "DG\(group) hash differs from EF.SOD"
        case .mrz(let error): "MRZ: \(error.code)"
        case .crypto(let error): "crypto: \(error)"
        case .protocolViolation(let reason): "protocol: \(reason)"
        case .transport(let error): "transport: \(error)"
        }
    }
}

extension EMRTDError {
    /// What an error thrown inside a step that mixes this module's checks with the DES and MAC
    /// primitives becomes: kept when it is already one, `crypto` from the primitives, a protocol
    /// violation otherwise.
    init(_ error: any Error) {
        switch error {
        case let error as EMRTDError: self = error
        case let error as CryptoError: self = .crypto(error)
        default: self = .protocolViolation("unexpected \(error)")
        }
    }
}
