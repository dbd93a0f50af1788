import Foundation

/// The PNG pHYs chunk (PNG specification §11.3.5.3): pixels per metre, which is how a PNG says its
/// resolution. Cairo writes none, so the encoder adds it after IHDR, and the PDF writer reads it.
enum PNGResolution {
    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let metresPerInch = 0.0254

    /// The PNG with a pHYs chunk for `dpi` inserted after its IHDR chunk.
    static func inserting(dpi: Int, into png: Data) -> Data {
        let bytes = [UInt8](png)
        // Signature, then IHDR: length (4), type (4), 13 bytes, CRC (4).
        let afterHeader = 8 + 4 + 4 + 13 + 4
        guard dpi > 0, bytes.count > afterHeader, Array(bytes[0..<8]) == signature,
              Array(bytes[12..<16]) == Array("IHDR".utf8) else { return png }
        let perMetre = UInt32((Double(dpi) / metresPerInch).rounded())
        var body = Array("pHYs".utf8)
        body += bigEndian(perMetre) + bigEndian(perMetre) + [1] // unit 1: the metre
        var chunk = bigEndian(9) + body
        chunk += bigEndian(CRC32.checksum(body))
        return Data(bytes[0..<afterHeader] + chunk + bytes[afterHeader...])
    }

    /// The resolution a PNG's pHYs chunk gives, in dots per inch, if it has one in metres.
    static func dpi(of png: Data) -> Int? {
        let bytes = [UInt8](png)
        guard bytes.count > 8, Array(bytes[0..<8]) == signature else { return nil }
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = Int(readBigEndian(bytes, at: offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let dataStart = offset + 8
            guard length >= 0, dataStart + length + 4 <= bytes.count else { return nil }
            if type == "pHYs", length == 9 {
                let perMetreX = readBigEndian(bytes, at: dataStart)
                guard bytes[dataStart + 8] == 1, perMetreX > 0 else { return nil }
                return Int((Double(perMetreX) * metresPerInch).rounded())
            }
            if type == "IDAT" || type == "IEND" { return nil } // pHYs must come before the image data
            offset = dataStart + length + 4
        }
        return nil
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    private static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// CRC-32 as PNG chunks use it (ISO 3309, polynomial 0xEDB88320, reflected).
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        ~bytes.reduce(~UInt32(0)) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
    }
}
