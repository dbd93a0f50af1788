import Testing
import TerminalUI

@Suite struct TextLayoutTests {
    @Test func latinBreaksAtSpaces() {
        #expect(TextLayout.wrap("Place your ID card on the reader", width: 12)
                == ["Place your", "ID card on", "the reader"])
    }

    @Test func aWordLongerThanTheLineIsBrokenHard() {
        #expect(TextLayout.wrap("code ABCDEFGHIJKLMNOP end", width: 6) == ["code", "ABCDEF", "GHIJKL", "MNOP", "end"])
    }

    @Test func chineseBreaksBetweenAnyTwoCharacters() {
        let lines = TextLayout.wrap("请把身份证平放在感应区", width: 8)
        #expect(lines == ["请把身份", "证平放在", "感应区"])
        #expect(lines.allSatisfy { displayWidth(of: $0) <= 8 })
    }

    @Test func closingPunctuationDoesNotStartALine() {
        let lines = TextLayout.wrap("请稍等，正在读卡。", width: 6)
        #expect(lines.allSatisfy { !$0.hasPrefix("，") && !$0.hasPrefix("。") })
        #expect(lines.allSatisfy { displayWidth(of: $0) <= 6 })
        #expect(lines.joined() == "请稍等，正在读卡。")
    }

    @Test func mixedChineseAndLatin() {
        let lines = TextLayout.wrap("请按F1求助 or press Help", width: 10)
        #expect(lines.allSatisfy { displayWidth(of: $0) <= 10 })
        #expect(lines.first == "请按F1求助")
    }

    @Test func lineBreaksInTheTextAreKeptAndControlsRemoved() {
        #expect(TextLayout.wrap("one\ntwo\u{1B}[2J", width: 20) == ["one", "two"])
    }

    @Test func truncateAddsAnEllipsisOnlyWhenNeeded() {
        #expect(TextLayout.truncate("Help", width: 10) == "Help")
        #expect(TextLayout.truncate("Collect a certificate", width: 10) == "Collect a…")
        #expect(TextLayout.truncate("证照领取", width: 6) == "证照…")
        #expect(TextLayout.truncate("证照领取", width: 4) == "证…")
    }

    @Test func maskKeepsTheWidth() {
        #expect(TextLayout.masked("王小明 460102") == String(repeating: "*", count: 13))
    }

    @Test func suffixShowsTheEndOfLongInput() {
        #expect(TextLayout.suffix(of: "460102199001011234", width: 6) == "011234")
        #expect(TextLayout.suffix(of: "证照领取", width: 5) == "领取")
    }
}
