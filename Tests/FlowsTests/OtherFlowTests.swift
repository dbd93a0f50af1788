import DeviceKit
import Flows
import Foundation
import Testing

@Suite struct OtherFlowTests {
    @Test func progressQueryByScannedCodeShowsTheCachedStatus() {
        var session = makeSession()
        session.press(.text("2"))
        #expect(session.screenText.contains("请把办件结果上的二维码对准扫描口"))
        #expect(session.handle(.codeScanned(Array("https://hyb.example/r?code=ab-2026-0042".utf8))) == [.lookupResult(code: "AB-2026-0042")])
        let result = ResultSummary(code: "AB-2026-0042", status: "ready-for-pickup",
                                   title: Localized(zhHans: "营业执照", en: "Business licence"),
                                   updatedAt: Date(timeIntervalSince1970: 1_790_000_000))
        _ = session.handle(.resultFound(result))
        #expect(session.screenText.contains("受理编号 AB-2026-0042：已制证，可以领取"))
        #expect(session.press(.text("1")) == [.sessionEnded(.finished)])
    }

    @Test func progressQueryUnknownWhileOfflineSaysItWillBeKnownOnline() {
        var session = makeSession()
        _ = session.handle(.connectivity(false))
        session.press(.text("2"), .text("1"))
        session.type("ab-77")
        #expect(session.press(.enter) == [.lookupResult(code: "AB-77")])
        _ = session.handle(.resultFound(nil))
        #expect(session.screenText.contains("终端联网后即可查询"))
    }

    @Test func progressQueryRejectsCodesWithControlBytes() {
        var session = makeSession()
        session.press(.text("2"))
        #expect(session.handle(.codeScanned(Array("AB\u{07}12".utf8))).isEmpty)
        #expect(session.screenText.contains("不是本机可以查询的办件编号"))
    }

    @Test func guidanceWithScanningSubmitReceiptAndRating() {
        var session = makeSession()
        session.press(.text("3"))
        let names = session.screen().options.map(\.label)
        #expect(names.contains("企业开办（营业执照）"))
        let index = shippedContent.services.firstIndex { $0.id == "business-licence" }!
        session.press(.text(String(index + 1)))
        #expect(session.screenText.contains("公司章程"))
        #expect(session.screenText.contains("收费：不收费"))
        #expect(session.screen().options.map(\.label) == ["扫描材料", "提交申报"])
        session.press(.text("1"))
        #expect(session.press(.text("1")) == [.scanDocuments])
        _ = session.handle(.documentsScanned(.success(2)))
        #expect(session.screenText.contains("已扫描 2 页"))
        #expect(session.press(.text("1")) == [.scanDocuments])
        _ = session.handle(.documentsScanned(.failure(DeviceError(code: .noDocuments, action: .none, detail: ""))))
        #expect(session.screenText.contains("没有扫描到材料"))
        #expect(session.press(.text("1")) == [.scanDocuments])
        _ = session.handle(.documentsScanned(.success(1)))
        let submit = session.press(.text("2"))
        #expect(submit == [.submit(Submission(serviceID: "business-licence", pages: 3, identified: false))])
        _ = session.handle(.submitted(reference: "HK-0001-20261127-0001"))
        #expect(session.screenText.contains("受理编号：HK-0001-20261127-0001"))
        session.press(.text("1"))
        let receipt = session.press(.text("1"))
        guard case .printReceipt(let printed) = receipt.first else {
            Issue.record("expected a receipt")
            return
        }
        #expect(printed.reference == "HK-0001-20261127-0001")
        #expect(printed.lines.contains(Localized(zhHans: "已扫描材料 3 页", en: "Pages scanned: 3")))
        _ = session.handle(.printFinished(.completed))
        #expect(session.press(.text("2")) == [.record(.rating(flow: "guide", level: 2, reason: nil))])
    }

    @Test func guidanceWithoutAWorkingScannerOffersOnlySubmit() {
        var session = makeSession()
        _ = session.handle(.deviceHealth(.documentScanner, .offline()))
        session.press(.text("3"), .text("1"))
        #expect(session.screen().options.map(\.label) == ["提交申报"])
        #expect(session.press(.text("1")).first == .submit(Submission(serviceID: shippedContent.services[0].id, pages: 0, identified: false)))
    }

    @Test func unhappyRatingAsksForAReasonAndGivesTheHotline() {
        var session = makeSession()
        session.press(.text("4"))
        #expect(session.screen().options.map(\.label) == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"])
        #expect(session.press(.text("4")).isEmpty)
        #expect(session.screenText.contains("请告诉我们主要原因"))
        #expect(session.press(.text("2")) == [.record(.rating(flow: "rate", level: 4, reason: "device"))])
        #expect(session.screenText.contains("12345"))
        #expect(session.press(.text("1")) == [.sessionEnded(.finished)])
    }

    @Test func helpFromAnyScreenQueuesARequestAndReturnsToTheStep() {
        var session = makeSession()
        session.press(.text("1"))
        let actions = session.press(.function(1))
        #expect(actions == [.flowStarted(flow: "help"), .record(.assistRequest(flow: "collect", step: "identify"))])
        #expect(session.screenText.contains("已为您呼叫工作人员"))
        #expect(!session.screen().commands.contains { $0.keyLabel == "F1" })
        session.press(.text("1"))
        #expect(session.position == Session.Position(flow: "collect", step: "identify"))
    }

    @Test func helpFromTheHomeMenu() {
        var session = makeSession()
        let actions = session.press(.text("5"))
        #expect(actions.contains(.record(.assistRequest(flow: "home", step: "menu"))))
        session.press(.enter)
        #expect(session.isIdle)
    }

