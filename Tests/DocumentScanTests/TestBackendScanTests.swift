import DeviceKit
import Foundation
import Synchronization
import Testing
@testable import DocumentScan
@testable import ScannedDocuments

/// Scans with SANE's real `test` backend through the driver: options, formats, sizes, PNG output.
@Suite("SANE test backend scans")
struct TestBackendScanTests {
    @Test("the device list shows the test backend's devices from the private configuration")
    func listsTestDevices() async throws {
        TestSANE.prepare()
        let devices = try await SANERuntime.shared.devices()
        let names = devices.map(\.name)
        #expect(names.contains("test:0"), "SANE's test backend is missing: install sane-utils (libsane1 with its backends)")
        // Three devices, as the private test.conf says, not the system file's two.
        #expect(names.filter { $0.hasPrefix("test:") }.count == TestSANE.deviceCount)
        #expect(devices.first { $0.name == "test:0" }?.vendor == "Noname")
    }

    @Test("colour and grey pages at two resolutions give PNGs of the right size and depth",
          arguments: [ScanSettings.Mode.color, .gray], [50, 100])
    func pageSizes(mode: ScanSettings.Mode, dpi: Int) async throws {
        let (scanner, _) = try await TestSANE.scanner(settings: ScanSettings(resolutionDPI: dpi, mode: mode))
        defer { Task { await scanner.stop() } }
        let pages = try await scanner.scan()
        try #require(pages.count == 1)
        let page = pages[0]
        let expected = TestSANE.size(dpi: dpi)
        #expect(page.format == "image/png")
        #expect(page.widthPixels == expected.width && page.heightPixels == expected.height)

        let image = try #require(CairoImage.png(page.data), "cairo cannot read the PNG back")
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(PNGResolution.dpi(of: page.data) == dpi)
        // The test backend's default picture is solid black.
        #expect(image.rgb(x: expected.width / 2, y: expected.height / 2).map { [$0.0, $0.1, $0.2] } == [0, 0, 0])

        let file = try writeTemporary(page.data, suffix: ".png")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (_, description) = try run(["file", "-b", file])
        #expect(description.contains("\(expected.width) x \(expected.height)"))
        #expect(description.contains(mode == .color ? "8-bit/color RGB" : "8-bit grayscale"), "file says: \(description)")
    }

    @Test("lineart comes out black and white with SANE's 1 = black turned the right way round",
          arguments: ["Solid black", "Solid white", "Grid"])
    func lineart(picture: String) async throws {
        let settings = ScanSettings(resolutionDPI: 75, mode: .lineart, backendOptions: ["test-picture": picture])
        let (scanner, _) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        let page = try #require(try await scanner.scan().first)
        let expected = TestSANE.size(dpi: 75)
        let image = try #require(CairoImage.png(page.data))
        #expect(image.width == expected.width && image.height == expected.height)
        var levels: Set<UInt8> = []
        for y in 0..<image.height {
            for x in 0..<image.width { levels.insert(image.rgb(x: x, y: y)?.0 ?? 128) }
        }
        switch picture {
        case "Solid black": #expect(levels == [0])
        case "Solid white": #expect(levels == [255])
        default: #expect(levels == [0, 255]) // the grid: both, and nothing between
        }
        let file = try writeTemporary(page.data, suffix: ".png")
        defer { try? FileManager.default.removeItem(atPath: file) }
        // Cairo (1.16 here) writes its 1-bit (A1) surfaces as 8-bit grey PNGs.
        let description = try run(["file", "-b", file]).output
        #expect(description.contains("grayscale"), "file says: \(description)")
    }

    @Test("grey white at 16 bits per sample comes out as 8-bit white")
    func sixteenBit() async throws {
        let settings = ScanSettings(resolutionDPI: 40, mode: .gray, backendOptions: ["depth": "16", "test-picture": "Solid white"])
        let (scanner, _) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        let page = try #require(try await scanner.scan().first)
        let image = try #require(CairoImage.png(page.data))
        #expect(image.rgb(x: 3, y: 3)?.0 == 255)
        #expect(image.width == TestSANE.size(dpi: 40).width)
    }

