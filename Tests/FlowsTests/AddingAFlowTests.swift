import Flows
import Foundation
import ScreenModel
import Testing

/// docs/ARCHITECTURE.md, "How to add a flow", followed as written: a flow made of the step kinds
/// that exist is data only. One new file in `flows/`, its texts in both locale files, and a line
/// in the home menu; no Swift file changes.
@Suite struct AddingAFlowTests {
    static let flow = """
        # Opening hours of the hall's counters, from the home screen.
        id: hours
        title: hours.title
        start: show
        steps:
          show:
            kind: message
            text: hours.body
            on: {continue: end}
        """

    @Test func aFlowOfExistingStepKindsIsFourDataEditsAndNoCode() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-flow-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: kioskDirectory, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        // 1. The flow.
        try Self.flow.write(to: copy.appendingPathComponent("flows/hours.yaml"), atomically: true, encoding: .utf8)
        // 2 and 3. Its texts, in every locale.
        for (language, title, body) in [("zh-Hans", "办事时间", "窗口办理时间：周一至周五 9:00–17:00。"),
                                        ("en", "Opening hours", "The counters are open Monday to Friday, 9:00–17:00.")] {
            let url = copy.appendingPathComponent("locales/\(language).yaml")
            let text = try String(contentsOf: url, encoding: .utf8)
            try (text + "\nhours:\n  title: \(title)\n  body: \(body)\n  menu: \(title)\n").write(to: url, atomically: true, encoding: .utf8)
        }
        // 4. A line in the home menu.
        let home = copy.appendingPathComponent("flows/home.yaml")
        let menu = try String(contentsOf: home, encoding: .utf8)
        try (menu + "      - {label: hours.menu, goto: hours}\n").write(to: home, atomically: true, encoding: .utf8)

        let content = try KioskContent.load(from: copy, displayDirectory: "Kiosk")
        #expect(content.flows["hours"] != nil)
        var session = Session(content: content, settings: SessionSettings(idleSeconds: 60, countdownSeconds: 10, kioskID: "HK-0001"))
        #expect(session.screen().options.contains { $0.label == "办事时间" })
        let number = try #require(session.screen().options.first { $0.label == "办事时间" }?.key)
        session.press(number)
        #expect(session.position.flow == "hours")
        #expect(session.screenText.contains("窗口办理时间"))
        session.press(.function(2))
        #expect(session.screenText.contains("The counters are open"))
    }
}