    @Test func idleTimeoutCountsDownThenWipesTheSession() {
        var session = makeSession(idle: 5, countdown: 3)
        session.press(.function(2), .text("1"))
        _ = session.handle(.identityPresented(citizen))
        _ = session.handle(.pickupsFound([licence, permit]))
        for _ in 0..<4 { #expect(session.handle(.tick).isEmpty) }
        #expect(session.screen().notices.isEmpty)
        _ = session.handle(.tick)
        #expect(session.screenText.contains("return to the start in 3 seconds"))
        _ = session.handle(.tick)
        #expect(session.screenText.contains("in 2 seconds"))
        _ = session.handle(.tick)
        #expect(session.handle(.tick) == [.sessionEnded(.idleTimeout)])
        #expect(session.isIdle && !session.holdsIdentity)
        #expect(session.language == .zhHans)
    }

    @Test func anyKeyDuringTheCountdownKeepsTheCitizenWhereTheyWere() {
        var session = makeSession(idle: 2, countdown: 5)
        session.press(.text("4"))
        _ = session.handle(.tick)
        _ = session.handle(.tick)
        #expect(session.screenText.contains("5 秒后将返回首页"))
        #expect(session.press(.text("3")).isEmpty)
        #expect(session.screen().notices.isEmpty)
        #expect(session.position.flow == "rate")
        // The key only dismissed the countdown; the next one rates.
        #expect(session.press(.text("3")) == [.record(.rating(flow: "rate", level: 3, reason: nil))])
    }

    @Test func noIdleTimeoutWhilePrinting() {
        var session = makeSession(idle: 2, countdown: 2)
        session.press(.text("1"))
        _ = session.handle(.identityPresented(citizen))
        _ = session.handle(.pickupsFound([licence]))
        for _ in 0..<10 { #expect(session.handle(.tick).isEmpty) }
        #expect(session.position.step == "print")
    }

    @Test func idleHomeQuietlyGoesBackToTheDefaultLanguage() {
        var session = makeSession(idle: 3)
        session.press(.function(2))
        for _ in 0..<3 { #expect(session.handle(.tick).isEmpty) }
        #expect(session.language == .zhHans)
        #expect(session.screen().notices.isEmpty)
    }

    @Test func escapeStartsOverAndClosesTheKeypadFirst() {
        var session = makeSession()
        session.press(.text("1"), .text("1"))
        #expect(session.screen().field != nil)
        #expect(session.press(.escape).isEmpty)
        #expect(session.screen().field == nil)
        #expect(session.press(.escape) == [.sessionEnded(.cancelled)])
        #expect(session.isIdle)
    }

    @Test func scannedCodeClassificationByTheShippedCodesFile() throws {
        let codes = shippedContent.codes
        #expect(try codes.classify(Array("123456\r".utf8)).value(for: .pickupCode) == "123456")
        #expect(throws: CodeRejection.self) { try codes.classify([0x31, 0x00, 0x32]) }
        #expect(throws: CodeRejection.self) { try codes.classify([0xC3, 0x28]) }
        #expect(throws: CodeRejection.self) { try codes.classify(Array("AB\u{9B}2J".utf8)) }
        #expect(try codes.classify(Array("12345".utf8)).value(for: .pickupCode) == nil)
        #expect(try codes.classify(Array("123456789012".utf8)).value(for: .pickupCode) != nil)
        #expect(try codes.classify(Array("https://x.example/result/ZX-1-2".utf8)).value(for: .resultURL) == "ZX-1-2")
        #expect(try codes.classify(Array("a b".utf8)).kind == .unknown)
    }

    @Test func aCodeScannedOnTheHomeScreenStartsWhatItIsFor() {
        var session = makeSession()
        let pickup = session.handle(.codeScanned(Array("20261127\r".utf8)))
        #expect(pickup.first == .flowStarted(flow: "collect"))
        #expect(pickup.contains(.findPickups(.pickupCode("20261127"))))
        var query = makeSession()
        let result = query.handle(.codeScanned(Array("https://zwfw.example.gov.cn/r?code=zx-2026-0042".utf8)))
        #expect(result == [.flowStarted(flow: "progress"), .lookupResult(code: "ZX-2026-0042")])
        var other = makeSession()
        #expect(other.handle(.codeScanned(Array("hello there".utf8))).isEmpty)
        #expect(other.screenText.contains("这个码不是本机可以使用的码"))
        #expect(other.isIdle)
    }
}

@Suite struct PauseTests {
    @Test func pauseWaitsForTheCitizenThenShowsOutOfService() {
        var session = makeSession()
        session.press(.text("4"))
        _ = session.handle(.paused(true))
        // The citizen in front of the screen finishes first.
        #expect(session.screenText.contains("请您为本次服务评价"))
        #expect(session.press(.text("1")) == [.record(.rating(flow: "rate", level: 1, reason: nil))])
        #expect(session.press(.text("1")) == [.sessionEnded(.finished)])
        #expect(session.showsOutOfService)
        #expect(session.screen().title == "暂停服务 · Temporarily out of service")
        #expect(session.screenText.contains("本机正在维护"))
        #expect(session.screenText.contains("This kiosk is being serviced"))
        // Nothing starts while paused; the language can still be switched to read the notice.
        #expect(session.press(.text("1"), .function(1)).isEmpty)
        session.press(.function(2))
        #expect(session.screen().title == "Temporarily out of service · 暂停服务")
        _ = session.handle(.paused(false))
        #expect(session.press(.text("1")) == [.flowStarted(flow: "collect")])
    }
}
