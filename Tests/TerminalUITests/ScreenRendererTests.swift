import ScreenModel
import Testing
import TerminalUI

@Suite struct ScreenRendererTests {
    let renderer = ScreenRenderer()
    let theme = Theme.highContrast

    @Test func chineseScreenAt80x24() throws {
        let frame = renderer.render(SampleScreens.collectZh, columns: 80, rows: 24)
        let buffer = frame.buffer
        #expect(buffer.columns == 80 && buffer.rows == 24)

        #expect(buffer.text(ofRow: 0).hasPrefix(" 证照领取 "))
        #expect((0..<80).allSatisfy { buffer[$0, 0].style == theme.titleBar })

        let notice = try #require(buffer.locate("打印机纸张不足"))
        #expect(notice.row == 1)
        #expect(buffer[notice.column, notice.row].style == theme.warning)
        #expect(buffer[1, 1].style == theme.warning)                           // the banner fills the row

        let option = try #require(buffer.locate(" 1  刷身份证领取"))
        #expect(buffer[option.column + 1, option.row].style == theme.key)
        #expect(buffer[option.column + 4, option.row].style == theme.label)
        let detail = try #require(buffer.locate("请把身份证平放在感应区"))
        #expect(detail.row == option.row + 1 && detail.column == option.column + 4)
        #expect(buffer[detail.column, detail.row].style == theme.muted)
        #expect(buffer.locate(" 2  输入取件码领取") != nil)

        let disabled = try #require(buffer.locate("扫码查询办件进度"))
        #expect(buffer[disabled.column, disabled.row].style == theme.disabled)
        #expect(buffer[disabled.column - 3, disabled.row].style == theme.disabled)  // its key cap too
        #expect(buffer.locate("扫码器维护中") != nil)

        // The commands: buttons three rows tall (20–22), their words on the middle row.
        #expect(buffer.text(ofRow: 21).hasPrefix("  F1  求助    F2  English    Esc  返回"))
        #expect((20...22).allSatisfy { buffer[1, $0].style == theme.key && buffer[8, $0].style == theme.key })
        #expect(buffer[11, 21].style == theme.base)                             // the gap between two buttons
        #expect(buffer.text(ofRow: 19).trimmingCharacters(in: " ").isEmpty)
        #expect(buffer.text(ofRow: 23).hasPrefix(" KIOSK-HK-0001 | 在线"))
        #expect(buffer[1, 23].style == theme.muted)
    }

    @Test func englishScreenWrapsAtWordBoundaries() throws {
        let buffer = renderer.render(SampleScreens.collectEn, columns: 80, rows: 24).buffer
        #expect(buffer.text(ofRow: 0).hasPrefix(" Collect a certificate"))
        let words = Set(SampleScreens.collectEn.paragraphs[0].text.split(separator: " ").map(String.init))
        let first = try #require(buffer.locate("Choose how"))
        var rows = 0
        for row in first.row..<24 {
            let line = buffer.text(ofRow: row).trimmingCharacters(in: " ")
            if line.isEmpty { break }
            #expect(line.split(separator: " ").allSatisfy { words.contains(String($0)) }, "\(line)")
            rows += 1
        }
        #expect(rows == 3)
        #expect(buffer.locate(" 1  Use my ID card") != nil)
        #expect(buffer.locate(" 2  Type a pickup code") != nil)
        #expect(buffer.text(ofRow: 21).contains(" F2  中文 "))
    }

    @Test func tapsResolveToTheKeyOfWhatWasDrawnThere() throws {
        let frame = renderer.render(SampleScreens.collectZh, columns: 80, rows: 24)
        let option = try #require(frame.buffer.locate(" 1  刷身份证领取"))
        #expect(frame.hitMap.key(atColumn: option.column + 1, row: option.row) == .text("1"))    // the key cap
        #expect(frame.hitMap.key(atColumn: option.column + 7, row: option.row) == .text("1"))    // the label
        #expect(frame.hitMap.key(atColumn: option.column + 7, row: option.row + 1) == .text("1")) // its detail
        let second = try #require(frame.buffer.locate(" 2  输入取件码领取"))
        #expect(frame.hitMap.key(atColumn: second.column, row: second.row) == .text("2"))
        let help = try #require(frame.buffer.locate("求助"))
        for row in help.row - 1...help.row + 1 {                                // the whole button, 3 rows
            #expect(frame.hitMap.key(atColumn: help.column, row: row) == .function(1))
        }
        #expect(frame.hitMap.region(atColumn: help.column, row: help.row)?.rect.rows == 3)
        let back = try #require(frame.buffer.locate("Esc"))
        #expect(frame.hitMap.resolve(.tap(column: back.column, row: back.row)) == .escape)
        #expect(frame.hitMap.key(atColumn: 40, row: 0) == nil)                 // the title is no button
        #expect(frame.hitMap.resolve(.tap(column: 79, row: 23)) == nil)
        #expect(frame.hitMap.resolve(.enter) == .enter)
    }

