import Testing
@testable import CodeScanners

/// A HID POS scanned-data report.
func posReport(_ data: some Collection<UInt8>, symbology: String = "]Q1", continued: Bool = false, length: Int? = nil) -> [UInt8] {
    var report = [UInt8](repeating: 0, count: 64)
    report[0] = 0x02
    report[1] = UInt8(length ?? data.count)
    for (index, byte) in symbology.utf8.prefix(3).enumerated() { report[2 + index] = byte }
    for (index, byte) in data.prefix(56).enumerated() { report[5 + index] = byte }
    report[63] = continued ? 0x01 : 0
    return report
}

@Suite struct HIDPOSDecoderTests {
    @Test func singleReportCode() throws {
        var decoder = HIDPOSDecoder()
        let code = try decoder.feed(posReport(Array("HN-2025-000123".utf8)))
        #expect(code == HIDPOSDecoder.Code(symbology: Array("]Q1".utf8), data: Array("HN-2025-000123".utf8)))
        #expect(!decoder.hasPartialCode)
    }

    @Test func codeOverSeveralReportsWithTheContinuedFlag() throws {
        var decoder = HIDPOSDecoder()
        let data = (0..<130).map { UInt8(0x30 + $0 % 10) }
        #expect(try decoder.feed(posReport(data[0..<56], continued: true)) == nil)
        #expect(decoder.hasPartialCode)
        #expect(try decoder.feed(posReport(data[56..<112], continued: true)) == nil)
        let code = try decoder.feed(posReport(data[112...]))
        #expect(code?.data == data)
    }

    @Test func noSymbologyIsEmpty() throws {
        var decoder = HIDPOSDecoder()
        #expect(try decoder.feed(posReport(Array("42".utf8), symbology: ""))?.symbology == [])
    }

    @Test func otherReportIDsAreRefusedWithoutLosingTheCode() throws {
        var decoder = HIDPOSDecoder()
        _ = try decoder.feed(posReport(Array("ABC".utf8), continued: true))
        var status = posReport([])
        status[0] = 0x04
        #expect(throws: HIDReportError.unexpectedReportID(4)) { try decoder.feed(status) }
        #expect(try decoder.feed(posReport(Array("DEF".utf8)))?.data == Array("ABCDEF".utf8))
    }

    @Test func lengthPastTheReportIsRefused() {
        var decoder = HIDPOSDecoder()
        #expect(throws: HIDReportError.lengthOutOfRange(claimed: 57, maximum: 56)) {
            try decoder.feed(posReport([], length: 57))
        }
    }

    @Test func shortAndEmptyReportsAreRefused() {
        var decoder = HIDPOSDecoder()
        #expect(throws: HIDReportError.reportTooShort(needed: 64, got: 0)) { try decoder.feed([]) }
        #expect(throws: HIDReportError.reportTooShort(needed: 64, got: 10)) { try decoder.feed(Array(posReport([]).prefix(10))) }
    }

    @Test func symbologyChangeMidCodeDiscardsIt() throws {
        var decoder = HIDPOSDecoder()
        _ = try decoder.feed(posReport(Array("ABC".utf8), symbology: "]Q1", continued: true))
        #expect(throws: HIDReportError.symbologyChanged) {
            try decoder.feed(posReport(Array("DEF".utf8), symbology: "]C0"))
        }
        #expect(!decoder.hasPartialCode)
    }

    @Test func tooLongCodeIsRefused() throws {
        var decoder = HIDPOSDecoder(maximumLength: 100)
        let chunk = [UInt8](repeating: 0x41, count: 56)
        #expect(try decoder.feed(posReport(chunk, continued: true)) == nil)
        #expect(try decoder.feed(posReport(chunk, continued: true)) == nil)
        #expect(throws: HIDReportError.codeTooLong(maximum: 100)) { try decoder.feed(posReport(chunk)) }
        #expect(try decoder.feed(posReport(Array("OK".utf8)))?.data == Array("OK".utf8))
    }

    @Test func nulAndEscapeBytesPassThroughAsData() throws {
        // The decoder reports what the scanner read; refusing control bytes is the classifier's job.
        var decoder = HIDPOSDecoder()
        #expect(try decoder.feed(posReport([0x41, 0x00, 0x1B, 0x5B, 0x32, 0x4A]))?.data == [0x41, 0x00, 0x1B, 0x5B, 0x32, 0x4A])
    }

    @Test func hostileInputNeverCrashes() {
        var decoder = HIDPOSDecoder()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_600 {
            var report = (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) { report[0] = 0x02 }
            if let code = try? decoder.feed(report) { #expect(code.data.count <= decoder.maximumLength) }
        }
    }
}
