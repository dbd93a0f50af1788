import CSANE
import DeviceKit
import ScannedDocuments
import Synchronization

/// How far a scan has come: bytes read of the bytes the scanner announced for the current page.
public struct ScanProgress: Sendable, Equatable, Codable {
    /// Counted from 1.
    public var page: Int
    public var bytesRead: Int
    /// Nil when the scanner does not know the page length in advance (a hand or sheet-fed scanner).
    public var expectedBytes: Int?

    /// From 0 to 1, or nil when the total is not known.
    public var fraction: Double? {
        guard let expectedBytes, expectedBytes > 0 else { return nil }
        return min(1, Double(bytesRead) / Double(expectedBytes))
    }
}

/// A cancel request that another task can make while the SANE thread reads: the reader checks it
/// between `sane_read` calls and cancels on its own thread, so libsane is never called from two
/// threads at once.
public final class ScanCancellation: Sendable {
    private let requested = Atomic<Bool>(false)
    public init() {}
    public func cancel() { requested.store(true, ordering: .releasing) }
    public var isCancelled: Bool { requested.load(ordering: .acquiring) }
}

/// Reads the frames of one page after `sane_start` has succeeded and turns them into a ``RawPage``.
struct SANEFrameReader {
    let device: SANEDeviceHandle
    let resolutionDPI: Int
    let cancellation: ScanCancellation
    let progress: @Sendable (ScanProgress) -> Void
    /// A page larger than this is refused rather than filling memory (A3 at 1200 dpi RGB is ~210 MB).
    static let maxPageBytes = 256 << 20

    /// Reads frames until the last one (three-pass scanners send one frame per colour).
    func readPage(number: Int) throws(DeviceError) -> RawPage {
        var channels: [SANE_Frame: [UInt8]] = [:]
        var shape: SANE_Parameters?
        var total = 0
        while true {
            let parameters = try device.parameters()
            let frame = try readFrame(parameters, page: number, alreadyRead: total)
            total += frame.count
            channels[parameters.format] = frame
            shape = parameters
            if parameters.last_frame != 0 { break }
            guard channels.count < 3 else {
                // Red, green and blue are the most frames a page has; a backend that never says
                // "last frame" must not keep the kiosk reading forever.
                throw DeviceError(code: .badImage, action: .reset, detail: "\(device.name) sent more than three frames for one page")
            }
            // A three-pass scanner sends red, green and blue as frames of their own.
            let status = device.start()
            guard status == .good else { throw status.error("sane_start (next frame) on \(device.name)") }
        }
        guard let shape else { throw DeviceError(code: .badImage, action: .reset, detail: "no frame") }
        return try Self.page(from: channels, shape: shape, resolutionDPI: resolutionDPI)
    }

