import CPCSCLite

/// pcsclite's return codes this module acts on. The header defines them as casts (`((LONG)0x…)`),
/// which Swift does not import.
enum PCSCReturnCode {
    static let success: LONG = 0
    static let cancelled: LONG = 0x8010_0002
    static let invalidHandle: LONG = 0x8010_0003
    static let unknownReader: LONG = 0x8010_0009
    static let timeout: LONG = 0x8010_000A
    static let sharingViolation: LONG = 0x8010_000B
    static let noSmartcard: LONG = 0x8010_000C
    static let notTransacted: LONG = 0x8010_0016
    static let readerUnavailable: LONG = 0x8010_0017
    static let noService: LONG = 0x8010_001D
    static let serviceStopped: LONG = 0x8010_001E
    static let noReadersAvailable: LONG = 0x8010_002E
    static let unresponsiveCard: LONG = 0x8010_0066
    static let unpoweredCard: LONG = 0x8010_0067
    static let resetCard: LONG = 0x8010_0068
    static let removedCard: LONG = 0x8010_0069

    /// The error for a failed call; `nil` for success.
    static func error(_ code: LONG, _ function: String) -> CardError? {
        switch code {
        case success: nil
        case cancelled: .cancelled
        case invalidHandle, noService, serviceStopped: .serviceUnavailable
        case timeout: .timeout
        case noSmartcard, removedCard, unpoweredCard, unresponsiveCard: .cardRemoved
        case resetCard: .cardReset
        case unknownReader, readerUnavailable, sharingViolation, noReadersAvailable: .readerUnavailable
        default: .pcsc(code: UInt32(truncatingIfNeeded: code), function: function)
        }
    }
}
