import Foundation
import PrintingTestBed
import Testing

/// The demo's certificate collection once more, with a real CUPS queue (private cupsd +
/// ippeveprinter) as the certificate printer: the citizen is told to take the certificate only
/// after the job completed, the spool holds the certificate, and a printer that dies leaves the
/// pickup uncollected with a plain message and an operator alert; an operator prints it again.
@Suite(.serialized) struct PrintingEndToEndTests {
    static func kioskWithCUPS(_ bed: PrintBed) throws -> KioskCopy {
        let copy = try KioskCopy()
        try copy.edit("Kiosk/kiosk.yaml", replacing: "{id: a4-printer, model: sim-printer, role: certificate-printer}",
                      with: "{id: a4-printer, model: cups-ipp-everywhere, role: certificate-printer, connection: {queue: kiosk, server: \"127.0.0.1:\(bed.cupsPort)\", job-timeout-seconds: \"20\"}}")
        return copy
    }

    @Test(.timeLimit(.minutes(3))) func aCertificateIsCollectedThroughCUPS() async throws {
        let bed = try await PrintBed.start(queue: "kiosk")
        defer { bed.stop() }
        let copy = try Self.kioskWithCUPS(bed)
        defer { copy.remove() }
        let kiosk = try await KioskUnderTest(config: copy.config)
        let devices = try kiosk.ctl("devices")
        #expect(devices.output.contains("a4-printer") && devices.output.contains("online"), "\(devices.output)")

        try await kiosk.press("1")
        try await kiosk.waitFor("请把身份证平放在读卡区")
        #expect(try kiosk.ctl("sim", "insert-card").status == 0)
        try await kiosk.waitFor("您有 2 份证照可以领取")
        try await kiosk.press("1")
        try await kiosk.waitFor("证照已打印好，请从出证口取走", timeout: 60)
        // By the time the citizen is told to take it, the printer has it: the same text as the cached PDF.
        let printed = bed.printedFiles()
        #expect(printed.count == 1, "\(printed)")
        let expected = try Data(contentsOf: repositoryRoot.appendingPathComponent("Kiosk/demo/documents/business-licence.pdf"))
        let printedText = try await PDFTools.text(of: try Data(contentsOf: URL(fileURLWithPath: try #require(printed.first))))
        let expectedText = try await PDFTools.text(of: expected)
        #expect(!expectedText.isEmpty && printedText == expectedText)
        #expect(try kiosk.sql("SELECT state FROM pickup WHERE id = 'P-2026-000101'") == "collected")

        // An operator's test page: kiosk id, time and a QR code that scans.
        let test = try kiosk.ctl("printer", "test", "a4-printer")
        #expect(test.status == 0, "\(test.output)\(test.error)")
        let pages = bed.printedFiles()
        #expect(pages.count == 2)
        let testPage = try Data(contentsOf: URL(fileURLWithPath: try #require(pages.last)))
        #expect(try await PDFTools.text(of: testPage).contains("HK-DEMO-01"))
        #expect(try await PDFTools.qrCodes(in: testPage).first?.hasPrefix("kiosk-test-page:HK-DEMO-01:") == true)

        // The printer dies before the second certificate: plain words, the pickup stays ready, an alert.
        try await kiosk.press("1")
        try await kiosk.waitFor("需要打印一张领取回执吗")
        try await kiosk.press("2")
        try await kiosk.waitFor("请您为本次服务评价")
        try await kiosk.press("Escape")
        try await kiosk.waitFor("您好！请选择要办理的事项")
        // It dies once the citizen has started (before, the home screen would already show the
        // collection as unavailable, which the flow tests cover).
        try await kiosk.press("1")
        try await kiosk.waitFor("请把身份证平放在读卡区")
        bed.printer?.terminate()
        #expect(try kiosk.ctl("sim", "insert-card").status == 0)
        // One certificate is left, so it is printed at once.
        try await kiosk.waitFor("打印机在证照打印出来之前停止了", timeout: 60)
        #expect(try kiosk.sql("SELECT state FROM pickup WHERE id = 'P-2026-000102'") == "ready")
        #expect(try kiosk.outboxRows().contains("device-alert pending"))

        // An operator prints it again once the printer is back.
        try await bed.startIPPEverywherePrinter()
        try await kiosk.waitUntil("the printer is back", timeout: 30) {
            (try? kiosk.ctl("printer", "reprint", "P-2026-000102").status) == 0
        }
        #expect(bed.printedFiles().count == 3)
    }
}
