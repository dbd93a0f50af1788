import DeviceKit
import Flows
import ScreenModel
import Testing

@Suite("Remote assistance in the session")
struct RemoteAssistanceTests {
    @Test func aTakeoverRequestAsksTheCitizenAndNothingElseHappensUntilTheyAnswer() {
        var session = makeSession()
        session.press(.text("1"))
        #expect(session.handle(.remote(.consentRequested(operator: "王芳"))).isEmpty)
        let text = session.screenText
        #expect(text.contains("远程协助请求"))
        #expect(text.contains("工作人员王芳请求远程操作本机"))
        #expect(text.contains("同意") && text.contains("不同意"))
        // Other keys wait for the answer, whoever sends them.
        #expect(session.press(.text("3"), .enter, .function(1)).isEmpty)
        #expect(session.position == Session.Position(flow: "collect", step: "identify"))
        // The language can still be switched to read the question.
        session.press(.function(2))
        #expect(session.screenText.contains("Staff member 王芳 asks to operate this kiosk"))
        #expect(session.press(.text("1")) == [.remote(.answerConsent(true))])
        #expect(!session.screenText.contains("Remote assistance request"))
        #expect(session.position == Session.Position(flow: "collect", step: "identify"))
    }

    @Test func declineWithTwoOrEscape() {
        var session = makeSession()
        _ = session.handle(.remote(.consentRequested(operator: "王芳")))
        #expect(session.press(.text("2")) == [.remote(.answerConsent(false))])
        _ = session.handle(.remote(.consentRequested(operator: "王芳")))
        #expect(session.press(.escape) == [.remote(.answerConsent(false))])
        #expect(session.isIdle)
    }

    @Test func theBannerShowsWhileControlledAndF12EndsIt() {
        var session = makeSession()
        session.press(.text("1"))
        _ = session.handle(.remote(.takeoverStarted(operator: "王芳")))
        let screen = session.screen()
        #expect(screen.notices.first?.text == "工作人员王芳正在远程协助您。您可以随时按 F12 结束。")
        #expect(screen.commands.contains { $0.keyLabel == "F12" && $0.label == "结束远程协助" })
        #expect(session.press(.function(12)) == [.remote(.endTakeover)])
        #expect(!session.screenText.contains("F12"))
        // F12 does nothing when nobody controls the kiosk.
        #expect(session.press(.function(12)).isEmpty)
    }

    @Test func operatorChatShowsInThePanelAndTheCitizenReplies() {
        var session = makeSession()
        session.press(.function(2), .text("1"))
        #expect(session.screen().sidePanel == nil)
        _ = session.handle(.remote(.chat(operator: "王芳", text: "Please place your card on the reader.")))
        var panel = session.screen().sidePanel
        #expect(panel?.title == "Chat with staff")
        #expect(panel?.lines == [SidePanel.Line(from: "Staff 王芳", text: "Please place your card on the reader.", isOwn: false)])
        #expect(panel?.hint == "Tap Reply (or press F3) to answer")
        #expect(session.screen().commands.contains { $0.keyLabel == "F3" })
        // F3 opens the reply box; typed keys go there, not to the flow.
        #expect(session.press(.function(3)).isEmpty)
        #expect(session.type("OK 1").isEmpty)
        session.press(.backspace)
        #expect(session.screen().sidePanel?.draft == "OK ")
        #expect(session.position == Session.Position(flow: "collect", step: "identify"))
        #expect(session.press(.enter) == [.remote(.sendChat("OK"))])
        panel = session.screen().sidePanel
        #expect(panel?.lines.last == SidePanel.Line(from: "Me", text: "OK", isOwn: true))
        #expect(panel?.draft == nil)
        // Control characters never reach the draft; an empty reply sends nothing.
        session.press(.function(3))
        _ = session.handle(.key(.text("\u{1B}[2J")))
        #expect(session.screen().sidePanel?.draft == "")
        #expect(session.press(.enter).isEmpty)
    }

    @Test func aCitizenWithoutAKeyboardRepliesWithAReadyAnswer() {
        var session = makeSession()
        session.press(.text("1"), .text("1"))                           // collect, then the pickup code's keypad
        #expect(session.screen().keypad?.layout == .digits)
        _ = session.handle(.remote(.chat(operator: "王芳", text: "请问需要帮忙吗？")))
        #expect(session.screen().commands.contains { $0.key == .function(3) && $0.label == "回复" })
        session.press(.function(3))
        let open = session.screen()
        // The ready answers stand where the step's buttons were; the keypad gives way to them.
        #expect(open.options.map(\.label) == ["好的，谢谢。", "请您再说一遍。", "请稍等。", "请您过来帮我一下。"])
        #expect(open.options.map(\.key) == [.function(5), .function(6), .function(7), .function(8)])
        #expect(open.keypad == nil)
        #expect(open.commands.contains { $0.key == .escape && $0.label == "取消回复" })
        #expect(session.press(.function(8)) == [.remote(.sendChat("请您过来帮我一下。"))])
        #expect(session.screen().sidePanel?.lines.last == SidePanel.Line(from: "我", text: "请您过来帮我一下。", isOwn: true))
        // Closed again: the keypad is back, and a ready answer's key does nothing.
        #expect(session.screen().keypad?.layout == .digits)
        #expect(session.press(.function(5)).isEmpty)
        #expect(session.screen().sidePanel?.lines.count == 2)
    }

    @Test func theChatIsWipedWithTheVisitButAHeldTakeoverStaysUntilTheWindowEndsIt() {
        var session = makeSession()
        session.press(.text("1"))
        _ = session.handle(.remote(.chat(operator: "王芳", text: "您好")))
        _ = session.handle(.remote(.takeoverStarted(operator: "王芳")))
        #expect(session.press(.escape) == [.sessionEnded(.cancelled)])
        let panel = session.screen().sidePanel
        #expect(panel?.lines.isEmpty == true)
        _ = session.handle(.remote(.takeoverEnded))
        #expect(session.screen().sidePanel == nil)
    }

    @Test func helpSaysAnOperatorHasItWhenOneWasAttached() {
        var session = makeSession()
        session.press(.function(2), .text("5"))
        #expect(!session.screenText.contains("panel on the right"))
        _ = session.handle(.remote(.helpDelivered(toOperators: true)))
        #expect(session.screenText.contains("A staff member has your request and will talk to you in the panel on the right."))
    }

    @Test func anIdentityCheckAsksForTheDocumentUntilOneIsPresented() {
        var session = makeSession()
        session.press(.text("1"))
        _ = session.handle(.remote(.identityCheckRequested(operator: "王芳")))
        #expect(session.screenText.contains("工作人员王芳请您把身份证件放到读卡区"))
        _ = session.handle(.identityPresented(citizen))
        #expect(!session.screenText.contains("工作人员王芳请您把身份证件放到读卡区"))
    }
}
