import Testing
import TerminalUI

@Suite struct SanitizerTests {
    @Test func plainTextPassesUnchanged() {
        #expect(Sanitizer.clean("王小明 WANG Xiaoming") == "王小明 WANG Xiaoming")
        #expect(Sanitizer.clean("e\u{301}👨‍👩‍👧") == "e\u{301}👨‍👩‍👧")
    }

    @Test func clearScreenSequenceIsRemovedWhole() {
        #expect(Sanitizer.clean("张\u{1B}[2J三") == "张三")
        #expect(Sanitizer.clean("\u{1B}[1;31mred\u{1B}[0m") == "red")
        #expect(Sanitizer.clean("a\u{1B}[?1049lb") == "ab")
    }

    @Test func oscTitleIsRemovedWithItsPayload() {
        #expect(Sanitizer.clean("x\u{1B}]0;pwned\u{07}y") == "xy")
        #expect(Sanitizer.clean("x\u{1B}]8;;http://evil\u{1B}\\link\u{1B}]8;;\u{1B}\\y") == "xlinky")
        #expect(Sanitizer.clean("x\u{9D}2;title\u{9C}y") == "xy")                 // 8-bit OSC … ST
    }

    @Test func deviceControlAndPrivateStringsAreRemoved() {
        #expect(Sanitizer.clean("a\u{1B}P1$r0m\u{1B}\\b") == "ab")
        #expect(Sanitizer.clean("a\u{1B}_apc\u{1B}\\b") == "ab")
        #expect(Sanitizer.clean("a\u{1B}^pm\u{1B}\\b") == "ab")
        #expect(Sanitizer.clean("a\u{1B}Xsos\u{1B}\\b") == "ab")
        #expect(Sanitizer.clean("a\u{90}dcs\u{9C}b") == "ab")
    }

    @Test func twoByteAndCharsetEscapesAreRemoved() {
        #expect(Sanitizer.clean("a\u{1B}cb") == "ab")                            // RIS: full reset
        #expect(Sanitizer.clean("a\u{1B}(0b") == "ab")                           // line-drawing charset
        #expect(Sanitizer.clean("a\u{1B}") == "a")
    }

    @Test func eightBitCSIIsRemovedWhole() {
        #expect(Sanitizer.clean("a\u{9B}2Jb") == "ab")
        #expect(Sanitizer.clean("a\u{85}\u{8D}\u{9C}b") == "ab")                  // NEL, RI, a stray ST
        #expect(Sanitizer.clean("a\u{9F}apc\u{9C}b") == "ab")                       // 8-bit APC … ST
    }

    @Test func controlCharactersAreRemovedAndWhitespaceBecomesSpace() {
        #expect(Sanitizer.clean("a\u{0}b") == "ab")                              // NUL
        #expect(Sanitizer.clean("a\u{7}b") == "ab")                              // BEL
        #expect(Sanitizer.clean("a\u{7F}b") == "ab")                             // DEL
        #expect(Sanitizer.clean("a\u{8}\u{8}b") == "ab")                         // backspaces that would overwrite
        #expect(Sanitizer.clean("a\tb\nc\r\nd") == "a b c d")
    }

    @Test func bidiOverridesAndIsolatesAreRemoved() {
        #expect(Sanitizer.clean("invoice\u{202E}fdp.exe") == "invoicefdp.exe")
        #expect(Sanitizer.clean("\u{202A}\u{202B}\u{202C}\u{202D}x\u{2066}\u{2067}\u{2068}\u{2069}") == "x")
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        #expect(Sanitizer.clean(bytes: [0x41, 0xFF, 0x42]) == "A\u{FFFD}B")
        #expect(Sanitizer.clean(bytes: [0x41, 0x9B, 0x32, 0x4A]) == "A\u{FFFD}2J")  // a raw C1 byte is not UTF-8
        #expect(Sanitizer.clean(bytes: Array("证照".utf8)) == "证照")
        #expect(Sanitizer.clean(bytes: [0x1B, 0x5B, 0x32, 0x4A, 0x61]) == "a")
    }

    @Test func maxColumnsCountsDisplayWidth() {
        #expect(Sanitizer.clean("abcdef", maxColumns: 3) == "abc")
        #expect(Sanitizer.clean("证照领取", maxColumns: 5) == "证照")
        #expect(Sanitizer.clean("a\u{1B}[2Jbc", maxColumns: 2) == "ab")
        #expect(Sanitizer.clean("abc", maxColumns: 0) == "")
    }

    @Test func hostileHundredKilobyteStringStaysBounded() {
        var hostile = ""
        for index in 0..<4_000 {
            hostile += index % 2 == 0 ? "\u{1B}[2J\u{1B}]0;x\u{07}\u{9B}31m" : "名\u{202E}\u{0}"
        }
        hostile += String(repeating: "\u{301}", count: 50_000)                  // one giant cluster
        #expect(hostile.utf8.count > 100_000)
        let cleaned = Sanitizer.clean(hostile, maxColumns: 80)
        #expect(displayWidth(of: cleaned) <= 80)
        #expect(cleaned.utf8.count < 80 * 8 * 4)
        #expect(!cleaned.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(cleaned.hasPrefix("名名名"))
    }

    @Test func nothingDangerousSurvivesRandomInput() {
        var generator = SeededGenerator(seed: 8)
        let pieces: [String] = ["\u{1B}", "[", "]", "P", "\\", "\u{7}", "\u{9B}", "\u{9C}", "\u{9D}", "2J", ";",
                                "a", "中", "\u{202E}", "\u{0}", "\n", "\u{18}", "m", "\u{90}"]
        for _ in 0..<500 {
            let input = (0..<40).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let cleaned = Sanitizer.clean(input)
            #expect(!cleaned.unicodeScalars.contains {
                $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
            })
        }
    }
}
