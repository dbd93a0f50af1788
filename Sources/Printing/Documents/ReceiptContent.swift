import DeviceKit
import Foundation

/// A receipt as this module lays it out: what it says (DeviceKit's ``ReceiptDocument``, which the
/// kiosk fills) with the words around the values and the time zone; the printer's settings decide
/// the paper (A4 or an 80 mm roll, PDF or ESC/POS). Nothing here is personal data: a receipt names the application,
/// not the citizen.
public struct ReceiptContent: Sendable, Equatable {
    /// The fixed words around the values, bilingual by default.
    public struct Labels: Sendable, Equatable {
        public var trackingNumber: String
        public var time: String
        public var kiosk: String
        public var scanToQuery: String

        public static let bilingual = Labels(
            trackingNumber: "办件编号 Application number", time: "时间 Time", kiosk: "终端 Kiosk",
            scanToQuery: "扫码查询 Check progress by code")
    }

    /// What the receipt says, as the kiosk describes it to any printer.
    public var receipt: ReceiptDocument
    public var labels: Labels
    /// The time zone the time is printed in.
    public var timeZone: TimeZone

    public init(_ receipt: ReceiptDocument, labels: Labels = .bilingual,
                timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) {
        self.receipt = receipt
        self.labels = labels
        self.timeZone = timeZone
    }

    /// `2026-11-27 19:05` in the receipt's time zone.
    public var formattedTime: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: receipt.time)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// The lines under the title, in order, as printed.
    public var bodyLines: [String] {
        receipt.lines + [
            "\(labels.trackingNumber): \(receipt.trackingNumber)",
            "\(labels.time): \(formattedTime)",
            "\(labels.kiosk): \(receipt.kioskID)",
        ]
    }
}
