import DeviceKit
import Foundation
import Printing
import PrintingTestBed
import Testing

@Suite("ESC/POS encoding")
struct ESCPOSTests {
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test("commands have their documented bytes")
    func commands() throws {
        var encoder = ESCPOSEncoder()
        encoder.initialize()
        encoder.align(.centre)
        encoder.emphasis(true)
        encoder.size(width: 2, height: 2)
        encoder.feed(lines: 2)
        encoder.cut()
        #expect(encoder.bytes == [0x1B, 0x40, 0x1C, 0x26, 0x1B, 0x61, 1, 0x1B, 0x45, 1, 0x1D, 0x21, 0x11, 0x1B, 0x64, 2, 0x1D, 0x56, 0x42, 3])
    }

    @Test("text is GB 18030: two bytes for common Hanzi, four for the rest")
    func gb18030() throws {
        var encoder = ESCPOSEncoder()
        try encoder.line("证照A")
        #expect(encoder.bytes == [0xD6, 0xA4, 0xD5, 0xD5, 0x41, 0x0A])
        var rare = ESCPOSEncoder()
        try rare.text("\u{20000}€")
        #expect(rare.bytes == [0x95, 0x32, 0x82, 0x36, 0xA2, 0xE3])
    }

    @Test("control characters in outside text cannot become commands")
    func controlCharactersDropped() throws {
        var encoder = ESCPOSEncoder()
        try encoder.text("A\u{1B}@\u{1D}V\u{0}B\u{9B}C")
        #expect(encoder.bytes == Array("A@VBC".utf8))
    }

    @Test("a native QR code is stored and printed with GS ( k")
    func qr() throws {
        var encoder = ESCPOSEncoder()
        let url = "https://zwfw.hainan.gov.cn/q/R1"
        try encoder.qrCode(url, moduleSize: 5, errorCorrection: .medium)
        let store = [0x1D, 0x28, 0x6B, UInt8(url.utf8.count + 3), 0x00, 0x31, 0x50, 0x30] + Array(url.utf8)
        #expect(encoder.bytes.starts(with: [0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,
                                            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x05,
                                            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31]))
        #expect(Self.contains(encoder.bytes, store))
        #expect(encoder.bytes.suffix(8) == [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30])
        var long = ESCPOSEncoder()
        let big = String(repeating: "x", count: 300)
        try long.qrCode(big)
        #expect(Self.contains(long.bytes, [0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30]), "pL pH little-endian for 303 bytes")
        #expect(throws: DeviceError.self) { var e = ESCPOSEncoder(); try e.qrCode("") }
        #expect(throws: DeviceError.self) { var e = ESCPOSEncoder(); try e.qrCode(String(repeating: "x", count: 8000)) }
    }

    @Test("a receipt starts with reset and Chinese mode, carries its lines and QR, and ends with a cut")
    func receipt() throws {
        let content = ReceiptRenderingTests.receipt()
        let bytes = try ESCPOSReceipt.encode(content)
        #expect(bytes.starts(with: [0x1B, 0x40, 0x1C, 0x26]))
        #expect(bytes.suffix(4) == [0x1D, 0x56, 0x42, 0x03])
        #expect(Self.contains(bytes, [0xD6, 0xA4, 0xD5, 0xD5]), "证照 in GB 18030")
        #expect(Self.contains(bytes, Array("HN-2026-000042".utf8)))
        #expect(Self.contains(bytes, Array(ReceiptRenderingTests.url.utf8)))
        // Every printed line fits 48 columns (Hanzi count two).
        let lines = ESCPOSReceiptLines.decode(bytes)
        #expect(lines.contains("Please keep it safe; for questions ask at the"))
    }
}

/// Reads back the text lines of an ESC/POS receipt (GB 18030 via iconv is one-way in the encoder,
/// so this decodes only the ASCII lines, which is enough to check the wrapping).
enum ESCPOSReceiptLines {
    static func decode(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0x0A).map { line in String(decoding: line.filter { $0 >= 0x20 && $0 < 0x7F }, as: UTF8.self) }
    }
}
