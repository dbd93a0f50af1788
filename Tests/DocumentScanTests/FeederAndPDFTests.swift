import DeviceKit
import Foundation
import Testing
@testable import DocumentScan
@testable import ScannedDocuments

/// Multi-page scans from the test backend's document feeder, and the pages as one PDF.
@Suite("Feeder scans and PDF")
struct FeederAndPDFTests {
    @Test("three pages from the feeder make one three-page PDF sized from the resolution")
    func threePagePDF() async throws {
        let settings = ScanSettings(resolutionDPI: 60, mode: .gray, source: .feeder, maxPages: 3)
        let (scanner, _) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        let progress = ProgressLog()
        let pages = try await scanner.scan(settings: nil, progress: progress.record)
        #expect(pages.count == 3)
        #expect(Set(progress.all.map(\.page)) == [1, 2, 3])

        let document = try ScannedDocument(pages: pages)
        #expect(document.pageCount == 3)
        #expect(document.pdf.starts(with: Array("%PDF-".utf8)))
        let info = try pdfInfo(document.pdf)
        #expect(info["Pages"] == "3")
        // 80 × 100 mm at 60 dpi is 188 × 236 pixels, which at 72 points per inch is 225.6 × 283.2 pt.
        let size = TestSANE.size(dpi: 60)
        let expected = String(format: "%.1f x %.1f pts", Double(size.width) * 72 / 60, Double(size.height) * 72 / 60)
        #expect(info["Page size"]?.hasPrefix(expected.replacingOccurrences(of: ".0 ", with: " ")) == true
                || info["Page size"]?.hasPrefix(expected) == true,
                "pdfinfo says \(info["Page size"] ?? "nothing"), expected \(expected)")
    }

    @Test("a scan takes pages until the feeder runs empty (the test backend's holds ten)")
    func untilEmpty() async throws {
        let settings = ScanSettings(resolutionDPI: 20, mode: .gray, source: .feeder, maxPages: 50)
        let (scanner, _) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        let pages = try await scanner.scan()
        // Ten pages, then SANE_STATUS_NO_DOCS from sane_start ends the batch without an error.
        #expect(pages.count == 10)
        #expect(await scanner.currentHealth() == .online)
        // The backend refills its feeder for every opening, and the driver opens for every scan.
        #expect(try await scanner.scan().count == 10)
    }

    @Test("a flatbed scan takes one page however often the backend could give more")
    func flatbedTakesOne() async throws {
        let (scanner, _) = try await TestSANE.scanner(settings: ScanSettings(resolutionDPI: 20, mode: .gray, source: .flatbed, maxPages: 5))
        defer { Task { await scanner.stop() } }
        #expect(try await scanner.scan().count == 1)
    }

    @Test("the simulated scanner's PGM pages make a PDF too, at the default resolution")
    func simulatedPages() throws {
        let pages = (1...2).map { SimulatedDocumentScanner.samplePage(number: $0, width: 150, height: 300) }
        let document = try ScannedDocument(pages: pages, defaultDPI: 150)
        let info = try pdfInfo(document.pdf)
        #expect(info["Pages"] == "2")
        #expect(info["Page size"]?.hasPrefix("72 x 144 pts") == true, "pdfinfo says \(info["Page size"] ?? "nothing")")
    }

    @Test("pages that are not images are refused with a clear error, never a crash",
          arguments: [
            ScannedPage(format: "image/png", data: Data([0x89, 0x50, 0x4E, 0x47]), widthPixels: 1, heightPixels: 1),
            ScannedPage(format: "image/x-portable-graymap", data: Data("P5\n99999 99999\n255\n".utf8), widthPixels: 1, heightPixels: 1),
            ScannedPage(format: "image/x-portable-graymap", data: Data("P5\n2 2\n0\n\0\0\0\0".utf8), widthPixels: 2, heightPixels: 2),
            ScannedPage(format: "text/plain", data: Data("hello".utf8), widthPixels: 1, heightPixels: 1),
          ])
    func badPages(page: ScannedPage) {
        #expect(throws: DeviceError.self) { try ScannedDocument(pages: [page]) }
        do {
            _ = try ScannedDocument(pages: [page])
        } catch {
            #expect(error.code == .badImage)
        }
    }

    @Test("no pages, no PDF")
    func empty() {
        #expect(throws: DeviceError(code: .noPages, action: .retry, detail: "a PDF needs at least one scanned page")) {
            try ScannedDocument(pages: [])
        }
    }

    @Test("the PDF is written for the outbox readable by its owner only")
    func writesPrivateFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-pdf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let document = try ScannedDocument(pages: [SimulatedDocumentScanner.samplePage()])
        let path = try document.writePDF(inFolder: folder)
        #expect(FileManager.default.contents(atPath: path) == document.pdf)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Never over an existing file.
        #expect(throws: DeviceError.self) {
            try document.writePDF(inFolder: folder, name: (path as NSString).lastPathComponent)
        }
        #expect(throws: DeviceError.self) { try document.writePDF(inFolder: folder, name: "../escape.pdf") }
    }

    @Test("a PNG's pHYs chunk carries the resolution and survives a round trip", arguments: [72, 150, 300, 600])
    func resolutionChunk(dpi: Int) throws {
        let page = try RawPage(layout: .gray8, width: 3, height: 2, bytesPerLine: 3, resolutionDPI: dpi, bytes: [0, 128, 255, 1, 2, 3])
        let png = try PNGEncoder.encode(page)
        #expect(PNGResolution.dpi(of: png) == dpi)
        let image = try #require(CairoImage.png(png))
        #expect(image.rgb(x: 1, y: 0)?.0 == 128)
        #expect(image.rgb(x: 2, y: 1)?.0 == 3)
    }

    @Test("CRC-32 matches the PNG specification's check value")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
    }
}
