import DeviceKit

/// The SAM's own status byte, SW3, in every answer (GA/T 467; the vendors' SAM_V protocol notes use
/// the same table). Anything but ``success``, ``cardFound`` and, for some reads, ``noContent`` is a
/// failure with a ``DeviceError`` of its own.
public enum GA467Status: UInt8, Sendable, CaseIterable {
    /// 90: the operation succeeded.
    case success = 0x90
    /// 91: the card has nothing in this item (e.g. no appended address).
    case noContent = 0x91
    /// 9F: find card succeeded.
    case cardFound = 0x9F
    /// 10: the SAM received a frame from the host with a wrong checksum.
    case hostChecksumError = 0x10
    /// 11: the SAM received a frame from the host with a wrong length.
    case hostLengthError = 0x11
    /// 21: the command, or its values, are wrong.
    case commandError = 0x21
    /// 23: the operation is not allowed now (e.g. a read before a select).
    case notPermitted = 0x23
    /// 24: an error the SAM cannot name.
    case unknownError = 0x24
    /// 31: the card did not authenticate the reader.
    case cardAuthenticationFailed = 0x31
    /// 32: the reader did not authenticate the card.
    case samAuthenticationFailed = 0x32
    /// 33: the card's data did not verify.
    case verificationFailed = 0x33
    /// 37: the fingerprint data did not verify.
    case fingerprintVerificationFailed = 0x37
    /// 3F: the card's data has a wrong length.
    case dataLengthError = 0x3F
    /// 40: the card is not of a type the SAM reads.
    case wrongCard = 0x40
    /// 41: reading the card failed (often a card moved or lifted during the read).
    case readFailed = 0x41
    /// 47: getting a random number from the card failed.
    case randomNumberFailed = 0x47
    /// 60: the SAM's self-test failed; it accepts no command.
    case samSelfTestFailed = 0x60
    /// 66: the SAM is not authorised and cannot be used.
    case samNotAuthorized = 0x66
    /// 80: find card found nothing.
    case cardNotFound = 0x80
    /// 81: select card failed.
    case selectFailed = 0x81

    /// Whether the answer carries what was asked for.
    public var isSuccess: Bool { self == .success || self == .cardFound }

    /// The typed error for a status that is not a success. Codes are stable; details name the status
    /// byte and never any card data.
    public var error: DeviceError {
        let (code, action, meaning): (DeviceErrorCode, RecommendedAction, String) = switch self {
        case .success: (.ga467Success, .none, "success")
        case .noContent: (.ga467NoContent, .none, "the card has no content for this item")
        case .cardFound: (.ga467CardFound, .none, "card found")
        case .hostChecksumError: (.ga467HostChecksumRejected, .retry, "the SAM rejected a frame's checksum")
        case .hostLengthError: (.ga467HostLengthRejected, .retry, "the SAM rejected a frame's length")
        case .commandError: (.ga467CommandRejected, .reset, "the SAM rejected the command")
        case .notPermitted: (.ga467NotPermitted, .retry, "the SAM does not allow this operation now")
        case .unknownError: (.ga467UnknownError, .reset, "the SAM reported an unknown error")
        case .cardAuthenticationFailed: (.ga467CardAuthenticationFailed, .retry, "the card did not authenticate the reader")
        case .samAuthenticationFailed: (.ga467SAMAuthenticationFailed, .retry, "the reader did not authenticate the card")
        case .verificationFailed: (.ga467VerificationFailed, .retry, "the card's data did not verify")
        case .fingerprintVerificationFailed: (.ga467FingerprintVerificationFailed, .retry, "the fingerprint data did not verify")
        case .dataLengthError: (.ga467DataLengthError, .retry, "the card's data has a wrong length")
        case .wrongCard: (.ga467WrongCard, .retry, "the card is not one the reader can read")
        case .readFailed: (.ga467ReadFailed, .retry, "reading the card failed")
        case .randomNumberFailed: (.ga467RandomNumberFailed, .retry, "the card gave no random number")
        case .samSelfTestFailed: (.ga467SAMSelfTestFailed, .maintenance, "the SAM's self-test failed")
        case .samNotAuthorized: (.ga467SAMNotAuthorized, .maintenance, "the SAM is not authorised")
        case .cardNotFound: (.ga467CardNotFound, .retry, "no card in the field")
        case .selectFailed: (.ga467SelectFailed, .retry, "selecting the card failed")
        }
        return DeviceError(code: code, action: action, detail: "\(meaning) (SW3 \(hex(rawValue)))")
    }

    /// The error for a status byte outside the table.
    public static func unknownStatusError(_ byte: UInt8) -> DeviceError {
        DeviceError(code: .ga467UnknownStatus, action: .reset, detail: "the SAM answered with unknown status SW3 \(hex(byte))")
    }
}

/// One answer from the SAM: the status word and the data.
public struct GA467Response: Sendable, Equatable {
    public var sw1: UInt8
    public var sw2: UInt8
    public var sw3: UInt8
    public var data: [UInt8]

    public init(sw1: UInt8 = 0, sw2: UInt8 = 0, sw3: UInt8, data: [UInt8] = []) {
        self.sw1 = sw1
        self.sw2 = sw2
        self.sw3 = sw3
        self.data = data
    }

    public init(frame: GA467Frame) throws(DeviceError) {
        guard frame.body.count >= 3 else {
            throw DeviceError(code: .ga467AnswerTooShort, action: .retry,
                              detail: "an answer of \(frame.body.count) bytes has no status word")
        }
        self.init(sw1: frame.body[0], sw2: frame.body[1], sw3: frame.body[2], data: Array(frame.body.dropFirst(3)))
    }

    public var status: GA467Status? { GA467Status(rawValue: sw3) }

    /// The frame as the SAM sends it.
    public var frame: GA467Frame { GA467Frame(body: [sw1, sw2, sw3] + data) }

    /// The data when the status is a success, else the status's typed error.
    public func successData() throws(DeviceError) -> [UInt8] {
        guard let status else { throw GA467Status.unknownStatusError(sw3) }
        guard status.isSuccess else { throw status.error }
        return data
    }
}
