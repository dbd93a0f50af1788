import DeviceKit

/// ESC/POS commands for raw thermal receipt printers (Epson's ESC/POS command reference, as most
/// Chinese 80 mm printers implement it). Text goes out as GB 18030 in Chinese character mode; every
/// control character is taken out of text first, so outside strings cannot smuggle in commands.
public struct ESCPOSEncoder: Sendable {
    public enum Alignment: UInt8, Sendable { case left = 0, centre = 1, right = 2 }
    /// QR error correction levels (GS ( k function 169).
    public enum ErrorCorrection: UInt8, Sendable { case low = 48, medium = 49, quartile = 50, high = 51 }

    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// ESC @ (reset), then FS & (Chinese character mode, where double-byte text is GB 18030).
    public mutating func initialize() {
        bytes += [0x1B, 0x40, 0x1C, 0x26]
    }

    /// ESC a n.
    public mutating func align(_ alignment: Alignment) {
        bytes += [0x1B, 0x61, alignment.rawValue]
    }

    /// ESC E n.
    public mutating func emphasis(_ on: Bool) {
        bytes += [0x1B, 0x45, on ? 1 : 0]
    }

    /// GS ! n: character width and height multipliers, 1 to 8 each.
    public mutating func size(width: Int, height: Int) {
        let w = UInt8(min(max(width, 1), 8) - 1)
        let h = UInt8(min(max(height, 1), 8) - 1)
        bytes += [0x1D, 0x21, w << 4 | h]
    }

    /// Text without a line end.
    public mutating func text(_ text: String) throws(DeviceError) {
        bytes += try GB18030.encode(Self.printable(text))
    }

    /// Text and LF.
    public mutating func line(_ text: String) throws(DeviceError) {
        try self.text(text)
        bytes.append(0x0A)
    }

    /// ESC d n: prints and feeds n lines.
    public mutating func feed(lines: Int) {
        bytes += [0x1B, 0x64, UInt8(min(max(lines, 0), 255))]
    }

    /// A QR code the printer draws itself (GS ( k, model 2): select model, module size, error
    /// correction, store the data, print.
    public mutating func qrCode(_ data: String, moduleSize: Int = 6, errorCorrection: ErrorCorrection = .medium) throws(DeviceError) {
        let payload = Array(data.utf8)
        guard !payload.isEmpty, payload.count <= 7089 - 3 else {
            throw PrinterErrors.renderFailed("a QR code holds 1 to 7086 bytes, not \(payload.count)")
        }
        func function(_ fn: UInt8, _ parameters: [UInt8]) {
            let length = parameters.count + 2
            bytes += [0x1D, 0x28, 0x6B, UInt8(length & 0xFF), UInt8(length >> 8), 0x31, fn] + parameters
        }
        function(0x41, [0x32, 0x00])
        function(0x43, [UInt8(min(max(moduleSize, 1), 16))])
        function(0x45, [errorCorrection.rawValue])
        function(0x50, [0x30] + payload)
        function(0x51, [0x30])
    }

    /// GS V 66 n: feeds n motion units past the cutter, then cuts partially (leaving a hinge).
    public mutating func cut(feed: UInt8 = 3) {
        bytes += [0x1D, 0x56, 0x42, feed]
    }

    /// Drops C0 and C1 control characters and DEL (ESC, GS, FS … would start a command).
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
        }))
    }
}
