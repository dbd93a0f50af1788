import ScreenModel
import Testing
import TerminalUI

/// The on-screen keys a touch-only kiosk types with, and the pressed look of a tapped button.
@Suite struct KeypadRenderingTests {
    let renderer = ScreenRenderer()
    let theme = Theme.highContrast

    func screen(_ layout: Screen.Keypad.Layout, value: String = "12") -> Screen {
        var screen = SampleScreens.pickupCode(value)
        screen.keypad = Screen.Keypad(layout: layout, eraseLabel: "删除", confirmLabel: "确认")
        return screen
    }

    /// Every key the keypad should have, and the key each sends.
    func expectedKeys(_ layout: Screen.Keypad.Layout) -> [Key] {
        let characters = layout == .digits ? "0123456789" : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return characters.map { Key.text(String($0)) } + [.backspace, .enter]
    }

    func keyRegions(_ frame: RenderedFrame) -> [HitMap.Region] {
        frame.hitMap.regions.filter { region in
            switch region.key {
            case .text, .backspace, .enter: true
            default: false
            }
        }
    }

    @Test(arguments: [Screen.Keypad.Layout.digits, .alphanumeric], [(80, 24), (100, 30), (67, 60)])  // 67×60: a portrait panel with a large font
    func everyKeyIsThereOnceBigEnoughForAFingerAndClearOfTheRest(_ layout: Screen.Keypad.Layout, size: (Int, Int)) throws {
        let frame = renderer.render(screen(layout), columns: size.0, rows: size.1)
        let regions = keyRegions(frame)
        #expect(Set(regions.map(\.key)) == Set(expectedKeys(layout)))
        #expect(regions.count == expectedKeys(layout).count)
        let field = try #require(frame.buffer.locate("取件码: [ 12"))
        let bandTop = size.1 - 4
        for region in regions {
            #expect(region.rect.columns >= 5 && region.rect.rows == 3, "\(region)")
            #expect(region.rect.row > field.row && region.rect.row + region.rect.rows <= bandTop, "\(region)")
            for other in regions where other != region {
                let apart = region.rect.column + region.rect.columns <= other.rect.column
                    || other.rect.column + other.rect.columns <= region.rect.column
                    || region.rect.row + region.rect.rows <= other.rect.row
                    || other.rect.row + other.rect.rows <= region.rect.row
                #expect(apart, "\(region) overlaps \(other)")
            }
        }
    }

    @Test func digitsAreOneRowAt80ColumnsAndATapInAKeySendsIt() throws {
        let frame = renderer.render(screen(.digits), columns: 80, rows: 24)
        let regions = keyRegions(frame)
        #expect(Set(regions.map(\.rect.row)).count == 1)
        let seven = try #require(regions.first { $0.key == .text("7") })
        // The label sits on the key's middle row; any cell of the key sends it.
        #expect(frame.buffer[seven.rect.column + 2, seven.rect.row + 1].text == "7")
        #expect(frame.buffer[seven.rect.column, seven.rect.row].style == theme.key)
        for (column, row) in [(0, 0), (4, 2), (2, 1)] {
            #expect(frame.hitMap.resolve(.tap(column: seven.rect.column + column, row: seven.rect.row + row)) == .text("7"))
        }
        #expect(frame.hitMap.resolve(.tap(column: seven.rect.column + 5, row: seven.rect.row + 1)) == nil)  // the gap
        let erase = try #require(frame.buffer.locate("删除"))   // only the key says it
        #expect(frame.hitMap.key(atColumn: erase.column, row: erase.row) == .backspace)
        let confirm = try #require(regions.first { $0.key == .enter })
        #expect(frame.buffer.text(ofRow: confirm.rect.row + 1).contains("确认"))
        #expect(frame.hitMap.key(atColumn: confirm.rect.column, row: confirm.rect.row + 2) == .enter)
    }

    @Test func aScreenTooSmallCutsTheKeysAndNeverTheFooter() {
        for (columns, rows) in [(20, 8), (40, 12), (30, 24)] {
            let frame = renderer.render(screen(.alphanumeric), columns: columns, rows: rows)
            #expect(frame.buffer.columns == columns && frame.buffer.rows == rows)
            #expect(keyRegions(frame).allSatisfy { $0.rect.column + $0.rect.columns <= columns })
        }
    }

    @Test func lettersAndDigitsAreThreeRowsWithAGapBetween() {
        let frame = renderer.render(screen(.alphanumeric), columns: 80, rows: 24)
        let rows = Set(keyRegions(frame).map(\.rect.row)).sorted()
        #expect(rows.count == 3)
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $1 - $0 == 4 })
    }

    @Test func aDashKeyForApplicationNumbersFitsAt80x24WithTheKeyRowsCloser() throws {
        var screen = screen(.alphanumeric)
        screen.keypad?.extraCharacters = ["-"]
        screen.notices = [Screen.Paragraph("网络暂时中断。", style: .warning)]
        let frame = renderer.render(screen, columns: 80, rows: 24)
        let regions = keyRegions(frame)
        #expect(Set(regions.map(\.key)) == Set(expectedKeys(.alphanumeric) + [.text("-")]))
        let rows = Set(regions.map(\.rect.row)).sorted()
        #expect(rows.count == 4)
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $1 - $0 == 3 })     // no blank row between
        #expect(regions.allSatisfy { $0.rect.rows == 3 && $0.rect.row + 3 <= 20 })
        let dash = try #require(regions.first { $0.key == .text("-") })
        // The bottom row of a key is underlined: the edge between two keys one above the other.
        #expect(frame.buffer[dash.rect.column, dash.rect.row + 2].style.underline)
        #expect(!frame.buffer[dash.rect.column, dash.rect.row + 1].style.underline)
        #expect(frame.buffer.locate("网络暂时中断") != nil)
    }

    @Test func aTappedButtonIsDrawnPressedWhereItStillStands() throws {
        let first = renderer.render(screen(.digits, value: "1"), columns: 80, rows: 24)
        let confirm = try #require(first.hitMap.regions.first { $0.key == .enter })
        let next = renderer.render(screen(.digits, value: "1"), columns: 80, rows: 24, pressed: confirm)
        #expect(next.buffer[confirm.rect.column, confirm.rect.row].style == theme.pressed)
        #expect(next.buffer[confirm.rect.column + confirm.rect.columns - 1, confirm.rect.row + 2].style == theme.pressed)
        #expect(next.buffer.text(ofRow: confirm.rect.row + 1).contains("确认"))     // the text stays
        let others = keyRegions(next).filter { $0 != confirm }
        #expect(others.allSatisfy { next.buffer[$0.rect.column, $0.rect.row].style == theme.key })
        // A screen without that button draws nothing pressed.
        let elsewhere = renderer.render(SampleScreens.collectZh, columns: 80, rows: 24, pressed: confirm)
        #expect(!(0..<24).contains { row in (0..<80).contains { elsewhere.buffer[$0, row].style == theme.pressed } })
    }
}
