import Application
import DeviceKit
import Flows
import Foundation
import KioskDaemon
import Outbox
import Testing

/// Pages scanned in a visit go to the platform with the submission, as one PDF attached to its
/// outbox item; a visit that ends without submitting leaves none behind.
@Suite struct SubmissionAttachmentTests {
    static func screenText(_ runtime: KioskRuntime) -> String {
        guard let buffer = runtime.screen.currentFrame?.buffer else { return "" }
        return (0..<buffer.rows).map { buffer.text(ofRow: $0) }.joined(separator: "\n").replacingOccurrences(of: " ", with: "")
    }

    static func waitFor(_ text: String, _ runtime: KioskRuntime) async throws {
        for _ in 0..<250 {
            if screenText(runtime).contains(text.replacingOccurrences(of: " ", with: "")) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the screen never showed \(text):\n\(screenText(runtime))")
        throw CancellationError()
    }

    @Test(.timeLimit(.minutes(1))) func scannedPagesAreAttachedToTheSubmissionAsOnePDF() async throws {
        let kiosk = try await RunningKiosk.start()
        defer { Task { await kiosk.stop() } }
        let runtime = kiosk.app.runtime
        let simulator = try #require(runtime.simulator)
        let index = try #require(runtime.content.services.firstIndex { $0.id == "business-licence" })
        runtime.send(.key(.text("3")))
        try await Self.waitFor("企业开办", runtime)
        runtime.send(.key(.text(String(index + 1))))
        try await Self.waitFor("扫描材料", runtime)
        runtime.send(.key(.text("1")))
        _ = simulator.perform(.feedPage)
        _ = simulator.perform(.feedPage)
        runtime.send(.key(.text("1")))
        try await Self.waitFor("已扫描 2 页", runtime)
        runtime.send(.key(.text("2")))
        try await Self.waitFor("受理编号", runtime)

        let submissions = try runtime.store.items(limit: 100).filter { $0.type == .submission }
        let item = try #require(submissions.first)
        #expect(submissions.count == 1)
        let attachments = try runtime.store.attachments(itemID: item.id)
        #expect(attachments.count == 1)
        let attachment = try #require(attachments.first)
        #expect(attachment.mediaType == "application/pdf" && attachment.size > 0)
        var pdf = Data()
        for try await chunk in try runtime.store.attachmentChunks(attachment) { pdf.append(contentsOf: chunk) }
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        #expect(String(decoding: pdf, as: UTF8.self).contains("/Count 2"))
        // Nothing of the scan is left outside the store.
        let incoming = (runtime.store.attachmentsFolder as NSString).appendingPathComponent("incoming")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: incoming)) ?? []).isEmpty)
    }
}
