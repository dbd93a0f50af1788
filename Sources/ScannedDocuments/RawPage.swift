import DeviceKit

/// One page as the scanner sent it, normalised to 8-bit grey, 8-bit RGB or 1-bit lineart, with
/// rows `bytesPerLine` apart (which may be more than the pixels need: backends pad lines).
public struct RawPage: Sendable, Equatable {
    public enum Layout: String, Sendable, Codable {
        /// One byte per pixel, 0 black.
        case gray8
        /// Three bytes per pixel, red, green, blue.
        case rgb8
        /// One bit per pixel, most significant bit first, 1 black (SANE's convention).
        case lineart1
    }

    public var layout: Layout
    public var width: Int
    public var height: Int
    public var bytesPerLine: Int
    public var resolutionDPI: Int
    public var bytes: [UInt8]

    public init(layout: Layout, width: Int, height: Int, bytesPerLine: Int, resolutionDPI: Int, bytes: [UInt8]) throws(DeviceError) {
        let needed = switch layout {
        case .gray8: width
        case .rgb8: width * 3
        case .lineart1: (width + 7) / 8
        }
        guard width > 0, height > 0, bytesPerLine >= needed, bytes.count >= bytesPerLine * height,
              (1...100_000).contains(width), (1...100_000).contains(height) else {
            throw DeviceError(code: .badImage, action: .reset,
                              detail: "scanner sent \(bytes.count) bytes for \(width)×\(height) \(layout.rawValue) at \(bytesPerLine) bytes per line")
        }
        self.layout = layout
        self.width = width
        self.height = height
        self.bytesPerLine = bytesPerLine
        self.resolutionDPI = resolutionDPI
        self.bytes = bytes
    }
}
