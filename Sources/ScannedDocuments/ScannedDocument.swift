import DeviceKit
import Foundation

/// Scanned pages ready to go with a service-guidance submission: the pages themselves and one PDF
/// of them all, which is what the kiosk stores in the outbox (sealed there when sealing is set up,
/// as scanned materials are personal data).
public struct ScannedDocument: Sendable, Equatable {
    public var pages: [ScannedPage]
    public var pdf: Data

    public var pageCount: Int { pages.count }
    public static let pdfMediaType = "application/pdf"

    /// Builds the PDF from the pages (PNG from the SANE driver, PGM from the simulated one).
    public init(pages: [ScannedPage], defaultDPI: Int = 300) throws(DeviceError) {
        self.pages = pages
        pdf = try PDFWriter.pdf(of: pages, defaultDPI: defaultDPI)
    }

    /// Writes the PDF to a new file in `folder`, readable by the kiosk's user only, and returns
    /// its path: the outbox copies (or seals) it from there, after which the caller removes it.
    public func writePDF(inFolder folder: String, name: String = "scan-\(UUID().uuidString.lowercased()).pdf") throws(DeviceError) -> String {
        guard !name.contains("/"), !name.isEmpty else {
            throw DeviceError(code: .badFileName, action: .configuration, detail: "not a file name: \(name)")
        }
        let path = (folder as NSString).appendingPathComponent(name)
        // Created 0600 from the start, so the scan is never readable by others even for a moment.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DeviceError(code: .notWritable, action: .configuration,
                              detail: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = pdf.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let count = write(fd, raw.baseAddress!.advanced(by: offset), raw.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard written else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw DeviceError(code: .notWritable, action: .configuration, detail: "cannot write \(path): \(reason)")
        }
        return path
    }
}
