import Foundation

/// What a receipt says; the flows fill it, the printer's settings decide how it is laid out (A4 or
/// an 80 mm roll, PDF or ESC/POS). Nothing here is personal data: a receipt names the application,
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

    public var title: String
    /// Body lines in Chinese and English; long lines are wrapped to the paper.
    public var lines: [String]
    public var trackingNumber: String
    public var time: Date
    public var kioskID: String
    /// Encoded as the QR code, exactly.
    public var resultURL: String
    public var labels: Labels
    /// The time zone the time is printed in.
    public var timeZone: TimeZone

    public init(title: String, lines: [String], trackingNumber: String, time: Date, kioskID: String, resultURL: String,
                labels: Labels = .bilingual, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) {
        self.title = title
        self.lines = lines
        self.trackingNumber = trackingNumber
        self.time = time
        self.kioskID = kioskID
        self.resultURL = resultURL
        self.labels = labels
        self.timeZone = timeZone
    }

    /// A printer test page: the kiosk, the time, and a QR code an operator can scan to see that
    /// codes print readably.
    public static func testPage(kioskID: String, time: Date, code: String? = nil) -> ReceiptContent {
        ReceiptContent(
            title: "打印机测试页 Printer test page",
            lines: ["打印机工作正常。", "The printer works."],
            trackingNumber: "-", time: time, kioskID: kioskID,
            resultURL: code ?? "kiosk-test-page:\(kioskID):\(Int(time.timeIntervalSince1970))")
    }

    /// `2026-11-27 19:05` in the receipt's time zone.
    public var formattedTime: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: time)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// The lines under the title, in order, as printed.
    public var bodyLines: [String] {
        lines + [
            "\(labels.trackingNumber): \(trackingNumber)",
            "\(labels.time): \(formattedTime)",
            "\(labels.kiosk): \(kioskID)",
        ]
    }
}
