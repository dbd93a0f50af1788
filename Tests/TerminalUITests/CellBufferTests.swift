import Testing
import TerminalUI

@Suite struct CellBufferTests {
    let style = Style(foreground: .brightWhite, background: .black)

    @Test func putWritesCellsAndReturnsColumnsUsed() {
        var buffer = CellBuffer(columns: 10, rows: 2)
        #expect(buffer.put("ab中", column: 1, row: 0, style: style) == 4)
        #expect(buffer[1, 0].text == "a")
        #expect(buffer[3, 0].text == "中")
        #expect(buffer[4, 0].isContinuation)
        #expect(buffer[4, 0].style == style)
        #expect(buffer.text(ofRow: 0) == " ab中     ")
    }

    @Test func wideCharacterAtTheLastColumnBecomesASpace() {
        var buffer = CellBuffer(columns: 5, rows: 1)
        #expect(buffer.put("abcd中", column: 0, row: 0, style: style) == 5)
        #expect(buffer[4, 0].text == " ")
        #expect(buffer[4, 0].style == style)
        #expect(buffer.text(ofRow: 0) == "abcd ")
    }

    @Test func maxColumnsClipsAndNeverSplitsAWideCharacter() {
        var buffer = CellBuffer(columns: 10, rows: 1)
        #expect(buffer.put("证照领取", column: 0, row: 0, style: style, maxColumns: 5) == 5)
        #expect(buffer.text(ofRow: 0) == "证照      ")
        #expect(buffer[5, 0].text == " ")
    }

    @Test func textPastTheEdgeOrOutsideIsClipped() {
        var buffer = CellBuffer(columns: 4, rows: 1)
        #expect(buffer.put("abcdef", column: 2, row: 0, style: style) == 2)
        #expect(buffer.text(ofRow: 0) == "  ab")
        #expect(buffer.put("x", column: 0, row: 5, style: style) == 0)
        #expect(buffer.put("x", column: 9, row: 0, style: style) == 0)
        #expect(buffer.put("中ab", column: -1, row: 0, style: style) == 3)      // left half cut: a space
        #expect(buffer.text(ofRow: 0) == " abb")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buffer = CellBuffer(columns: 6, rows: 1)
        buffer.put("中文", column: 0, row: 0, style: style)
        buffer.put("x", column: 1, row: 0, style: style)                       // right half of 中
        #expect(buffer.text(ofRow: 0) == " x文  ")
        buffer.put("y", column: 2, row: 0, style: style)                       // left half of 文
        #expect(buffer.text(ofRow: 0) == " xy   ")
        #expect(!buffer.cells.contains { $0.isContinuation })
        buffer.put("中", column: 3, row: 0, style: style)
        buffer.put("文", column: 2, row: 0, style: style)                       // straddles 中's left half
        #expect(buffer.text(ofRow: 0) == " x文  ")
        #expect(buffer[3, 0].isContinuation && buffer[4, 0].text == " ")
    }

    @Test func everyStringIsSanitised() {
        var buffer = CellBuffer(columns: 20, rows: 1)
        buffer.put("张\u{1B}[2J三\u{202E}\u{7}", column: 0, row: 0, style: style)
        #expect(buffer.text(ofRow: 0).hasPrefix("张三 "))
        #expect(!buffer.cells.contains { $0.text.unicodeScalars.contains { $0.value < 0x20 } })
    }

    @Test func fillPaintsARectangleClippedToTheBuffer() {
        var buffer = CellBuffer(columns: 4, rows: 3)
        buffer.put("中文", column: 0, row: 1, style: .plain)
        let warning = Style(foreground: .black, background: .yellow)
        buffer.fill(Rect(column: 1, row: 1, columns: 10, rows: 10), style: warning)
        #expect(buffer[0, 0].style == .plain)
        #expect(buffer[0, 1].text == " ")                                      // half of 中 was covered
        #expect(buffer[3, 2].style == warning)
        #expect(buffer[1, 1].style == warning && buffer[1, 1].text == " ")
    }

    @Test func buffersCompareByContent() {
        var one = CellBuffer(columns: 3, rows: 1)
        var two = CellBuffer(columns: 3, rows: 1)
        #expect(one == two)
        one.put("a", column: 0, row: 0, style: style)
        #expect(one != two)
        two.put("a", column: 0, row: 0, style: style)
        #expect(one == two)
    }
}