    private func readFrame(_ parameters: SANE_Parameters, page: Int, alreadyRead: Int) throws(DeviceError) -> [UInt8] {
        let lineBytes = Int(parameters.bytes_per_line)
        let lines = Int(parameters.lines)
        let expected = lines > 0 && lineBytes > 0 ? lineBytes * lines : nil
        if let expected, expected > Self.maxPageBytes {
            throw DeviceError(code: .pageTooLarge, action: .configuration,
                              detail: "\(device.name) announced \(expected) bytes for one page; lower the resolution")
        }
        var data: [UInt8] = []
        data.reserveCapacity(expected ?? 1 << 20)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if cancellation.isCancelled {
                device.cancelMidFrame()
                throw DeviceError(code: .cancelled, action: .none, detail: "scan on \(device.name) cancelled")
            }
            let (status, count) = buffer.withUnsafeMutableBufferPointer { device.read(into: $0) }
            switch status {
            case .good:
                data.append(contentsOf: buffer[0..<min(count, buffer.count)])
                guard data.count <= Self.maxPageBytes else {
                    device.cancelMidFrame()
                    throw DeviceError(code: .pageTooLarge, action: .configuration,
                                      detail: "\(device.name) sent more than \(Self.maxPageBytes) bytes for one page")
                }
                progress(ScanProgress(page: page, bytesRead: alreadyRead + data.count, expectedBytes: expected))
            case .endOfFile where data.isEmpty:
                // EOF before any byte: the frame that sane_start promised never came.
                device.cancelMidFrame()
                throw SANEStatus.endOfFile.error("sane_read on \(device.name) (no image data)")
            case .endOfFile:
                return data
            default:
                device.cancelMidFrame()
                throw status.error("sane_read on \(device.name)")
            }
        }
    }

    /// Builds the page from its frames, converting 16-bit samples to 8 and 1-bit colour to 8.
    static func page(from frames: [SANE_Frame: [UInt8]], shape: SANE_Parameters, resolutionDPI: Int) throws(DeviceError) -> RawPage {
        let width = Int(shape.pixels_per_line)
        let bytesPerLine = Int(shape.bytes_per_line)
        let depth = Int(shape.depth)
        guard width > 0, bytesPerLine > 0, [1, 8, 16].contains(depth) else {
            throw DeviceError(code: .badImage, action: .reset,
                              detail: "unusable parameters: \(width) pixels, \(bytesPerLine) bytes per line, depth \(depth)")
        }
        func height(_ bytes: [UInt8]) -> Int {
            shape.lines > 0 ? min(Int(shape.lines), bytes.count / bytesPerLine) : bytes.count / bytesPerLine
        }
        if let gray = frames[SANE_FRAME_GRAY] {
            let rows = height(gray)
            if depth == 1 {
                return try RawPage(layout: .lineart1, width: width, height: rows, bytesPerLine: bytesPerLine,
                                   resolutionDPI: resolutionDPI, bytes: gray)
            }
            let samples = try unpack(gray, rows: rows, samplesPerLine: width, bytesPerLine: bytesPerLine, depth: depth)
            return try RawPage(layout: .gray8, width: width, height: rows, bytesPerLine: width, resolutionDPI: resolutionDPI, bytes: samples)
        }
        if let rgb = frames[SANE_FRAME_RGB] {
            let rows = height(rgb)
            let samples = try unpack(rgb, rows: rows, samplesPerLine: width * 3, bytesPerLine: bytesPerLine, depth: depth)
            return try RawPage(layout: .rgb8, width: width, height: rows, bytesPerLine: width * 3, resolutionDPI: resolutionDPI, bytes: samples)
        }
        if let red = frames[SANE_FRAME_RED], let green = frames[SANE_FRAME_GREEN], let blue = frames[SANE_FRAME_BLUE] {
            let rows = min(height(red), height(green), height(blue))
            var planes: [[UInt8]] = []
            for plane in [red, green, blue] {
                planes.append(try unpack(plane, rows: rows, samplesPerLine: width, bytesPerLine: bytesPerLine, depth: depth))
            }
            var bytes = [UInt8](repeating: 0, count: width * 3 * rows)
            for pixel in 0..<(width * rows) {
                bytes[pixel * 3] = planes[0][pixel]
                bytes[pixel * 3 + 1] = planes[1][pixel]
                bytes[pixel * 3 + 2] = planes[2][pixel]
            }
            return try RawPage(layout: .rgb8, width: width, height: rows, bytesPerLine: width * 3, resolutionDPI: resolutionDPI, bytes: bytes)
        }
        throw DeviceError(code: .unsupported, action: .configuration,
                          detail: "scanner sent frame formats \(frames.keys.map(\.rawValue).sorted()) (JPEG, G3/G4 and infrared frames are not supported)")
    }

    /// Unpacks rows of samples into one byte each, dropping line padding. 16-bit samples are in
    /// the machine's byte order (SANE standard 4.3.8); 1-bit colour samples become 0 or 255.
    static func unpack(_ bytes: [UInt8], rows: Int, samplesPerLine: Int, bytesPerLine: Int, depth: Int) throws(DeviceError) -> [UInt8] {
        guard bytesPerLine >= (samplesPerLine * depth + 7) / 8, bytes.count >= rows * bytesPerLine else {
            throw DeviceError(code: .badImage, action: .reset,
                              detail: "\(bytesPerLine) bytes per line cannot hold \(samplesPerLine) samples of \(depth) bits")
        }
        var out = [UInt8](repeating: 0, count: rows * samplesPerLine)
        for row in 0..<rows {
            let line = row * bytesPerLine
            for sample in 0..<samplesPerLine {
                switch depth {
                case 16:
                    let low = bytes[line + sample * 2], high = bytes[line + sample * 2 + 1]
                    let value = UInt16(littleEndian: UInt16(low) | UInt16(high) << 8)
                    out[row * samplesPerLine + sample] = UInt8(value >> 8)
                case 1:
                    let bit = (bytes[line + sample / 8] >> (7 - UInt8(sample % 8))) & 1
                    out[row * samplesPerLine + sample] = bit == 1 ? 255 : 0
                default:
                    out[row * samplesPerLine + sample] = bytes[line + sample]
                }
            }
        }
        return out
    }
}
