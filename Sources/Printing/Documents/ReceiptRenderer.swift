import CCairo
import DeviceKit
import Foundation

/// Renders a receipt or test page as a one-page PDF with cairo: the title in bold, the body wrapped
/// to the paper (`LineWrapper`), and the result URL as a QR code drawn as filled rectangles, so it
/// stays sharp at any resolution. The font from `FontLibrary` (docs/drivers/printing.md says why not
/// Pango).
public struct ReceiptRenderer: Sendable {
    public var paper: Paper

    public init(paper: Paper) { self.paper = paper }

    private enum Operation {
        case text(String, x: Double, baseline: Double, bold: Bool, size: Double)
        case rule(y: Double)
        case qr(QRMatrix, x: Double, y: Double, module: Double)
    }

    public func render(_ content: ReceiptContent) throws(DeviceError) -> Data {
        let fonts = try FontLibrary.shared()
        let qr = try QRMatrix(encoding: content.receipt.qrContent)
        let layout = paper.layout
        let buffer = PDFBuffer()
        let initialHeight = layout.height ?? 1000
        guard let surface = cairo_pdf_surface_create_for_stream(pdfWrite, Unmanaged.passUnretained(buffer).toOpaque(),
                                                                layout.width, initialHeight),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PrinterErrors.renderFailed("cairo could not make a PDF surface")
        }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, content.receipt.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Kiosk")
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }

        // Lay out first (measuring needs a context, not a page), then size the page, then draw.
        var operations: [Operation] = []
        let textWidth = layout.width - 2 * layout.margin
        var y = layout.margin

        func lines(_ text: String, bold: Bool, size: Double, centred: Bool) {
            cairo_set_font_face(cr, fonts.regular)
            cairo_set_font_size(cr, size)
            var font = cairo_font_extents_t()
            cairo_font_extents(cr, &font)
            let wrapper = LineWrapper(width: textWidth) { piece in
                var extents = cairo_text_extents_t()
                cairo_text_extents(cr, piece, &extents)
                return extents.x_advance
            }
            // Outside strings are data: control characters would reach the page as boxes or cut
            // the C string at a NUL.
            for line in wrapper.wrap(ESCPOSEncoder.printable(text)) {
                let x = centred ? layout.margin + max(0, (textWidth - wrapper.measure(line)) / 2) : layout.margin
                operations.append(.text(line, x: x, baseline: y + font.ascent, bold: bold, size: size))
                y += size * 1.5
            }
        }

        lines(content.receipt.title, bold: true, size: layout.titleSize, centred: true)
        y += layout.bodySize * 0.4
        operations.append(.rule(y: y))
        y += layout.bodySize
        for line in content.bodyLines { lines(line, bold: false, size: layout.bodySize, centred: false) }
        y += layout.bodySize
        // Quiet zone of four modules on every side (ISO/IEC 18004 §6.3.8).
        let qrSide = Double(qr.size + 8) * layout.qrModule
        operations.append(.qr(qr, x: (layout.width - qrSide) / 2 + 4 * layout.qrModule, y: y + 4 * layout.qrModule, module: layout.qrModule))
        y += qrSide
        lines(content.labels.scanToQuery, bold: false, size: layout.bodySize, centred: true)
        y += layout.margin

        let height = layout.height ?? y
        cairo_pdf_surface_set_size(surface, layout.width, height)
        cairo_set_source_rgb(cr, 0, 0, 0)
        for operation in operations {
            switch operation {
            case .text(let text, let x, let baseline, let bold, let size):
                cairo_set_font_face(cr, fonts.regular)
                cairo_set_font_size(cr, size)
                cairo_move_to(cr, x, baseline)
                cairo_show_text(cr, text)
                if bold {
                    // Weight without a second embedded face: the glyphs' outlines stroked over
                    // the text, which stays text for copying and pdftotext.
                    cairo_move_to(cr, x, baseline)
                    cairo_text_path(cr, text)
                    cairo_set_line_width(cr, size * 0.035)
                    cairo_stroke(cr)
                }
            case .rule(let ruleY):
                cairo_set_line_width(cr, 0.75)
                cairo_move_to(cr, layout.margin, ruleY)
                cairo_line_to(cr, layout.width - layout.margin, ruleY)
                cairo_stroke(cr)
            case .qr(let matrix, let x, let top, let module):
                for row in 0..<matrix.size {
                    for column in 0..<matrix.size where matrix.isDark(x: column, y: row) {
                        cairo_rectangle(cr, x + Double(column) * module, top + Double(row) * module, module, module)
                    }
                }
                cairo_fill(cr)
            }
        }
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PrinterErrors.renderFailed("cairo failed to write the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        return buffer.data
    }

    /// The receipt as a print job for a PDF queue.
    public func printJob(_ content: ReceiptContent, kind: PrintJob.Kind = .receipt) throws(DeviceError) -> PrintJob {
        PrintJob(kind: kind, title: kind == .testPage ? "test page" : "receipt", format: "application/pdf", document: try render(content))
    }
}

/// Collects what cairo's PDF surface writes.
private final class PDFBuffer {
    var data = Data()
}

private func pdfWrite(_ closure: UnsafeMutableRawPointer?, _ bytes: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<PDFBuffer>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
}