    @Test func aVeryLongParagraphIsCutAndNeverTouchesTheFooter() throws {
        var long = SampleScreens.collectZh
        long.paragraphs = [Screen.Paragraph(String(repeating: "请携带身份证原件和复印件到服务台办理。", count: 60))]
        let short = renderer.render(SampleScreens.collectZh, columns: 80, rows: 24).buffer
        let frame = renderer.render(long, columns: 80, rows: 24)
        let buffer = frame.buffer
        for row in 20...23 {
            #expect((0..<80).allSatisfy { buffer[$0, row] == short[$0, row] })
        }
        #expect((2..<20).contains { buffer.text(ofRow: $0).trimmingCharacters(in: " ").hasSuffix("…") })
        #expect(buffer.locate(" 1  刷身份证领取") != nil)                      // the options survive the cut
        #expect(buffer.locate(" 3  扫码查询办件进度") != nil)
        let help = try #require(buffer.locate("求助"))
        #expect(help.row == 21)
        #expect(frame.hitMap.regions.allSatisfy { $0.rect.row + $0.rect.rows <= 20 || $0.rect.row == 20 })
    }

    @Test func tooManyOptionsAreCutWithAnEllipsisAboveTheFooter() {
        var screen = SampleScreens.collectZh
        screen.options = (1...30).map { Screen.Option(key: .text("\($0)"), label: "选项 \($0)", detail: "说明 \($0)") }
        let buffer = renderer.render(screen, columns: 80, rows: 24).buffer
        #expect(buffer.text(ofRow: 19).trimmingCharacters(in: " ") == "…")
        #expect(buffer.text(ofRow: 21).hasPrefix("  F1  求助"))
    }

    @Test func moreThanSixOptionsUseTwoColumns() throws {
        var screen = SampleScreens.collectEn
        screen.options = (1...8).map { Screen.Option(key: .text("\($0)"), label: "Service \($0)") }
        let frame = renderer.render(screen, columns: 80, rows: 24)
        let one = try #require(frame.buffer.locate(" 1  Service 1"))
        let five = try #require(frame.buffer.locate(" 5  Service 5"))
        #expect(one.row == five.row && five.column > one.column + 30)
        #expect(frame.hitMap.key(atColumn: five.column + 5, row: five.row) == .text("5"))
        #expect(frame.hitMap.key(atColumn: one.column + 5, row: one.row) == .text("1"))
    }

    @Test func fieldShowsValueOrMutedPlaceholder() throws {
        let empty = renderer.render(SampleScreens.pickupCode(""), columns: 80, rows: 24).buffer
        let placeholder = try #require(empty.locate("取件码: [ 6 位数字"))
        #expect(empty[placeholder.column + 10, placeholder.row].style == theme.muted)
        let typed = renderer.render(SampleScreens.pickupCode("1234"), columns: 80, rows: 24).buffer
        let value = try #require(typed.locate("取件码: [ 1234____ ]"))            // as wide as the placeholder
        #expect(typed[value.column + 10, value.row].style == theme.fieldValue)
    }

    @Test func maskedRenderingHidesPersonalData() {
        let open = renderer.render(SampleScreens.personal, columns: 80, rows: 24).buffer.plainText
        #expect(open.contains("460102199001011234"))
        #expect(open.contains("王小明"))
        let masked = renderer.render(SampleScreens.personal, columns: 80, rows: 24, maskPersonalData: true).buffer
        let text = masked.plainText
        #expect(!text.contains("460102199001011234"))
        #expect(!text.contains("4601"))
        #expect(!text.contains("王小明"))
        #expect(!text.contains("13800001234"))
        #expect(text.contains(String(repeating: "*", count: displayWidth(of: "证件号码：460102199001011234"))))
        #expect(text.contains("请核对以下信息："))                               // what is not personal stays
        #expect(text.contains("确认领取"))
    }

    @Test func widerScreensCentreTheContent() throws {
        let buffer = renderer.render(SampleScreens.collectEn, columns: 200, rows: 50).buffer
        let first = try #require(buffer.locate("Choose how"))
        #expect(first.column == 50)
        #expect(buffer.text(ofRow: 47).contains("F1  Help"))
        #expect(buffer.text(ofRow: 49).contains("KIOSK-HK-0001"))
    }

    @Test func tinySizesDoNotCrash() {
        for (columns, rows) in [(0, 0), (1, 1), (3, 2), (10, 3), (20, 5), (40, 10)] {
            let frame = renderer.render(SampleScreens.personal, columns: columns, rows: rows)
            #expect(frame.buffer.columns == columns && frame.buffer.rows == rows)
        }
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return String(text)
    }
}
