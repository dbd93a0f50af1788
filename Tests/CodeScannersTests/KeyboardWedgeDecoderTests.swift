import Testing
@testable import CodeScanners

/// A boot-keyboard report: modifiers, reserved, up to six keys.
func keys(_ usages: UInt8..., shift: Bool = false) -> [UInt8] {
    var report: [UInt8] = [shift ? 0x02 : 0, 0]
    report += usages
    report += [UInt8](repeating: 0, count: 8 - report.count)
    return report
}

let release = keys()

/// Press and release per character, as a scanner types.
func typing(_ usages: [(UInt8, Bool)]) -> [[UInt8]] {
    usages.flatMap { usage, shift in [keys(usage, shift: shift), release] }
}

@Suite struct KeyboardWedgeDecoderTests {
    private func feed(_ reports: [[UInt8]], into decoder: inout KeyboardWedgeDecoder) throws -> [String] {
        var codes: [String] = []
        for report in reports {
            codes += try decoder.feed(report).map { String(decoding: $0, as: UTF8.self) }
        }
        return codes
    }

    @Test func digitsEndedByEnter() throws {
        var decoder = KeyboardWedgeDecoder()
        let reports = typing([(0x1E, false), (0x1F, false), (0x27, false), (0x28, false)])
        #expect(try feed(reports, into: &decoder) == ["120"])
        #expect(!decoder.hasPartialCode)
    }

    @Test func shiftGivesCapitalsAndSymbols() throws {
        var decoder = KeyboardWedgeDecoder()
        // a A - _ : / ? then Tab
        let reports = typing([(0x04, false), (0x04, true), (0x2D, false), (0x2D, true), (0x33, true), (0x38, false),
                              (0x38, true), (0x2B, false)])
        #expect(try feed(reports, into: &decoder) == ["aA-_:/?"])
    }

    @Test func rightShiftCountsToo() throws {
        var decoder = KeyboardWedgeDecoder()
        let codes = try decoder.feed([0x20, 0, 0x05, 0, 0, 0, 0, 0]) + decoder.feed([0, 0, 0x28, 0, 0, 0, 0, 0])
        #expect(codes == [Array("B".utf8)])
    }

    @Test func heldKeyTypesOnceAndRolloverTypesInSlotOrder() throws {
        var decoder = KeyboardWedgeDecoder()
        let reports = [keys(0x1E), keys(0x1E), keys(0x1E, 0x1F), keys(0x1F, 0x20, 0x21), keys(0x21), release, keys(0x28)]
        #expect(try feed(reports, into: &decoder) == ["1234"])
    }

    @Test func phantomReportChangesNothing() throws {
        var decoder = KeyboardWedgeDecoder()
        let reports = [keys(0x1E), keys(0x01, 0x01, 0x01, 0x01, 0x01, 0x01), keys(0x1E), release, keys(0x28)]
        #expect(try feed(reports, into: &decoder) == ["1"])
    }

    @Test func terminatorWithoutCodeGivesNothing() throws {
        var decoder = KeyboardWedgeDecoder()
        #expect(try feed([keys(0x28), release, keys(0x2B), release], into: &decoder) == [])
    }

    @Test func keypadDigitsAndKeypadEnter() throws {
        var decoder = KeyboardWedgeDecoder()
        #expect(try feed([keys(0x59), release, keys(0x62), release, keys(0x58)], into: &decoder) == ["10"])
    }

    @Test func controlLettersBecomeControlBytes() throws {
        var decoder = KeyboardWedgeDecoder()
        let codes = try decoder.feed([0x01, 0, 0x0A, 0, 0, 0, 0, 0]) + decoder.feed([0, 0, 0x28, 0, 0, 0, 0, 0])
        #expect(codes == [[0x07]])  // Ctrl+G: BEL, left for the classifier to refuse
    }

    @Test func shortReportIsATypedError() {
        var decoder = KeyboardWedgeDecoder()
        #expect(throws: HIDReportError.reportTooShort(needed: 8, got: 3)) { try decoder.feed([0, 0, 4]) }
        #expect(HIDReportError.reportTooShort(needed: 8, got: 3).deviceError.code == .reportTooShort)
    }

    @Test func tooLongCodeIsRefusedAndTheNextOneIsClean() throws {
        var decoder = KeyboardWedgeDecoder(maximumLength: 4)
        var reports = typing(Array(repeating: (0x1E, false), count: 6))
        reports.append(keys(0x28))
        reports.append(release)
        #expect(throws: HIDReportError.codeTooLong(maximum: 4)) { try feed(reports, into: &decoder) }
        #expect(try feed(typing([(0x1F, false), (0x28, false)]), into: &decoder) == ["2"])
    }

    @Test func resetDropsPartialCode() throws {
        var decoder = KeyboardWedgeDecoder()
        _ = try feed(typing([(0x1E, false), (0x1F, false)]), into: &decoder)
        #expect(decoder.hasPartialCode)
        decoder.reset()
        #expect(try feed(typing([(0x20, false), (0x28, false)]), into: &decoder) == ["3"])
    }

    @Test func hostileInputNeverCrashes() {
        var decoder = KeyboardWedgeDecoder()
        var generator = SystemRandomNumberGenerator()
        var total = 0
        // 100 KB of noise in report-sized and odd-sized pieces.
        for _ in 0..<12_800 {
            let length = Int.random(in: 0...12, using: &generator)
            let report = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let codes = try? decoder.feed(report) {
                for code in codes { #expect(code.count <= decoder.maximumLength) }
                total += codes.count
            }
        }
        #expect(total >= 0)
    }
}
