import DeviceKit
import Foundation
import Testing
@testable import DocumentScan
@testable import ScannedDocuments

/// The library half of `kioskd probe scanner --driver sane`.
@Suite("Scanner probe")
struct ProbeTests {
    @Test("without a device the probe lists what SANE finds")
    func lists() async throws {
        TestSANE.prepare()
        let report = await ScannerProbe.run()
        #expect(report.succeeded)
        #expect(report.devices.contains { $0.name == "test:0" })
        #expect(report.pages.isEmpty && report.pdf == nil)
    }

    @Test("with a device it scans pages into files and one PDF, and the report survives JSON")
    func scansToFolder() async throws {
        TestSANE.prepare()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let settings = ScanSettings(resolutionDPI: 30, mode: .color, source: .feeder, maxPages: 2)
        let report = await ScannerProbe.run(device: TestSANE.nextDevice(), settings: settings, folder: folder)
        #expect(report.succeeded, "\(String(describing: report.error))")
        #expect(report.pages.map { ($0.file as NSString).lastPathComponent } == ["page-001.png", "page-002.png"])
        for page in report.pages {
            let data = try #require(FileManager.default.contents(atPath: page.file))
            #expect(data.count == page.bytes)
            #expect(CairoImage.png(data)?.width == page.widthPixels)
        }
        let pdf = try #require(report.pdf.flatMap { FileManager.default.contents(atPath: $0) })
        #expect(try pdfInfo(pdf)["Pages"] == "2")
        #expect(report.health == .online)

        #expect(report.text.contains("device test:0: Noname"))
        #expect(report.text.contains("page-002.png"))
        #expect(report.text.contains("pdf \(report.pdf ?? "-")"))
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(ScannerProbe.Report.self, from: json) == report)
    }

    @Test("a failing scan is reported with its code and action, not thrown")
    func reportsFailure() async throws {
        TestSANE.prepare()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let jammed = ScanSettings(resolutionDPI: 30, mode: .gray, backendOptions: ["read-return-value": "SANE_STATUS_JAMMED"])
        let report = await ScannerProbe.run(device: TestSANE.nextDevice(), settings: jammed, folder: folder)
        #expect(report.error?.code == .mediaJam)
        #expect(report.error?.action == .maintenance)
        #expect(report.health?.state == .userError)
        #expect(report.pages.isEmpty)

        #expect(report.text.contains("error media-jam"))
        #expect(!report.text.unicodeScalars.contains { $0.value == 0x1b })

        let missing = await ScannerProbe.run(device: "nosuchbackend:0", folder: folder)
        #expect(missing.error?.code == .notFound)
        #expect(missing.devices.contains { $0.name == "test:0" })

        // A name with an escape sequence is reported, not obeyed.
        let hostile = await ScannerProbe.run(device: "evil\u{1b}[2J:0", folder: folder)
        #expect(hostile.error?.code == .notFound)
        #expect(hostile.text.contains("evil?[2J:0"))
        #expect(!hostile.text.unicodeScalars.contains { $0.value == 0x1b })
    }
}
