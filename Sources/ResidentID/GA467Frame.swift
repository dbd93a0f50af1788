/// One GA 467 frame on the serial line between a host and the reader's SAM (GA/T 467 "Technical
/// specifications for interfaces of secure access modules for Resident Identity Card authentication",
/// the terminal interface):
///
///     AA AA AA 96 69 | LEN1 LEN2 | body … | CHK
///
/// `LEN` is big-endian and counts the body and the checksum byte. The body is `CMD PARA DATA…` from the
/// host and `SW1 SW2 SW3 DATA…` from the SAM. `CHK` is the XOR of every byte after the preamble up to
/// the checksum (the length bytes included).
public struct GA467Frame: Sendable, Equatable {
    /// Three bytes to synchronise on, then two that mark the start of a frame.
    public static let preamble: [UInt8] = [0xAA, 0xAA, 0xAA, 0x96, 0x69]
    /// Preamble and the two length bytes.
    public static let headerCount = 7

    /// What lies between the length and the checksum.
    public var body: [UInt8]

    public init(body: [UInt8]) { self.body = body }

    /// The value of the length field: the body and the checksum.
    public var lengthField: Int { body.count + 1 }

    /// The frame as it goes on the line.
    public func encoded() -> [UInt8] {
        let length = lengthField
        var bytes = Self.preamble
        bytes.reserveCapacity(Self.headerCount + length)
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(contentsOf: body)
        bytes.append(Self.checksum(lengthHigh: bytes[5], lengthLow: bytes[6], body: body[...]))
        return bytes
    }

    /// XOR of the length bytes and the body.
    static func checksum(lengthHigh: UInt8, lengthLow: UInt8, body: ArraySlice<UInt8>) -> UInt8 {
        body.reduce(lengthHigh ^ lengthLow, ^)
    }
}
