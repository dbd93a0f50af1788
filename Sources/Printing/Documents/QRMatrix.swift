import CQREncode
import DeviceKit
import Foundation

/// A QR code's modules from libqrencode (ISO/IEC 18004), error correction level M, 8-bit mode so a
/// URL is encoded byte for byte.
public struct QRMatrix: Sendable, Equatable {
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Row by row, true for a dark module.
    public let modules: [Bool]

    public init(encoding text: String) throws(DeviceError) {
        guard !text.isEmpty, !text.utf8.contains(0) else {
            throw PrinterErrors.renderFailed("a QR code needs text without NUL bytes")
        }
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
            throw PrinterErrors.renderFailed("the text (\(text.utf8.count) bytes) does not fit a QR code")
        }
        defer { QRcode_free(code) }
        let size = Int(code.pointee.width)
        let data = UnsafeBufferPointer(start: code.pointee.data, count: size * size)
        self.size = size
        modules = data.map { $0 & 1 == 1 }
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }
}
