/// The host's commands to a GA 467 SAM: `CMD PARA` and, for some, data.
public enum GA467Command: Sendable, Equatable, CaseIterable {
    /// 10 FF: reset the SAM.
    case reset
    /// 11 FF: SAM status check (self-test result).
    case samStatus
    /// 12 FF: read the SAM's management number (its id).
    case samID
    /// 20 01: look for a card in the field (answers 9F when found, 80 when not).
    case findCard
    /// 20 02: select the card found (answers 90 with the card's serial number, 81 on failure).
    case selectCard
    /// 30 01: read the text block and the photo.
    case read
    /// 30 10: read the text block, the photo and the fingerprint data.
    case readWithFingerprint
    /// 30 03: read the newest appended address (answers 91 when there is none).
    case readAppendedAddress

    public var code: (command: UInt8, parameter: UInt8) {
        switch self {
        case .reset: (0x10, 0xFF)
        case .samStatus: (0x11, 0xFF)
        case .samID: (0x12, 0xFF)
        case .findCard: (0x20, 0x01)
        case .selectCard: (0x20, 0x02)
        case .read: (0x30, 0x01)
        case .readWithFingerprint: (0x30, 0x10)
        case .readAppendedAddress: (0x30, 0x03)
        }
    }

    /// The command for a `CMD PARA` pair, if it is one of these.
    public init?(command: UInt8, parameter: UInt8) {
        guard let match = Self.allCases.first(where: { $0.code == (command, parameter) }) else { return nil }
        self = match
    }

    /// The frame to send.
    public var frame: GA467Frame { GA467Frame(body: [code.command, code.parameter]) }

    /// The bytes to send.
    public func encoded() -> [UInt8] { frame.encoded() }

    /// How many bytes the answer has at most, for the read deadline: a read is 1295 bytes on the line.
    public var expectedAnswerBytes: Int {
        switch self {
        case .reset, .samStatus: 11
        case .samID: 27
        case .findCard: 15
        case .selectCard: 19
        case .read: 1295
        case .readWithFingerprint: 2319
        case .readAppendedAddress: 81
        }
    }
}
