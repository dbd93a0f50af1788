import Foundation
import Testing

/// A citizen at the real kiosk: `kioskd --demo` in tmux, keys typed as on the kiosk's keypad, the
/// devices played with `kioskctl sim`, and the outcome read back from the kiosk's database.
@Suite(.serialized) struct CitizenEndToEndTests {
    @Test func homeScreenIsChineseWithTheEnglishSwitch() async throws {
        let kiosk = try await KioskUnderTest()
        let screen = try kiosk.screen()
        #expect(screen.contains("证照领取"))
        #expect(screen.contains("F2  English"))
        #expect(screen.contains("F1  求助"))
        try await kiosk.press("F2")
        let english = try await kiosk.waitFor("Government Self-Service Kiosk")
        #expect(english.contains("Collect a certificate"))
        #expect(english.contains("F2  中文"))
    }

    @Test func collectingACertificateByIDCardInChinese() async throws {
        let kiosk = try await KioskUnderTest()
        try await kiosk.press("1")
        try await kiosk.waitFor("请把身份证平放在读卡区")
        #expect(try kiosk.ctl("sim", "insert-card").status == 0)
        let choose = try await kiosk.waitFor("您有 2 份证照可以领取")
        #expect(choose.contains("测*样"))
        #expect(!choose.contains("测试样"))
        try await kiosk.press("1")
        try await kiosk.waitFor("正在打印《营业执照》")
        try await kiosk.waitFor("证照已打印好，请从出证口取走")
        try await kiosk.press("1")
        try await kiosk.waitFor("需要打印一张领取回执吗")
        try await kiosk.press("1")
        try await kiosk.waitFor("请您为本次服务评价")
        try await kiosk.press("2")
        try await kiosk.waitFor("感谢您的评价")
        try await kiosk.press("1")
        try await kiosk.waitFor("您好！请选择要办理的事项")
        #expect(try kiosk.outboxRows() == ["collection pending", "rating pending"])
        #expect(try kiosk.sql("SELECT state FROM pickup WHERE id = 'P-2026-000101'") == "collected")
        #expect(try kiosk.sql("SELECT state FROM pickup WHERE id = 'P-2026-000102'") == "ready")
        let rating = try kiosk.sql("SELECT json_extract(payload, '$.level') || ' ' || json_extract(payload, '$.flow') FROM outbox_item WHERE type = 'rating'")
        #expect(rating == "2 collect")
        // Nothing personal reaches the queue.
        #expect(try kiosk.sql("SELECT count(*) FROM outbox_item WHERE payload LIKE '%460100199001010027%' OR payload LIKE '%测试样%'") == "0")
    }

    @Test func collectingByPickupCodeInEnglish() async throws {
        let kiosk = try await KioskUnderTest()
        try await kiosk.press("F2", "1")
        try await kiosk.waitFor("Please place your ID card flat on the reader.")
        #expect(try kiosk.ctl("sim", "scan", "88001234").status == 0)
        try await kiosk.waitFor("Printing \"Residence permit\"")
        try await kiosk.waitFor("Your certificate is ready. Please take it from the output tray")
        try await kiosk.press("1")
        try await kiosk.waitFor("Would you like a printed receipt?")
        try await kiosk.press("2")
        try await kiosk.waitFor("How satisfied are you with this service?")
        try await kiosk.press("1")
        try await kiosk.waitFor("Thank you for your rating.")
        try await kiosk.press("1")
        // The visit is over: the next citizen gets the default language.
        try await kiosk.waitFor("您好！请选择要办理的事项")
        #expect(try kiosk.outboxRows() == ["collection pending", "rating pending"])
        #expect(try kiosk.sql("SELECT state FROM pickup WHERE id = 'P-2026-000103'") == "collected")
    }

    @Test func printerRunningOutOfPaperMidJob() async throws {
        let kiosk = try await KioskUnderTest()
        try await kiosk.press("1")
        try await kiosk.waitFor("请把身份证平放在读卡区")
        try kiosk.ctl("sim", "insert-card")
        try await kiosk.waitFor("您有 2 份证照可以领取")
        try await kiosk.press("2")
        try await kiosk.waitFor("正在打印《食品经营许可证》")
        #expect(try kiosk.ctl("sim", "printer", "paper-out").status == 0)
        let failed = try await kiosk.waitFor("打印机在证照打印出来之前停止了")
        #expect(failed.contains("您的证照没有被领走"))
        #expect(try kiosk.sql("SELECT state FROM pickup WHERE id = 'P-2026-000102'") == "ready")
        let rows = try kiosk.outboxRows()
        #expect(!rows.contains("collection pending"))
        #expect(try kiosk.sql("SELECT count(*) FROM outbox_item WHERE type = 'device-alert' AND json_extract(payload, '$.code') = 'print-failed'") == "1")
        #expect(try kiosk.sql("SELECT count(*) FROM outbox_item WHERE type = 'device-alert' AND json_extract(payload, '$.reason') = 'media-empty'") == "1")
        // The operator sees what to do; the home screen says the service is paused and why.
        let status = try kiosk.ctl("status")
        #expect(status.output.contains("a4-printer") && status.output.contains("media-empty") && status.output.contains("replenish"))
        try await kiosk.press("1")
        let home = try await kiosk.waitFor("证照领取暂停服务：打印机缺纸")
        #expect(home.contains("暂停服务：打印机缺纸"))
        try kiosk.ctl("sim", "printer", "recover")
        try await kiosk.waitUntil("the notice to go") { !(try kiosk.screen().contains("暂停服务")) }
    }

    @Test func cardRemovedMidFlowEndsTheVisit() async throws {
        let kiosk = try await KioskUnderTest()
        try await kiosk.press("1")
        try await kiosk.waitFor("请把身份证平放在读卡区")
        try kiosk.ctl("sim", "insert-card")
        try await kiosk.waitFor("测*样")
        #expect(try kiosk.ctl("sim", "remove-card").status == 0)
        let ended = try await kiosk.waitFor("身份证已移开，为保护您的信息，本次办理已结束")
        #expect(!ended.contains("测*样"))
        try await kiosk.press("1")
        try await kiosk.waitFor("您好！请选择要办理的事项")
        #expect(try kiosk.outboxRows().isEmpty)
    }

    @Test func hostileCodesAndNamesAreShownHarmlessly() async throws {
        let kiosk = try await KioskUnderTest()
        try await kiosk.press("1")
        try await kiosk.waitFor("请把身份证平放在读卡区")
        try kiosk.ctl("sim", "scan", "\u{1B}[2J\u{1B}]0;pwned\u{07}12345678\u{1B}[31m")
        let refused = try await kiosk.waitFor("这个码不是本机可以使用的取件码")
        #expect(refused.contains("证照领取"), "the screen was not cleared")
        #expect(try kiosk.ctl("sim", "insert-card", "--name", "测\u{1B}[2J\u{1B}[H\u{9B}31m试样\u{07}").status == 0)
        let choose = try await kiosk.waitFor("您有 2 份证照可以领取")
        #expect(choose.contains("证照领取"), "the title survived")
        #expect(choose.contains("您好，测"))
        #expect(!choose.contains("[2J") && !choose.contains("pwned"))
        #expect(try kiosk.isRunning())
    }
}
