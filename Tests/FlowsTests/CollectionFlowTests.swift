import DeviceKit
import Flows
import Testing

@Suite struct CollectionFlowTests {
    @Test func homeScreenInChineseWithLanguageSwitchAndHelp() {
        var session = makeSession()
        let home = session.screen()
        #expect(home.title == "政务服务自助终端")
        #expect(home.options.map(\.label) == ["证照领取", "扫码查询办件进度", "办事指南与自助申报", "服务评价（好差评）", "求助工作人员"])
        #expect(home.commands.map(\.keyLabel) == ["F1", "F2"])
        #expect(home.commands.map(\.label) == ["求助", "English"])
        session.press(.function(2))
        #expect(session.screen().title == "Government Self-Service Kiosk")
        #expect(session.screen().commands.map(\.label) == ["Help", "中文"])
    }

    @Test func collectByCardWithOneCertificateToTheEnd() {
        var session = makeSession()
        #expect(session.press(.text("1")) == [.flowStarted(flow: "collect")])
        #expect(session.screenText.contains("请把身份证平放在读卡区"))
        #expect(session.handle(.identityPresented(citizen)) == [.findPickups(.holder(citizen))])
        #expect(session.screen().commands.isEmpty == false)
        #expect(session.handle(.pickupsFound([licence])) == [.printCertificate(licence)])
        #expect(session.screenText.contains("正在打印《营业执照》"))
        // While printing, the citizen cannot cancel or wander off into Help.
        #expect(session.press(.escape, .function(1)).isEmpty)
        #expect(session.position.step == "print")
        #expect(session.handle(.printFinished(.completed)) == [.recordCollection(licence, flow: "collect")])
        #expect(session.screenText.contains("请从出证口取走"))
        session.press(.text("1"))
        #expect(session.position.step == "receipt")
        #expect(session.press(.text("2")).isEmpty)
        #expect(session.position.step == "rate")
        #expect(session.press(.text("1")) == [.record(.rating(flow: "collect", level: 1, reason: nil))])
        #expect(session.screenText.contains("感谢您的评价"))
        #expect(session.press(.text("1")) == [.sessionEnded(.finished)])
        #expect(session.isIdle)
        #expect(!session.holdsIdentity)
    }

    @Test func severalCertificatesAreChosenByNumberAndTheNameIsMaskedAndPersonal() {
        var session = makeSession()
        session.press(.text("1"))
        _ = session.handle(.identityPresented(citizen))
        #expect(session.handle(.pickupsFound([licence, permit])).isEmpty)
        let screen = session.screen()
        #expect(screen.options.map(\.label) == ["营业执照", "食品经营许可证"])
        let hello = screen.paragraphs.first { $0.text.contains("测*样") }
        #expect(hello?.isPersonal == true)
        #expect(!session.screenText.contains("测试样"))
        #expect(session.press(.text("2")) == [.printCertificate(permit)])
    }

    @Test func pickupCodeTypedOnTheKeypad() {
        var session = makeSession()
        session.press(.text("1"), .text("1"))
        #expect(session.screen().field?.label == "取件码")
        session.type("12345")
        #expect(session.press(.enter).isEmpty)
        #expect(session.screenText.contains("不是本机可以使用的取件码"))
        session.type("6x7")
        session.press(.backspace)
        #expect(session.screen().field?.value == "123456")
        session.type("7")
        #expect(session.press(.enter) == [.findPickups(.pickupCode("1234567"))])
    }

    @Test func pickupCodeFromTheScannerAndHostileCodes() {
        var session = makeSession()
        session.press(.text("1"))
        #expect(session.handle(.codeScanned(Array("\u{1B}[2J12345678".utf8))).isEmpty)
        #expect(session.screenText.contains("不是本机可以使用的取件码"))
        #expect(session.handle(.codeScanned([0xFF, 0xFE, 0x31])).isEmpty)
        #expect(session.handle(.codeScanned(Array(repeating: 0x31, count: 100_000))).isEmpty)
        #expect(session.position.step == "identify")
        #expect(session.handle(.codeScanned(Array("88776655\r\n".utf8))) == [.findPickups(.pickupCode("88776655"))])
    }

    @Test func nothingReadySaysWhereToAsk() {
        var session = makeSession()
        session.press(.text("1"))
        _ = session.handle(.identityPresented(citizen))
        #expect(session.handle(.pickupsFound([])).isEmpty)
        #expect(session.screenText.contains("暂时没有可以领取的证照"))
        #expect(session.press(.enter) == [.sessionEnded(.finished)])
    }

