import Foundation
import Testing

/// A citizen scans materials on a real SANE scanner (SANE's `test` backend, enabled in a private
/// configuration folder) and submits: the submission goes into the queue with the pages as one PDF.
@Suite(.serialized) struct ScanningEndToEndTests {
    @Test(.timeLimit(.minutes(3))) func pagesScannedWithSANEGoWithTheSubmission() async throws {
        let copy = try KioskCopy()
        defer { copy.remove() }
        let sane = copy.folder.appendingPathComponent("sane.d")
        try FileManager.default.createDirectory(at: sane, withIntermediateDirectories: true)
        try "test\n".write(to: sane.appendingPathComponent("dll.conf"), atomically: true, encoding: .utf8)
        try copy.edit("Kiosk/kiosk.yaml", replacing: "{id: doc-scanner, model: sim-document-scanner, role: document-scanner}",
                      with: "{id: doc-scanner, model: sane-generic, role: document-scanner, connection: {device: \"test:0\", resolution-dpi: \"50\"}}")
        let kiosk = try await KioskUnderTest(config: copy.config, environment: ["SANE_CONFIG_DIR": sane.path])

        try await kiosk.press("3")
        try await kiosk.waitFor("企业开办")
        let screen = try kiosk.screen()
        let line = try #require(screen.split(separator: "\n").first { $0.contains("企业开办") })
        let number = try #require(line.split(separator: " ").first { Int($0) != nil })
        try await kiosk.press(String(number))
        try await kiosk.waitFor("扫描材料")
        try await kiosk.press("1")
        try await kiosk.press("1")
        try await kiosk.waitFor("已扫描 1 页", timeout: 60)
        try await kiosk.press("2")
        try await kiosk.waitFor("受理编号", timeout: 30)

        #expect(try kiosk.outboxRows().contains("submission pending"))
        let attachments = try kiosk.sql("SELECT media_type || ' ' || size FROM outbox_attachment")
        #expect(attachments.hasPrefix("application/pdf "), "\(attachments)")
        #expect((Int(attachments.split(separator: " ").last ?? "") ?? 0) > 1000, "\(attachments)")
    }
}
