import DeviceKit
import Flows
import Foundation
import Logging

/// Printing for the citizen and the operator: certificates, receipts and the test page as print
/// jobs, sent to the printer of their role. A print takes seconds, so callers run it in a child
/// task of the loop and hand the outcome back as an answer.
public struct PrintDesk: Sendable {
    let devices: DeviceManager
    let kioskID: String
    /// Where a receipt's QR code points, with `{code}` for the tracking number.
    let receiptResultURL: String?
    let metrics: KioskMetrics
    let logger: Logger

    /// Prints `job` (a certificate or a receipt) on the printer of `role`; a missing document or
    /// printer is a failed outcome that says what to do.
    func print(_ job: PrintJob?, kind: PrintJob.Kind, on role: DeviceRole, what: String) async -> PrintOutcome {
        let outcome: PrintOutcome
        if let job, let printer = await devices.printer(for: role) {
            outcome = await printer.print(job)
        } else {
            outcome = .failed(DeviceError(code: job == nil ? .documentMissing : .noPrinter,
                                          action: job == nil ? .configuration : .reset,
                                          detail: "\(what) cannot be printed"))
        }
        logger.info("print ended", metadata: ["kind": "\(kind.rawValue)", "what": "\(what)", "outcome": "\(outcome)"])
        metrics.printFinished(kind: kind.rawValue, outcome: outcome == .completed ? "completed" : "failed")
        return outcome
    }

    /// A receipt as a print job: plain text for any printer, and the receipt itself for a printer
    /// that lays out its own (a PDF or ESC/POS with the QR code of the result's link).
    func receiptJob(_ receipt: Receipt, at date: Date) -> PrintJob {
        let text = ReceiptText.render(receipt, kioskID: kioskID, at: date)
        let reference = receipt.reference ?? "-"
        let qr = receiptResultURL.map { $0.replacingOccurrences(of: "{code}", with: reference) } ?? reference
        var lines: [String] = []
        for line in receipt.lines {
            lines.append(line.zhHans)
            if line.en != line.zhHans { lines.append(line.en) }
        }
        let document = ReceiptDocument(title: receipt.title.zhHans + " " + receipt.title.en, lines: lines,
                                       trackingNumber: reference, time: date, kioskID: kioskID, qrContent: qr)
        return PrintJob(kind: .receipt, title: "receipt", format: "text/plain", document: Data(text.utf8), receipt: document)
    }

    /// The printer test page: the kiosk, the time and a QR code to scan.
    public func testPageJob(at date: Date) -> PrintJob {
        let document = ReceiptDocument.testPage(kioskID: kioskID, time: date)
        let text = "\(document.title)\n终端 Kiosk: \(kioskID)\n时间 Time: \(date.formatted(.iso8601))\n\(document.qrContent)\n"
        return PrintJob(kind: .testPage, title: "test page", format: "text/plain", document: Data(text.utf8), receipt: document)
    }
}