    @Test("padded lines (the backend's ppl-loss) lose the padding, not the picture")
    func linePadding() async throws {
        let settings = ScanSettings(resolutionDPI: 50, mode: .gray, backendOptions: ["ppl-loss": "7", "test-picture": "Grid"])
        let (scanner, _) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        let raw = try await scanner.scanRaw(settings: scanner.settings, progress: { _ in })
        let page = try #require(raw.first)
        let expected = TestSANE.size(dpi: 50)
        #expect(page.width == expected.width - 7 && page.height == expected.height)
        #expect(page.bytes.count == page.width * page.height)
        let png = try PNGEncoder.scannedPage(page)
        #expect(CairoImage.png(png.data)?.width == expected.width - 7)
    }

    @Test("a three-pass colour scanner's red, green and blue frames make one RGB page")
    func threePass() async throws {
        let settings = ScanSettings(resolutionDPI: 30, mode: .color, backendOptions: ["three-pass": "yes", "test-picture": "Solid white"])
        let (scanner, _) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        let raw = try #require(try await scanner.scanRaw(settings: scanner.settings, progress: { _ in }).first)
        #expect(raw.layout == .rgb8)
        #expect(raw.width == TestSANE.size(dpi: 30).width)
        #expect(raw.bytes.allSatisfy { $0 == 255 })
    }

    @Test("a hand scanner that does not know its length in advance still gives a whole page")
    func unknownLength() async throws {
        let settings = ScanSettings(resolutionDPI: 30, mode: .gray, backendOptions: ["hand-scanner": "yes"])
        let (scanner, _) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        let progress = ProgressLog()
        let page = try #require(try await scanner.scan(progress: progress.record).first)
        // The test backend's hand scanner is 110 mm wide and 170 mm long.
        let expected = TestSANE.size(dpi: 30, widthMM: 110, heightMM: 170)
        #expect(page.widthPixels == expected.width && page.heightPixels == expected.height)
        #expect(progress.all.allSatisfy { $0.expectedBytes == nil })
    }

    @Test("progress counts up to the bytes the page announced")
    func progress() async throws {
        let (scanner, _) = try await TestSANE.scanner(settings: ScanSettings(resolutionDPI: 50, mode: .gray))
        defer { Task { await scanner.stop() } }
        let progress = ProgressLog()
        _ = try await scanner.scan(progress: progress.record)
        let expected = TestSANE.size(dpi: 50)
        let events = progress.all
        let last = try #require(events.last)
        #expect(last.expectedBytes == expected.width * expected.height)
        #expect(last.bytesRead == expected.width * expected.height)
        #expect(last.fraction == 1)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.bytesRead < $1.bytesRead })
    }

    @Test("a resolution between the allowed steps is set to the nearest and the page says which")
    func resolutionSnapping() async throws {
        // The test backend allows 1…1200 in steps of 1, so ask for one beyond its range.
        let (scanner, _) = try await TestSANE.scanner(settings: ScanSettings(resolutionDPI: 50, mode: .gray))
        defer { Task { await scanner.stop() } }
        var settings = scanner.settings
        settings.backendOptions = ["br-x": "10", "br-y": "10"]
        settings.resolutionDPI = 1200
        let page = try #require(try await scanner.scan(settings: settings, progress: { _ in }).first)
        #expect(PNGResolution.dpi(of: page.data) == 1200)
        #expect(page.widthPixels == Int(1200.0 * 10 / 25.4))
    }
}

/// Progress reports as they came.
final class ProgressLog: Sendable {
    private let events = Mutex<[ScanProgress]>([])
    var record: @Sendable (ScanProgress) -> Void { { progress in self.events.withLock { $0.append(progress) } } }
    var all: [ScanProgress] { events.withLock { $0 } }
}

func writeTemporary(_ data: Data, suffix: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-scan-\(UUID().uuidString)\(suffix)").path
    try data.write(to: URL(fileURLWithPath: path))
    return path
}
