import DeviceKit

/// A receipt as ESC/POS for an 80 mm thermal printer: 48 columns of font A, Chinese characters two
/// columns wide, wrapped by `LineWrapper` (CJK anywhere, Latin at spaces), the QR code drawn by the
/// printer, then a cut.
public enum ESCPOSReceipt {
    public static func encode(_ content: ReceiptContent, columns: Int = 48) throws(DeviceError) -> [UInt8] {
        var encoder = ESCPOSEncoder()
        encoder.initialize()
        encoder.align(.centre)
        encoder.emphasis(true)
        encoder.size(width: 1, height: 2)
        for line in wrap(content.receipt.title, columns: columns) { try encoder.line(line) }
        encoder.size(width: 1, height: 1)
        encoder.emphasis(false)
        encoder.align(.left)
        try encoder.line(String(repeating: "-", count: columns))
        for text in content.bodyLines {
            for line in wrap(text, columns: columns) { try encoder.line(line) }
        }
        encoder.feed(lines: 1)
        encoder.align(.centre)
        try encoder.qrCode(content.receipt.qrContent)
        try encoder.line(content.labels.scanToQuery)
        encoder.align(.left)
        encoder.feed(lines: 3)
        encoder.cut()
        return encoder.bytes
    }

    static func wrap(_ text: String, columns: Int) -> [String] {
        LineWrapper(width: Double(columns)) { piece in
            Double(piece.reduce(0) { $0 + (LineWrapper.isWide($1) ? 2 : 1) })
        }.wrap(ESCPOSEncoder.printable(text))
    }
}
