import Flows
import Foundation

/// A receipt as plain text in both languages, for roll printers that take text. A4 and PDF
/// receipts with a QR code come with the CUPS printing issue.
enum ReceiptText {
    static func render(_ receipt: Receipt, kioskID: String, at date: Date) -> String {
        var lines = [receipt.title.zhHans, receipt.title.en, ""]
        for line in receipt.lines {
            lines.append(line.zhHans)
            if line.en != line.zhHans { lines.append("  " + line.en) }
        }
        if let reference = receipt.reference { lines += ["", "编号 Reference: \(reference)"] }
        lines += ["终端 Kiosk: \(kioskID)", "时间 Time: \(date.formatted(.iso8601))", ""]
        return lines.joined(separator: "\n")
    }
}
