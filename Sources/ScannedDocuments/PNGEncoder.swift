import CCairo
import DeviceKit
import Foundation

/// Writes scanned pages as PNG with cairo: 8-bit grey, 8-bit RGB, or black-and-white lineart, with a pHYs
/// chunk that records the scan resolution so that viewers (and ``ScannedDocument``) know the page's
/// real size.
public enum PNGEncoder {
    public static func encode(_ page: RawPage) throws(DeviceError) -> Data {
        guard let image = surface(for: page) else {
            throw DeviceError(code: .imageEncoding, action: .retry,
                              detail: "cairo could not make a \(page.width)×\(page.height) image")
        }
        let sink = CairoSink()
        let status = sink.withWriter { write, closure in
            cairo_surface_write_to_png_stream(image.surface, write, closure)
        }
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DeviceError(code: .imageEncoding, action: .retry,
                              detail: "cairo could not write the PNG: \(String(cString: cairo_status_to_string(status)))")
        }
        return PNGResolution.inserting(dpi: page.resolutionDPI, into: sink.data)
    }

    /// The page as a ``ScannedPage`` in PNG.
    public static func scannedPage(_ page: RawPage) throws(DeviceError) -> ScannedPage {
        ScannedPage(format: "image/png", data: try encode(page), widthPixels: page.width, heightPixels: page.height)
    }

    /// A cairo surface for the page: cairo writes A8 as an 8-bit grey PNG (the alpha value is the
    /// grey level), RGB24 as 8-bit RGB, and A1 (lineart: 1 bit per pixel in memory) as 8-bit grey
    /// holding only black and white, which compresses to nearly the size of a 1-bit file.
    static func surface(for page: RawPage) -> CairoImage? {
        switch page.layout {
        case .gray8:
            guard let image = CairoImage.make(CAIRO_FORMAT_A8, width: page.width, height: page.height) else { return nil }
            image.withPixels { pixels, stride in
                page.bytes.withUnsafeBufferPointer { source in
                    for row in 0..<page.height {
                        pixels.advanced(by: row * stride)
                            .update(from: source.baseAddress!.advanced(by: row * page.bytesPerLine), count: page.width)
                    }
                }
            }
            return image
        case .rgb8:
            guard let image = CairoImage.make(CAIRO_FORMAT_RGB24, width: page.width, height: page.height) else { return nil }
            image.withPixels { pixels, stride in
                for row in 0..<page.height {
                    pixels.advanced(by: row * stride).withMemoryRebound(to: UInt32.self, capacity: page.width) { words in
                        let line = row * page.bytesPerLine
                        for x in 0..<page.width {
                            let red = UInt32(page.bytes[line + x * 3]), green = UInt32(page.bytes[line + x * 3 + 1])
                            let blue = UInt32(page.bytes[line + x * 3 + 2])
                            words[x] = red << 16 | green << 8 | blue
                        }
                    }
                }
            }
            return image
        case .lineart1:
            guard let image = CairoImage.make(CAIRO_FORMAT_A1, width: page.width, height: page.height) else { return nil }
            image.withPixels { pixels, stride in
                let lineBytes = (page.width + 7) / 8
                for row in 0..<page.height {
                    let target = pixels.advanced(by: row * stride)
                    for index in 0..<lineBytes {
                        // SANE: 1 is black, first pixel in the top bit. Cairo A1: 1 is opaque (white in
                        // the grey PNG), first pixel in the low bit on little-endian machines.
                        let inverted = ~page.bytes[row * page.bytesPerLine + index]
                        target[index] = isLittleEndian ? reversedBits(inverted) : inverted
                    }
                }
            }
            return image
        }
    }

    private static let isLittleEndian = 1.littleEndian == 1

    private static func reversedBits(_ byte: UInt8) -> UInt8 {
        var value = byte, result: UInt8 = 0
        for _ in 0..<8 {
            result = result << 1 | value & 1
            value >>= 1
        }
        return result
    }
}
