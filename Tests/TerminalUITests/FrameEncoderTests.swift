import Testing
import TerminalUI

@Suite struct FrameEncoderTests {
    let renderer = ScreenRenderer()

    @Test func typingOneDigitIntoAFieldCostsFewBytes() {
        let before = renderer.render(SampleScreens.pickupCode("12345"), columns: 80, rows: 24).buffer
        let after = renderer.render(SampleScreens.pickupCode("123456"), columns: 80, rows: 24).buffer
        let bytes = FrameEncoder.diff(from: before, to: after)
        #expect(!bytes.isEmpty)
        #expect(bytes.count <= 128)
    }

    @Test func replacingAWholeSixCharacterValueStaysUnder128Bytes() {
        let pairs = [("123456", "654321"), ("", "123456"), ("123456", "")]
        for (old, new) in pairs {
            let before = renderer.render(SampleScreens.pickupCode(old), columns: 80, rows: 24).buffer
            let after = renderer.render(SampleScreens.pickupCode(new), columns: 80, rows: 24).buffer
            let bytes = FrameEncoder.diff(from: before, to: after)
            #expect(bytes.count <= 128, "\(old) → \(new): \(bytes.count) bytes")
            var screen = ANSIScreen(columns: 80, rows: 24)
            screen.apply(FrameEncoder.fullFrame(before))
            screen.apply(bytes)
            #expect(screen.matches(after))
        }
    }

    @Test func identicalFramesCostNothing() {
        let frame = renderer.render(SampleScreens.collectZh, columns: 80, rows: 24).buffer
        #expect(FrameEncoder.diff(from: frame, to: frame).isEmpty)
    }

    @Test func aResizeSendsAFullFrame() {
        let small = renderer.render(SampleScreens.collectZh, columns: 80, rows: 24).buffer
        let large = renderer.render(SampleScreens.collectZh, columns: 100, rows: 30).buffer
        let bytes = FrameEncoder.diff(from: small, to: large)
        #expect(bytes == FrameEncoder.fullFrame(large))
        #expect(bytes.starts(with: Array("\u{1B}[0m\u{1B}[2J".utf8)))
    }

    @Test func fullFrameEndsInThePlainStyle() {
        let frame = renderer.render(SampleScreens.collectEn, columns: 80, rows: 24).buffer
        let bytes = FrameEncoder.fullFrame(frame)
        #expect(bytes.suffix(4) == Array("\u{1B}[0m".utf8)[...])
    }

    @Test func fullFrameRoundTripsThroughATerminal() {
        for screen in [SampleScreens.collectZh, SampleScreens.collectEn, SampleScreens.personal] {
            let frame = renderer.render(screen, columns: 80, rows: 24).buffer
            var terminal = ANSIScreen(columns: 80, rows: 24)
            terminal.apply(Array("\u{1B}[31mgarbage".utf8))
            terminal.apply(FrameEncoder.fullFrame(frame))
            #expect(terminal.problems.isEmpty)
            #expect(terminal.matches(frame))
            #expect(terminal.text(ofRow: 0) == frame.text(ofRow: 0))
        }
    }

    @Test func sequencesOfRandomDiffsRoundTrip() {
        var generator = SeededGenerator(seed: 2025)
        let pieces = ["a", "bc", "中", "证照", "é", "x", "12", "，", " ", "😀", "ＡＢ"]
        let styles = [Style.plain, Style(foreground: .brightWhite, background: .black),
                      Style(foreground: .black, background: .brightYellow, bold: true),
                      Style(foreground: .gray, dim: true), Style(underline: true), Style(inverse: true),
                      Style(foreground: .brightGreen, bold: true, dim: true)]
        for _ in 0..<20 {
            var buffer = CellBuffer(columns: 13, rows: 5)
            var terminal = ANSIScreen(columns: 13, rows: 5)
            terminal.apply(FrameEncoder.fullFrame(buffer))
            for _ in 0..<30 {
                var next = buffer
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    let text = (0..<Int.random(in: 1...4, using: &generator))
                        .map { _ in pieces.randomElement(using: &generator)! }.joined()
                    next.put(text, column: Int.random(in: -1...12, using: &generator),
                             row: Int.random(in: 0...4, using: &generator),
                             style: styles.randomElement(using: &generator)!)
                }
                let bytes = FrameEncoder.diff(from: buffer, to: next)
                if next == buffer { #expect(bytes.isEmpty) }
                terminal.apply(bytes)
                #expect(terminal.problems.isEmpty)
                #expect(terminal.matches(next))
                buffer = next
            }
        }
    }

    @Test func aChangedHalfOfAWideCharacterRewritesTheWholeGlyph() {
        var old = CellBuffer(columns: 6, rows: 1)
        old.put("中文", column: 0, row: 0, style: .plain)
        var new = old
        new.put("中", column: 2, row: 0, style: Style(bold: true))
        let bytes = FrameEncoder.diff(from: old, to: new)
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1B}[1;3H\u{1B}[1m中\u{1B}[0m")
    }

    @Test func cursorIsNotMovedWhereItAlreadyIs() {
        let old = CellBuffer(columns: 20, rows: 2)
        var new = old
        new.put("ab", column: 3, row: 1, style: .plain)
        new.put("cd", column: 5, row: 1, style: .plain)
        new.put("e", column: 8, row: 1, style: .plain)        // one unchanged cell between: rewritten, no move
        #expect(String(decoding: FrameEncoder.diff(from: old, to: new), as: UTF8.self) == "\u{1B}[2;4Habcd e")
    }

    @Test func styleChangesUseTheShortestSGR() {
        let old = CellBuffer(columns: 10, rows: 1)
        var new = old
        new.put("a", column: 0, row: 0, style: Style(foreground: .red, bold: true))
        new.put("b", column: 1, row: 0, style: Style(foreground: .red))
        new.put("c", column: 2, row: 0, style: Style(foreground: .red, underline: true))
        new.put("d", column: 3, row: 0, style: Style(foreground: .brightWhite, background: .black))
        let text = String(decoding: FrameEncoder.diff(from: old, to: new), as: UTF8.self)
        #expect(text == "\u{1B}[H\u{1B}[1;31ma\u{1B}[22mb\u{1B}[4mc\u{1B}[0;97;40md\u{1B}[0m")
    }
}
