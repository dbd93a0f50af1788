import ScreenModel
import TerminalUI

/// Screens like the ones the certificate-collection flow shows, in both languages.
enum SampleScreens {
    static let commandsZh = [
        Screen.Command(key: .function(1), keyLabel: "F1", label: "求助"),
        Screen.Command(key: .function(2), keyLabel: "F2", label: "English"),
        Screen.Command(key: .escape, keyLabel: "Esc", label: "返回"),
    ]

    static let collectZh = Screen(
        language: .zhHans,
        title: "证照领取",
        paragraphs: [Screen.Paragraph("请选择领取方式。证照已办结的，可以刷身份证领取，也可以输入短信里的取件码领取。")],
        options: [
            Screen.Option(key: .text("1"), label: "刷身份证领取", detail: "请把身份证平放在感应区"),
            Screen.Option(key: .text("2"), label: "输入取件码领取", detail: "取件码见短信或海易办"),
            Screen.Option(key: .text("3"), label: "扫码查询办件进度", detail: "扫码器维护中，请到服务台咨询", isEnabled: false),
        ],
        notices: [Screen.Paragraph("打印机纸张不足，部分证照暂停打印", style: .warning)],
        commands: commandsZh,
        statusLine: "KIOSK-HK-0001 | 在线 | 21:30")

    static let collectEn = Screen(
        language: .en,
        title: "Collect a certificate",
        paragraphs: [Screen.Paragraph("Choose how to collect your certificate. If it is ready, you can place your ID card "
                               + "on the reader, or type the pickup code from the text message you received.")],
        options: [
            Screen.Option(key: .text("1"), label: "Use my ID card", detail: "Place the card flat on the reader"),
            Screen.Option(key: .text("2"), label: "Type a pickup code"),
        ],
        commands: [
            Screen.Command(key: .function(1), keyLabel: "F1", label: "Help"),
            Screen.Command(key: .function(2), keyLabel: "F2", label: "中文"),
            Screen.Command(key: .escape, keyLabel: "Esc", label: "Back"),
        ],
        statusLine: "KIOSK-HK-0001 | online")

    static func pickupCode(_ value: String) -> Screen {
        Screen(
            language: .zhHans,
            title: "输入取件码",
            paragraphs: [Screen.Paragraph("请输入短信中的 6 位取件码，然后按确认。")],
            field: Screen.InputField(label: "取件码", value: value, placeholder: "6 位数字", maxLength: 6),
            notices: [],
            commands: commandsZh,
            statusLine: "KIOSK-HK-0001 | 在线")
    }

    static let personal = Screen(
        language: .zhHans,
        title: "核对身份信息",
        paragraphs: [
            Screen.Paragraph("请核对以下信息："),
            Screen.Paragraph("姓名：王小明", isPersonal: true),
            Screen.Paragraph("证件号码：460102199001011234", isPersonal: true),
        ],
        options: [
            Screen.Option(key: .text("1"), label: "王小明的营业执照", detail: "海口市市场监督管理局", isPersonal: true),
            Screen.Option(key: .enter, label: "确认领取"),
        ],
        field: Screen.InputField(label: "手机号", value: "13800001234", placeholder: "", maxLength: 11),
        commands: commandsZh,
        statusLine: "KIOSK-HK-0001 | 在线")
}

extension CellBuffer {
    /// The (column, row) where `needle` is drawn, comparing cell by cell.
    func locate(_ needle: String) -> (column: Int, row: Int)? {
        let wanted = needle.map(String.init)
        for row in 0..<rows {
            var drawn: [(column: Int, text: String)] = []
            for column in 0..<columns where !self[column, row].isContinuation {
                drawn.append((column, self[column, row].text))
            }
            guard drawn.count >= wanted.count else { continue }
            for start in 0...(drawn.count - wanted.count)
            where (0..<wanted.count).allSatisfy({ drawn[start + $0].text == wanted[$0] }) {
                return (drawn[start].column, row)
            }
        }
        return nil
    }
}
