import Testing
import TerminalUI

@Suite struct FrameDecoderTests {
    let renderer = ScreenRenderer()

    @Test func aFullFrameThenDiffsRebuildTheScreenCellForCell() {
        let first = renderer.render(SampleScreens.collectZh, columns: 80, rows: 24).buffer
        var second = first
        second.put("已为您呼叫工作人员", column: 3, row: 5, style: Theme.highContrast.warning)
        second.put("Typed 12345", column: 10, row: 20, style: .plain)
        var decoder = FrameDecoder(columns: 80, rows: 24)
        decoder.apply(FrameEncoder.fullFrame(first))
        #expect(decoder.buffer == first)
        decoder.apply(FrameEncoder.diff(from: first, to: second))
        #expect(decoder.buffer == second)
        #expect(decoder.ignored == 0)
    }

    @Test func anythingButTheEncodersSequencesIsSkippedAndCounted() {
        var decoder = FrameDecoder(columns: 20, rows: 3)
        // A title change (OSC), a private mode, a device query, a bell and a reset: the ESCs go,
        // what follows them is only text.
        decoder.apply(Array("\u{1B}]0;pwned\u{07}ok\u{1B}[?1049h\u{1B}[6n\u{07}\u{1B}c!".utf8))
        #expect(decoder.buffer.text(ofRow: 0).hasPrefix("]0;pwnedokc!"))
        #expect(decoder.ignored >= 4)
        #expect(!decoder.buffer.text(ofRow: 0).contains("\u{1B}"))
    }

    @Test func cursorMovesOutsideTheScreenAreClampedNotTrusted() {
        var decoder = FrameDecoder(columns: 10, rows: 2)
        decoder.apply(Array("\u{1B}[999;999Hx\u{1B}[1;9Hwide字字".utf8))
        #expect(decoder.buffer.text(ofRow: 1).hasSuffix("x"))
        #expect(decoder.buffer.text(ofRow: 0).count <= 10)
    }
}
