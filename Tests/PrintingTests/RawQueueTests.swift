import DeviceKit
import Foundation
import Printing
import PrintingTestBed
import Testing

@Suite("ESC/POS receipts through a CUPS raw queue")
struct RawQueueTests {
    @Test("the receipt's ESC/POS bytes reach the thermal printer unchanged through cupsd's socket backend")
    func escposThroughRawQueue() async throws {
        let bed = try await PrintBed.start(printer: false)
        let thermal = try RawSocketPrinter()
        defer {
            thermal.stop()
            bed.stop()
        }
        try await bed.addQueue("receipt", deviceURI: "socket://127.0.0.1:\(thermal.port)", model: "raw")
        let printer = CUPSPrinter(id: "receipt", settings: CUPSPrinterSettings(
            queue: "receipt", server: bed.server, paper: .roll80mm, jobTimeout: .seconds(20), receiptFormat: .escpos))
        try await printer.start(sink: EventRecorder().sink(id: "receipt"))
        let content = ReceiptRenderingTests.receipt()
        let job = try printer.receiptJob(content)
        #expect(job.format == "application/vnd.cups-raw")
        let outcome = await printer.print(job)
        await printer.stop()
        #expect(outcome == .completed, "\(bed.cupsLog.suffix(2000))")
        try await waitUntil(.seconds(10), "the thermal printer to receive the job") { !thermal.received.isEmpty }
        let received = try #require(thermal.received.first)
        let expected = Data(try ESCPOSReceipt.encode(content))
        #expect(received.count == expected.count)
        #expect(CertificateDocument.sha256(received) == CertificateDocument.sha256(expected), "byte for byte")
    }
}
