import Testing
import TerminalUI

@Suite struct DisplayWidthTests {
    @Test func asciiIsOneColumnPerCharacter() {
        #expect(displayWidth(of: "Collect a certificate") == 21)
        #expect(displayWidth(of: "") == 0)
        #expect(displayWidth(of: Character("A")) == 1)
    }

    @Test func chineseIdeographsAreTwoColumns() {
        #expect(displayWidth(of: "证照领取") == 8)
        #expect(displayWidth(of: "证照领取 Collect") == 16)
        #expect(displayWidth(of: Character("\u{20000}")) == 2)                // CJK Extension B
        #expect(displayWidth(of: Character("\u{3400}")) == 2)                 // Extension A
    }

    @Test func kanaHangulAndCJKPunctuationAreTwoColumns() {
        #expect(displayWidth(of: "ひらがなカタカナ") == 16)
        #expect(displayWidth(of: "한국어") == 6)
        #expect(displayWidth(of: "，。、「」") == 10)                          // U+3000–303F and FF0C
        #expect(displayWidth(of: Character("\u{3000}")) == 2)                 // ideographic space
    }

    @Test func fullwidthFormsAreTwoColumnsAndHalfwidthOne() {
        #expect(displayWidth(of: "ＡＢＣ１２３") == 12)
        #expect(displayWidth(of: "￥") == 2)                                   // U+FFE5
        #expect(displayWidth(of: "ｱｲｳ") == 3)                                 // halfwidth katakana
    }

    @Test func combiningMarksJoinersAndVariationSelectorsTakeNothing() {
        #expect(displayWidth(of: "e\u{301}") == 1)
        #expect(displayWidth(of: "cafe\u{301}") == 4)
        #expect(displayWidth(of: Character("\u{301}")) == 0)
        #expect(displayWidth(of: "a\u{200B}b") == 2)                          // zero-width space
        #expect(displayWidth(of: "\u{200D}") == 0)
        #expect(displayWidth(of: "中\u{FE00}") == 2)
        #expect(displayWidth(of: "\u{1100}\u{1161}\u{11A8}") == 2)            // Hangul jamo L V T: one syllable
    }

    @Test func emojiWithEmojiPresentationAreTwoColumns() {
        #expect(displayWidth(of: "😀") == 2)
        #expect(displayWidth(of: "👍🏽") == 2)                                   // with skin tone
        #expect(displayWidth(of: "👨‍👩‍👧") == 2)                                 // ZWJ family: one cluster
        #expect(displayWidth(of: "🇨🇳") == 2)                                  // flag
        #expect(displayWidth(of: "❤\u{FE0F}") == 2)                           // text default, emoji selected
        #expect(displayWidth(of: "❤") == 1)
    }

    @Test func controlsAndAmbiguousCharacters() {
        #expect(displayWidth(of: "\u{1B}") == 0)
        #expect(displayWidth(of: "\r\n") == 0)
        #expect(displayWidth(of: "…") == 1)                                   // ambiguous counts narrow
        #expect(displayWidth(of: "·") == 1)
    }
}
