import DeviceKit
import Foundation
import Printing
import Testing

/// The driver against a real cupsd and a real IPP Everywhere printer (ippeveprinter), each test
/// with its own private instances.
@Suite("CUPS printer against cupsd and ippeveprinter")
struct CUPSPrinterTests {
    static func samplePDF() throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: "/usr/share/cups/data/form_english.pdf"))
    }

    @Test("a certificate is printed, followed to completed, and arrives with the same content")
    func certificateCompletes() async throws {
        let bed = try await PrintBed.start()
        defer { bed.stop() }
        let printer = CUPSPrinter(id: "cert", settings: CUPSPrinterSettings(queue: "kiosk", server: bed.server),
                                  watchInterval: .milliseconds(200))
        let recorder = EventRecorder()
        try await printer.start(sink: recorder.sink(id: "cert"))
        defer { Task { await printer.stop() } }
        let pdf = try Self.samplePDF()
        let certificate = CertificateDocument(pdf: pdf, expectedSHA256: CertificateDocument.sha256(pdf))
        let outcome = await printer.printCertificate(certificate, title: "certificate")
        #expect(outcome == .completed, "\(bed.cupsLog.suffix(2000))")
        let printed = try #require(bed.printedFiles().first)
        #expect(printed.hasSuffix(".pdf"))
        let capabilities = try await printer.capabilities()
        #expect(capabilities.media.contains("iso_a4_210x297mm"), "\(capabilities)")
        #expect(!capabilities.duplex)
    }
}
