import CSANE
import DeviceKit
import Testing
@testable import DocumentScan
import ScannedDocuments

/// Choosing allowed option values and unpacking samples, without a device.
@Suite("Option values and samples")
struct OptionValueTests {
    func option(_ type: SANE_Value_Type, range: SANE_Range? = nil, words: [SANE_Word]? = nil) -> SANEOption? {
        var descriptor = SANE_Option_Descriptor()
        descriptor.type = type
        descriptor.size = 4
        descriptor.cap = SANE_CAP_SOFT_SELECT | SANE_CAP_SOFT_DETECT
        if var range {
            descriptor.constraint_type = SANE_CONSTRAINT_RANGE
            return withUnsafePointer(to: &range) { pointer in
                descriptor.constraint.range = pointer
                return SANEOption(index: 1, descriptor: descriptor)
            }
        }
        if let words {
            descriptor.constraint_type = SANE_CONSTRAINT_WORD_LIST
            let list = [SANE_Word(words.count)] + words
            return list.withUnsafeBufferPointer { pointer in
                descriptor.constraint.word_list = pointer.baseAddress
                return SANEOption(index: 1, descriptor: descriptor)
            }
        }
        return SANEOption(index: 1, descriptor: descriptor)
    }

    @Test("a range snaps to its steps and clamps to its ends")
    func range() throws {
        let dpi = try #require(option(SANE_TYPE_INT, range: SANE_Range(min: 75, max: 600, quant: 25)))
        #expect(dpi.nearestWord(to: 300) == 300)
        #expect(dpi.nearestWord(to: 310) == 300)
        #expect(dpi.nearestWord(to: 315) == 325)
        #expect(dpi.nearestWord(to: 10) == 75)
        #expect(dpi.nearestWord(to: 9600) == 600)
        let any = try #require(option(SANE_TYPE_INT, range: SANE_Range(min: 1, max: 1200, quant: 0)))
        #expect(any.nearestWord(to: 333) == 333)
    }

    @Test("a word list gives its nearest word")
    func words() throws {
        let dpi = try #require(option(SANE_TYPE_INT, words: [100, 200, 300, 600, 1200]))
        #expect(dpi.nearestWord(to: 250) == 200 || dpi.nearestWord(to: 250) == 300)
        #expect(dpi.nearestWord(to: 260) == 300)
        #expect(dpi.nearestWord(to: 5000) == 1200)
        #expect(dpi.allowedWords == [100, 200, 300, 600, 1200])
    }

    @Test("fixed-point options convert both ways")
    func fixed() throws {
        let dpi = try #require(option(SANE_TYPE_FIXED, range: SANE_Range(min: 50 << 16, max: 1200 << 16, quant: 1 << 16)))
        #expect(dpi.word(for: 300) == 300 << 16)
        #expect(dpi.value(of: dpi.nearestWord(to: dpi.word(for: 299.6))) == 300)
        #expect(dpi.word(for: .infinity) == 0)
        #expect(dpi.word(for: 1e12) == Int32.max)
    }

    @Test("samples unpack from 16 bits, 1-bit colour and padded lines")
    func unpack() throws {
        let wide: [UInt8] = [0x00, 0xff, 0xff, 0x00, 0x34, 0x12, 9, 9] // little-endian 16-bit samples + 2 bytes padding
        let samples = try SANEFrameReader.unpack(wide, rows: 1, samplesPerLine: 3, bytesPerLine: 8, depth: 16)
        #expect(samples == [0xff, 0x00, 0x12])
        let bits = try SANEFrameReader.unpack([0b1010_0000], rows: 1, samplesPerLine: 3, bytesPerLine: 1, depth: 1)
        #expect(bits == [255, 0, 255])
        #expect(throws: DeviceError.self) {
            try SANEFrameReader.unpack([1, 2, 3], rows: 1, samplesPerLine: 4, bytesPerLine: 3, depth: 8)
        }
        #expect(throws: DeviceError.self) {
            try SANEFrameReader.unpack([1, 2, 3], rows: 2, samplesPerLine: 3, bytesPerLine: 3, depth: 8)
        }
    }

    @Test("pages whose bytes do not fit their shape are refused", arguments: [
        (RawPage.Layout.gray8, 4, 2, 4, 7), (.rgb8, 2, 2, 5, 10), (.lineart1, 17, 1, 2, 1), (.gray8, 0, 1, 1, 1),
    ] as [(RawPage.Layout, Int, Int, Int, Int)])
    func badShapes(layout: RawPage.Layout, width: Int, height: Int, bytesPerLine: Int, count: Int) {
        #expect(throws: DeviceError.self) {
            try RawPage(layout: layout, width: width, height: height, bytesPerLine: bytesPerLine, resolutionDPI: 300,
                        bytes: [UInt8](repeating: 0, count: count))
        }
    }
}
