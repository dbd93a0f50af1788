import Printing
import PrintingTestBed
import Testing

@Suite("line wrapping for Chinese and English")
struct LineWrapperTests {
    /// One unit per Latin character, two per CJK character, like a receipt printer's columns.
    static func wrapper(_ width: Double) -> LineWrapper {
        LineWrapper(width: width) { text in Double(text.reduce(0) { $0 + (LineWrapper.isWide($1) ? 2 : 1) }) }
    }

    @Test("Chinese breaks between any characters")
    func chinese() {
        #expect(Self.wrapper(8).wrap("请到服务台咨询") == ["请到服务", "台咨询"])
    }

    @Test("English breaks at spaces, never inside a word")
    func english() {
        #expect(Self.wrapper(12).wrap("Please keep it safe for later") == ["Please keep", "it safe for", "later"])
    }

    @Test("closing punctuation stays with the character before it")
    func punctuation() {
        // "咨询。" must not leave "。" alone at the start of a line.
        let lines = Self.wrapper(8).wrap("请到服务咨询。谢谢")
        #expect(lines.allSatisfy { !$0.hasPrefix("。") })
        #expect(lines.joined() == "请到服务咨询。谢谢")
    }

    @Test("mixed text breaks at the boundary between scripts")
    func mixed() {
        #expect(Self.wrapper(10).wrap("终端Kiosk 07") == ["终端Kiosk", "07"])
    }

    @Test("a word longer than the line is broken by characters")
    func longWord() {
        let lines = Self.wrapper(5).wrap("HN-2026-000042")
        #expect(lines == ["HN-20", "26-00", "0042"])
    }

    @Test("nothing is lost and no line is too wide", arguments: [4.0, 7.0, 13.0, 30.0])
    func invariants(width: Double) {
        let text = "您已领取：食品经营许可证。You have collected: Food business licence, 12345 hotline."
        let lines = Self.wrapper(width).wrap(text)
        #expect(lines.joined().filter { $0 != " " } == text.filter { $0 != " " })
        #expect(lines.allSatisfy { Self.wrapper(width).measure($0) <= width })
    }

    @Test("an empty text is one empty line")
    func empty() {
        #expect(Self.wrapper(10).wrap("") == [""])
    }
}
