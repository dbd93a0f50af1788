import CCairo
import DeviceKit
import Foundation

/// Puts scanned pages into one PDF with cairo, one page each, sized from the scan resolution so
/// that an A4 sheet scanned at any resolution prints as A4.
public enum PDFWriter {
    /// Pages are PNG (as the SANE driver makes them, resolution from their pHYs chunk) or binary
    /// PGM (as the simulated scanner makes them); a page without a resolution gets `defaultDPI`.
    public static func pdf(of pages: [ScannedPage], defaultDPI: Int = 300) throws(DeviceError) -> Data {
        guard !pages.isEmpty else {
            throw DeviceError(code: .noPages, action: .retry, detail: "a PDF needs at least one scanned page")
        }
        var images: [(CairoImage, Double)] = []
        for (number, page) in pages.enumerated() {
            guard let image = decode(page) else {
                throw DeviceError(code: .badImage, action: .retry,
                                  detail: "page \(number + 1) (\(page.format), \(page.data.count) bytes) is not an image the kiosk can read")
            }
            let dpi = page.format == "image/png" ? PNGResolution.dpi(of: page.data) ?? defaultDPI : defaultDPI
            images.append((image, 72.0 / Double(max(dpi, 1))))
        }
        let sink = CairoSink()
        let status = sink.withWriter { write, closure -> cairo_status_t in
            let first = images[0]
            guard let surface = cairo_pdf_surface_create_for_stream(
                write, closure, Double(first.0.width) * first.1, Double(first.0.height) * first.1) else {
                return CAIRO_STATUS_NO_MEMORY
            }
            defer { cairo_surface_destroy(surface) }
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Kiosk")
            guard let cr = cairo_create(surface) else { return CAIRO_STATUS_NO_MEMORY }
            defer { cairo_destroy(cr) }
            for (image, scale) in images {
                // Set before anything is drawn on the page, as cairo requires.
                cairo_pdf_surface_set_size(surface, Double(image.width) * scale, Double(image.height) * scale)
                cairo_save(cr)
                cairo_scale(cr, scale, scale)
                cairo_set_source_surface(cr, image.surface, 0, 0)
                cairo_paint(cr)
                cairo_restore(cr)
                cairo_show_page(cr)
            }
            cairo_surface_finish(surface)
            let drawing = cairo_status(cr)
            return drawing == CAIRO_STATUS_SUCCESS ? cairo_surface_status(surface) : drawing
        }
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DeviceError(code: .pdfEncoding, action: .retry,
                              detail: "cairo could not write the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        return sink.data
    }

    /// The page as an opaque surface (grey and lineart PNGs come back from cairo as RGB24).
    static func decode(_ page: ScannedPage) -> CairoImage? {
        switch page.format {
        case "image/png": CairoImage.png(page.data)
        case "image/x-portable-graymap": pgm(page.data)
        default: nil
        }
    }

    /// Binary PGM (`P5`, one byte per sample) as an RGB24 surface.
    static func pgm(_ data: Data) -> CairoImage? {
        let bytes = [UInt8](data)
        var offset = 0
        func token() -> Int? {
            // Whitespace and comments separate the header's fields.
            while offset < bytes.count {
                if bytes[offset] == UInt8(ascii: "#") {
                    while offset < bytes.count, bytes[offset] != 0x0A { offset += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) {
                    offset += 1
                } else { break }
            }
            var value = 0, digits = 0
            while offset < bytes.count, (0x30...0x39).contains(bytes[offset]), digits < 6 {
                value = value * 10 + Int(bytes[offset] - 0x30)
                offset += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") else { return nil }
        offset = 2
        guard let width = token(), let height = token(), let maxValue = token(), (1...255).contains(maxValue),
              offset < bytes.count else { return nil }
        offset += 1 // the single whitespace byte before the samples
        guard bytes.count - offset >= width * height,
              let image = CairoImage.make(CAIRO_FORMAT_RGB24, width: width, height: height) else { return nil }
        let start = offset
        image.withPixels { pixels, stride in
            for row in 0..<height {
                pixels.advanced(by: row * stride).withMemoryRebound(to: UInt32.self, capacity: width) { words in
                    for x in 0..<width {
                        let level = UInt32(UInt(bytes[start + row * width + x]) * 255 / UInt(maxValue))
                        words[x] = level << 16 | level << 8 | level
                    }
                }
            }
        }
        return image
    }
}
