import DeviceKit
import Foundation
import Printing
import PrintingTestBed
import Testing

/// A started printer on a private bed, stopped again by `finish()`.
struct PrinterOnBed {
    let bed: PrintBed
    let printer: CUPSPrinter
    let recorder = EventRecorder()

    /// Runs `body` with a started printer on a fresh bed, and stops both however `body` ends.
    static func with(settings: (CUPSServer) -> CUPSPrinterSettings = { CUPSPrinterSettings(queue: "kiosk", server: $0) },
                     _ body: (PrinterOnBed) async throws -> Void) async throws {
        let setup = try await start(settings: settings)
        do {
            try await body(setup)
        } catch {
            await setup.finish()
            throw error
        }
        await setup.finish()
    }

    private static func start(settings: (CUPSServer) -> CUPSPrinterSettings, printer: Bool = true) async throws -> PrinterOnBed {
        let bed = try await PrintBed.start(printer: printer)
        let device = CUPSPrinter(id: "printer-1", settings: settings(bed.server), watchInterval: .milliseconds(200))
        let started = PrinterOnBed(bed: bed, printer: device)
        do {
            try await device.start(sink: started.recorder.sink(id: device.id))
        } catch {
            bed.stop()
            throw error
        }
        return started
    }

    func finish() async {
        await printer.stop()
        bed.stop()
    }

    /// Waits for ippeveprinter to have written `count` files.
    func printed(_ count: Int = 1) async throws -> [Data] {
        try await waitUntil(.seconds(10), "\(count) printed file(s)") { bed.printedFiles().count >= count }
        return try bed.printedFiles().map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    }

    /// Jobs cupsd has not finished, from `lpstat -W not-completed -o`.
    func unfinishedJobs() async throws -> String {
        try await bed.cups("lpstat", ["-W", "not-completed", "-o", "kiosk"])
    }
}

/// The driver against a real cupsd and a real IPP Everywhere printer (ippeveprinter), each test
/// with its own private instances.
@Suite("CUPS printer against cupsd and ippeveprinter")
struct CUPSPrinterTests {
    @Test("a receipt arrives in the printer's spool as PDF with its Chinese and English lines and the QR code's URL")
    func receipt() async throws {
        try await PrinterOnBed.with { setup in
            let job = try setup.printer.receiptJob(ReceiptRenderingTests.receipt())
            #expect(job.format == "application/pdf")
            let outcome = await setup.printer.print(job)
            #expect(outcome == .completed, "\(setup.bed.cupsLog.suffix(3000))")
            let file = try #require(setup.bed.printedFiles().first)
            #expect(file.hasSuffix(".pdf"))
            let pdf = try #require(try await setup.printed().first)
            #expect(pdf.starts(with: Array("%PDF-".utf8)))
            let text = ReceiptRenderingTests.squeezed(try await PDFTools.text(of: pdf))
            #expect(text.contains("证照领取回执Certificatecollectionreceipt"), "\(text)")
            #expect(text.contains("您已领取：食品经营许可证。"))
            #expect(text.contains("Youhavecollected:Foodbusinesslicence."))
            #expect(text.contains("HN-2026-000042"))
            #expect(try await PDFTools.qrCodes(in: pdf) == [ReceiptRenderingTests.url])
        }
    }

    @Test("a certificate arrives with the same pages; passed through raw it arrives byte for byte")
    func certificate() async throws {
        try await PrinterOnBed.with { setup in
            let pdf = try ReceiptRenderer(paper: .a4).render(ReceiptRenderingTests.receipt())
            let certificate = CertificateDocument(pdf: pdf, expectedSHA256: CertificateDocument.sha256(pdf))
            #expect(await setup.printer.printCertificate(certificate, title: "certificate") == .completed)
            // Through CUPS' filters (pdftopdf) the file is rewritten, but every page looks the same.
            let filtered = try #require(try await setup.printed(1).first)
            #expect(try await PDFTools.info(of: filtered).contains("595.276 x 841.89 pts (A4)"), "not scaled to another paper")
            // pdftopdf re-expresses the drawing; at 100 dpi only anti-aliasing at the rule's edge may move.
            let (differing, total) = try PDFTools.differingPixels(try await PDFTools.renderedPage(of: filtered), try await PDFTools.renderedPage(of: pdf))
            #expect(total > 900_000)
            #expect(differing * 500 < total, "\(differing) of \(total) pixels differ")
            #expect(try await PDFTools.text(of: filtered) == PDFTools.text(of: pdf))

            let raw = CUPSPrinter(id: "printer-raw", settings: CUPSPrinterSettings(queue: "kiosk", server: setup.bed.server, pdfPassThrough: true))
            #expect(await raw.printCertificate(certificate, title: "certificate") == .completed)
            let files = try await setup.printed(2)
            // Compared by digest: a failing `==` on 130 kB would make swift-testing diff every byte.
            #expect(CertificateDocument.sha256(files[1]) == certificate.expectedSHA256, "the raw job is byte-identical to the verified certificate")
        }
    }

    @Test("a certificate whose SHA-256 does not match is refused and nothing is printed")
    func documentMismatch() async throws {
        try await PrinterOnBed.with { setup in
            let pdf = try ReceiptRenderer(paper: .a4).render(ReceiptRenderingTests.receipt())
            var tampered = pdf
            tampered[tampered.count / 2] ^= 0x01
            let certificate = CertificateDocument(pdf: tampered, expectedSHA256: CertificateDocument.sha256(pdf))
            let outcome = await setup.printer.printCertificate(certificate, title: "certificate")
            guard case .failed(let error) = outcome else { Issue.record("printed a tampered certificate"); return }
            #expect(error.code == .documentMismatch)
            #expect(error.detail.contains(CertificateDocument.sha256(pdf)))
            try await Task.sleep(for: .milliseconds(500))
            #expect(setup.bed.printedFiles().isEmpty)
            #expect(try await setup.bed.cups("lpstat", ["-W", "all", "-o", "kiosk"]).isEmpty, "no job was created")
        }
    }

    @Test("a test page prints and carries the kiosk id and a QR code")
    func testPage() async throws {
        try await PrinterOnBed.with { setup in
            let job = try setup.printer.testPageJob(kioskID: "kiosk-wenchang-01", time: Date(timeIntervalSince1970: 1_795_791_900))
            #expect(job.kind == .testPage)
            #expect(await setup.printer.print(job) == .completed)
            let pdf = try #require(try await setup.printed().first)
            #expect(ReceiptRenderingTests.squeezed(try await PDFTools.text(of: pdf)).contains("kiosk-wenchang-01"))
            #expect(try await PDFTools.qrCodes(in: pdf) == ["kiosk-test-page:kiosk-wenchang-01:1795791900"])
        }
    }

    @Test("capabilities come from the destination: media, colour and duplex")
    func capabilities() async throws {
        try await PrinterOnBed.with { setup in
            let capabilities = try await setup.printer.capabilities()
            #expect(capabilities.media.contains("iso_a4_210x297mm"), "\(capabilities.media)")
            #expect(!capabilities.duplex, "ippeveprinter without -2 prints one side")
            #expect(!capabilities.color, "ippeveprinter without a colour speed prints monochrome")
            #expect(capabilities.formats.contains("application/pdf"))
        }
    }

    @Test("an idle printer reports online through its watcher")
    func healthOnline() async throws {
        try await PrinterOnBed.with { setup in
            _ = try await setup.recorder.waitForHealth(.seconds(15), "online") { $0.state == .online }
            #expect(await setup.printer.currentHealth() == .online)
            #expect(await setup.printer.selfTest() == .online)
        }
    }
}
