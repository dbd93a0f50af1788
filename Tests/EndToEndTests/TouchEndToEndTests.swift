import Foundation
import Testing

/// A citizen at a touch-only kiosk: `kioskd --demo` in tmux, and nothing but taps (SGR mouse reports
/// written to its terminal, as a touch console sends them) from the first screen to the last: a
/// certificate by ID card, one by a pickup code typed on the on-screen keypad, a passport's details
/// on the on-screen keyboard, a rating, Help, and a hall operator's takeover answered and ended.
@Suite(.serialized) struct TouchEndToEndTests {
    @Test(.timeLimit(.minutes(4))) func aWholeVisitByTapsAlone() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touch-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The kiosk's pane is 80×24, the smallest screen it is made for; the operator's is below it.
        let (kiosk, screen, operatorPane) = try await RemoteWindowEndToEndTests.attendedKiosk(
            columns: 80, rows: 50, operatorRows: 25, folder: folder)
        @discardableResult func waitFor(_ text: String, in pane: String? = nil, timeout: TimeInterval = 20) async throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            while Date() < deadline {
                last = try kiosk.screen(pane: pane ?? screen)
                if last.contains(text) { return last }
                try await Task.sleep(for: .milliseconds(40))
            }
            throw HarnessError(description: "waited \(timeout)s for \"\(text)\"; the screen shows:\n\(last)")
        }
        func tap(_ label: String, onRowWith anchor: String? = nil) async throws {
            try await kiosk.tap(label, onRowWith: anchor, pane: screen)
        }
        /// From "take it from the tray" to the home screen: no receipt, and a rating of `level`.
        func takeItAndRate(_ level: String) async throws {
            try await waitFor("证照已打印好")
            try await tap("我已取走")
            try await waitFor("需要打印一张领取回执吗")
            try await tap("不用了")
            try await waitFor("请您为本次服务评价")
            try await tap(level)
            try await waitFor("感谢您的评价")
            try await tap("完成")
            try await waitFor("您好！请选择要办理的事项")
        }
        try await waitFor("HK-DEMO-01", in: operatorPane)

        // 1. By ID card.
        try await tap("证照领取")
        let identify = try await waitFor("请把身份证平放在读卡区")
        #expect(identify.contains("输入取件码") && identify.contains("输入护照信息"))
        #expect(try kiosk.ctl("sim", "insert-card").status == 0)
        try await waitFor("您有 2 份证照可以领取")
        try await tap("营业执照")
        try await takeItAndRate("满意")
        #expect(try kiosk.ctl("sim", "remove-card").status == 0)

        // 2. By a pickup code typed on the on-screen keypad, with one digit taken back.
        try await tap("证照领取")
        try await tap("输入取件码")
        let keypad = try await waitFor("删除")
        #expect(keypad.contains("确认") && !keypad.contains("Backspace"))
        for digit in ["8", "8", "0", "0", "1", "2", "3", "9"] { try await tap(digit, onRowWith: "删除") }
        try await waitFor("[ 88001239")
        try await tap("删除")
        try await tap("4", onRowWith: "删除")
        try await waitFor("[ 88001234")
        try await tap("确认", onRowWith: "删除")
        try await takeItAndRate("非常满意")

        // 3. A passport's details on the on-screen keyboard; Help on the way, and back.
        #expect(try kiosk.ctl("sim", "place-passport").status == 0)
        try await tap("证照领取")
        try await tap("输入护照信息")
        try await waitFor("护照号码")
        try await tap("求助")
        try await waitFor("已为您呼叫工作人员")
        try await tap("继续办理")
        try await waitFor("第 1 步，共 3 步")             // back where they were
        for character in "L898902C3".map(String.init) {
            try await tap(character, onRowWith: character.first!.isNumber ? "删除" : nil)
        }
        try await waitFor("[ L898902C3")
        try await tap("确认", onRowWith: "删除")
        try await waitFor("出生日期")
        for digit in "740812".map(String.init) { try await tap(digit, onRowWith: "删除") }
        try await tap("确认", onRowWith: "删除")
        try await waitFor("有效期至")
        for digit in "120415".map(String.init) { try await tap(digit, onRowWith: "删除") }
        try await tap("确认", onRowWith: "删除")
        try await waitFor("暂时没有可以领取的证照")        // the specimen passport has nothing waiting

        // 4. A hall operator asks to take over: the citizen agrees by tap, chats by a ready answer,
        // and takes the kiosk back by tap.
        _ = try run("/usr/bin/env", ["tmux", "send-keys", "-t", operatorPane, "-l", "/takeover"])
        _ = try run("/usr/bin/env", ["tmux", "send-keys", "-t", operatorPane, "Enter"])
        try await waitFor("远程协助请求")
        try await tap("同意")
        try await waitFor("正在远程协助您")
        _ = try run("/usr/bin/env", ["tmux", "send-keys", "-t", operatorPane, "-l", "请问还需要什么帮助？"])
        _ = try run("/usr/bin/env", ["tmux", "send-keys", "-t", operatorPane, "Enter"])
        try await waitFor("请问还需要什么帮助")
        try await tap("回复")
        try await tap("好的，谢谢。")
        try await waitFor("citizen: 好的，谢谢。", in: operatorPane)
        try await tap("结束远程协助")
        try await waitFor("takeover ended (citizen)", in: operatorPane)

        #expect(try kiosk.isRunning())
        #expect(try kiosk.sql("SELECT group_concat(type, ' ') FROM (SELECT type FROM outbox_item WHERE type IN ('collection', 'rating') ORDER BY id)")
                == "collection rating collection rating")
        #expect(try kiosk.sql("SELECT group_concat(json_extract(payload, '$.level'), ' ') FROM (SELECT payload FROM outbox_item WHERE type = 'rating' ORDER BY id)")
                == "2 1")
        #expect(try kiosk.sql("SELECT group_concat(state, ' ') FROM (SELECT state FROM pickup ORDER BY id)") == "collected ready collected")
    }
}