    @Test func printerFailingMidJobLeavesThePickupUncollectedAndAlertsTheOperator() {
        var session = makeSession()
        session.press(.text("1"))
        _ = session.handle(.identityPresented(citizen))
        _ = session.handle(.pickupsFound([licence]))
        let error = DeviceError(code: .mediaEmpty, action: .replenish, detail: "paper ran out")
        let actions = session.handle(.printFinished(.failed(error)))
        #expect(actions.count == 1)
        guard case .alertOperator(let alert) = actions.first else {
            Issue.record("expected an operator alert, got \(actions)")
            return
        }
        #expect(alert.code == "print-failed")
        #expect(alert.detail.contains("P-1001") && alert.detail.contains("media-empty"))
        #expect(!actions.contains { if case .recordCollection = $0 { true } else { false } })
        #expect(session.screenText.contains("打印机在证照打印出来之前停止了"))
        #expect(session.screen().paragraphs.first?.style == .warning)
    }

    @Test func cardRemovedMidFlowEndsTheVisitAndWipesTheIdentity() {
        var session = makeSession()
        session.press(.text("1"))
        _ = session.handle(.identityPresented(citizen))
        _ = session.handle(.pickupsFound([licence, permit]))
        #expect(session.holdsIdentity)
        #expect(session.handle(.identityRemoved).isEmpty)
        #expect(!session.holdsIdentity)
        #expect(session.screenText.contains("身份证已移开"))
        #expect(session.press(.text("1")) == [.sessionEnded(.finished)])
    }

    @Test func unhealthyCertificatePrinterMakesCollectionUnavailableOnHome() {
        var session = makeSession()
        _ = session.handle(.deviceHealth(.certificatePrinter, DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish)))
        let home = session.screen()
        #expect(home.options[0].isEnabled == false)
        #expect(home.options[0].detail == "暂停服务：打印机缺纸")
        #expect(home.notices.contains { $0.text.contains("证照领取暂停服务：打印机缺纸") })
        #expect(session.press(.text("1")).isEmpty)
        #expect(session.position.flow == "home")
        _ = session.handle(.deviceHealth(.certificatePrinter, .online))
        #expect(session.screen().options[0].isEnabled)
        #expect(session.press(.text("1")) == [.flowStarted(flow: "collect")])
    }

    @Test func receiptIsPrintedWhenAskedAndItsFailureIsNotTheCitizensProblem() {
        var session = makeSession()
        session.press(.text("1"))
        _ = session.handle(.identityPresented(citizen))
        _ = session.handle(.pickupsFound([licence]))
        _ = session.handle(.printFinished(.completed))
        session.press(.text("1"))
        let actions = session.press(.text("1"))
        guard case .printReceipt(let receipt) = actions.first else {
            Issue.record("expected a receipt, got \(actions)")
            return
        }
        #expect(receipt.title.zhHans == "证照领取回执" && receipt.title.en == "Certificate collection receipt")
        #expect(receipt.reference == "P-1001")
        _ = session.handle(.printFinished(.failed(DeviceError(code: .mediaJam, action: .maintenance, detail: ""))))
        #expect(session.screenText.contains("回执没有打印出来"))
        session.press(.enter)
        #expect(session.position.step == "rate")
    }

    @Test func unusableReceiptPrinterSkipsTheReceiptOffer() {
        var session = makeSession()
        _ = session.handle(.deviceHealth(.receiptPrinter, .offline()))
        session.press(.text("1"))
        _ = session.handle(.identityPresented(citizen))
        _ = session.handle(.pickupsFound([licence]))
        _ = session.handle(.printFinished(.completed))
        session.press(.text("1"))
        #expect(session.position.step == "rate")
    }

    @Test func collectionInEnglish() {
        var session = makeSession()
        session.press(.function(2), .text("1"))
        #expect(session.screenText.contains("Please place your ID card flat on the reader."))
        _ = session.handle(.identityPresented(citizen))
        _ = session.handle(.pickupsFound([licence]))
        #expect(session.screenText.contains("Printing \"Business licence\""))
        _ = session.handle(.printFinished(.completed))
        #expect(session.screenText.contains("Please take it from the output tray"))
    }
}
