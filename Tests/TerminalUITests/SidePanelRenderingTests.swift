import ScreenModel
import Testing
import TerminalUI

@Suite struct SidePanelRenderingTests {
    let renderer = ScreenRenderer()
    let theme = Theme.highContrast

    func screen(lines: Int, draft: String? = nil) -> Screen {
        var screen = SampleScreens.collectZh
        screen.sidePanel = SidePanel(
            title: "与工作人员对话",
            lines: (1...lines).map { SidePanel.Line(from: $0 % 2 == 0 ? "我" : "工作人员王芳", text: "第\($0)句：请把身份证放在读卡区。", isOwn: $0 % 2 == 0) },
            draft: draft, hint: draft == nil ? "按 F3 回复" : "输入后按回车发送")
        return screen
    }

    @Test func thePanelSitsOnTheRightAndTheBodyKeepsTheRest() throws {
        let buffer = renderer.render(screen(lines: 2), columns: 100, rows: 30).buffer
        let title = try #require(buffer.locate("与工作人员对话"))
        #expect(title.column > 60 && title.row == 1)
        #expect(buffer[title.column - 2, 5].text == "│")
        let first = try #require(buffer.locate("工作人员王芳:"))
        let text = try #require(buffer.locate("第1句"))
        #expect(text.row == first.row + 1)
        let hint = try #require(buffer.locate("按 F3 回复"))
        #expect(hint.row == 26 - 1 && buffer[hint.column, hint.row].style == theme.muted)
        // The body's option is drawn left of the panel, whole.
        let option = try #require(buffer.locate(" 1  刷身份证领取"))
        #expect(option.column < title.column - 2)
        // Nothing of the body crosses the separator.
        for row in 1..<26 { #expect(buffer[title.column - 2, row].text == "│") }
    }

    @Test func theNewestLinesWinWhenTheConversationIsLong() throws {
        let buffer = renderer.render(screen(lines: 30, draft: "好的"), columns: 90, rows: 24).buffer
        #expect(buffer.locate("第30句") != nil)
        #expect(buffer.locate("第1句") == nil)
        let draft = try #require(buffer.locate("> 好的"))
        #expect(buffer.locate("输入后按回车发送")?.row == draft.row + 1)
    }

    @Test func aNarrowScreenShowsTheLatestLinesInTheBodyInstead() throws {
        let buffer = renderer.render(screen(lines: 5), columns: 60, rows: 24).buffer
        #expect(buffer.locate("│") == nil)
        #expect(buffer.locate("第5句") != nil)
        #expect(buffer.locate("第1句") == nil)
    }

    @Test func panelTextIsSanitised() {
        var hostile = screen(lines: 1)
        hostile.sidePanel?.lines = [SidePanel.Line(from: "王芳", text: "hi\u{1B}]0;pwned\u{07} there", isOwn: false)]
        let buffer = renderer.render(hostile, columns: 100, rows: 30).buffer
        let all = (0..<30).map { buffer.text(ofRow: $0) }.joined()
        #expect(!all.contains("\u{1B}") && !all.contains("\u{07}"))
        #expect(all.contains("hi"))
    }
}
