/// A command APDU (ISO/IEC 7816-3 §12.1): header, optional data, optional expected length. Short
/// form when it fits (data ≤ 255 bytes, Le ≤ 256), extended form otherwise.
public struct CommandAPDU: Sendable, Equatable, CustomStringConvertible {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    /// Expected response length, 1...65536; `nil` for none. 256 is sent as `00` in short form.
    public var le: Int?

    public init(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: Int? = nil) {
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.le = le
    }

    public var header: [UInt8] { [cla, ins, p1, p2] }

    public var isExtended: Bool { data.count > 255 || (le ?? 0) > 256 }

    /// The bytes on the wire.
    public var bytes: [UInt8] {
        var bytes = header
        if isExtended {
            if !data.isEmpty {
                bytes += [0x00, UInt8(data.count >> 8), UInt8(data.count & 0xFF)] + data
            }
            if let le {
                let value = le == 65536 ? 0 : le
                if data.isEmpty { bytes.append(0x00) }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
        } else {
            if !data.isEmpty { bytes += [UInt8(data.count)] + data }
            if let le { bytes.append(le == 256 ? 0x00 : UInt8(le)) }
        }
        return bytes
    }

    /// Parses a command as a card sees it (the emulator's side), checking every length.
    public init(bytes: [UInt8]) throws(APDUError) {
        guard bytes.count >= 4 else { throw .tooShort(bytes.count) }
        cla = bytes[0]; ins = bytes[1]; p1 = bytes[2]; p2 = bytes[3]
        let body = Array(bytes[4...])
        data = []
        le = nil
        switch body.count {
        case 0:
            return
        case 1:
            le = body[0] == 0 ? 256 : Int(body[0])
            return
        default:
            break
        }
        if body[0] != 0 {
            let lc = Int(body[0])
            switch body.count {
            case 1 + lc: data = Array(body[1...])
            case 2 + lc:
                data = Array(body[1..<(1 + lc)])
                le = body[1 + lc] == 0 ? 256 : Int(body[1 + lc])
            default: throw .badLength
            }
            return
        }
        // Extended forms: 00 then two length bytes.
        guard body.count >= 3 else { throw .badLength }
        let first = Int(body[1]) << 8 | Int(body[2])
        if body.count == 3 {
            le = first == 0 ? 65536 : first
            return
        }
        guard first > 0 else { throw .badLength }
        switch body.count {
        case 3 + first: data = Array(body[3...])
        case 5 + first:
            data = Array(body[3..<(3 + first)])
            let value = Int(body[3 + first]) << 8 | Int(body[4 + first])
            le = value == 0 ? 65536 : value
        default: throw .badLength
        }
    }

    public var description: String {
        "APDU(\(Hex.string(header)), Lc=\(data.count), Le=\(le.map(String.init) ?? "-"))"
    }
}

/// A response APDU: data and the two status bytes.
public struct ResponseAPDU: Sendable, Equatable, CustomStringConvertible {
    public var data: [UInt8]
    public var sw1: UInt8
    public var sw2: UInt8

    public init(data: [UInt8] = [], sw1: UInt8, sw2: UInt8) {
        self.data = data
        self.sw1 = sw1
        self.sw2 = sw2
    }

    public init(data: [UInt8] = [], status: StatusWord) {
        self.init(data: data, sw1: UInt8(status.rawValue >> 8), sw2: UInt8(status.rawValue & 0xFF))
    }

    /// Parses a response as received; it needs at least the two status bytes.
    public init(bytes: [UInt8]) throws(APDUError) {
        guard bytes.count >= 2 else { throw .tooShort(bytes.count) }
        data = Array(bytes.dropLast(2))
        sw1 = bytes[bytes.count - 2]
        sw2 = bytes[bytes.count - 1]
    }

    public var status: StatusWord { StatusWord(rawValue: UInt16(sw1) << 8 | UInt16(sw2)) }
    public var bytes: [UInt8] { data + [sw1, sw2] }
    public var description: String { "Response(\(data.count) bytes, SW=\(status))" }
}

/// SW1-SW2 (ISO/IEC 7816-4 §5.1.3).
public struct StatusWord: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let success = StatusWord(rawValue: 0x9000)
    public static let wrongLength = StatusWord(rawValue: 0x6700)
    public static let securityStatusNotSatisfied = StatusWord(rawValue: 0x6982)
    public static let authenticationFailed = StatusWord(rawValue: 0x6300)
    public static let smDataObjectsMissing = StatusWord(rawValue: 0x6987)
    public static let smDataObjectsIncorrect = StatusWord(rawValue: 0x6988)
    public static let conditionsNotSatisfied = StatusWord(rawValue: 0x6985)
    public static let fileNotFound = StatusWord(rawValue: 0x6A82)
    public static let incorrectP1P2 = StatusWord(rawValue: 0x6B00)
    public static let insNotSupported = StatusWord(rawValue: 0x6D00)
    public static let claNotSupported = StatusWord(rawValue: 0x6E00)

    public var sw1: UInt8 { UInt8(rawValue >> 8) }
    public var sw2: UInt8 { UInt8(rawValue & 0xFF) }
    public var isSuccess: Bool { rawValue == 0x9000 }

    public var description: String { String(rawValue, radix: 16, uppercase: true).leftPadded(to: 4) }
}

/// Why bytes are not a valid APDU.
public enum APDUError: Error, Sendable, Equatable {
    case tooShort(Int)
    case badLength
}

/// Hexadecimal text, for tests, logs of non-personal bytes and fixtures.
public enum Hex {
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
    }

    /// Bytes from hex digits; spaces are ignored. `nil` for an odd count or a non-hex character.
    public static func bytes(_ text: String) -> [UInt8]? {
        let digits = text.filter { !$0.isWhitespace }
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
