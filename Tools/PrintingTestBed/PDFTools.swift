import Foundation

/// Reads printed documents back with poppler and zbar, as a person with the page would.
public enum PDFTools {
    private static func scratch() throws -> String {
        var template = Array("/tmp/kiosk-pdf-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BedError("mkdtemp failed") }
        return String(cString: made)
    }

    /// `pdftotext -layout FILE -`.
    public static func text(of pdf: Data) async throws -> String {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try pdf.write(to: URL(fileURLWithPath: folder + "/in.pdf"))
        let result = try await run("pdftotext", ["-enc", "UTF-8", folder + "/in.pdf", folder + "/out.txt"], in: folder)
        guard result.status == 0 else { throw BedError("pdftotext failed: \(result.errors)") }
        return try String(contentsOfFile: folder + "/out.txt", encoding: .utf8)
    }

    /// `pdftoppm -r 200 -png` then `zbarimg --raw`: the QR codes on the first page.
    public static func qrCodes(in pdf: Data) async throws -> [String] {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try pdf.write(to: URL(fileURLWithPath: folder + "/in.pdf"))
        let rendered = try await run("pdftoppm", ["-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", folder + "/in.pdf", folder + "/page"], in: folder)
        guard rendered.status == 0 else { throw BedError("pdftoppm failed: \(rendered.errors)") }
        let decoded = try await run("zbarimg", ["--raw", "-q", folder + "/page.png"], in: folder)
        guard decoded.status == 0 else { throw BedError("zbarimg found no code (\(decoded.status)): \(decoded.errors)") }
        return decoded.output.split(separator: "\n").map(String.init)
    }

    /// Page count and size from `pdfinfo`.
    public static func info(of pdf: Data) async throws -> String {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try pdf.write(to: URL(fileURLWithPath: folder + "/in.pdf"))
        let result = try await run("pdfinfo", [folder + "/in.pdf"], in: folder)
        guard result.status == 0 else { throw BedError("pdfinfo failed: \(result.errors)") }
        return result.output
    }

    /// The page rendered at 100 dpi as PNG bytes, to compare two PDFs' content.
    public static func renderedPage(of pdf: Data) async throws -> Data {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try pdf.write(to: URL(fileURLWithPath: folder + "/in.pdf"))
        let rendered = try await run("pdftoppm", ["-r", "100", "-gray", "-singlefile", folder + "/in.pdf", folder + "/page"], in: folder)
        guard rendered.status == 0 else { throw BedError("pdftoppm failed: \(rendered.errors)") }
        return try Data(contentsOf: URL(fileURLWithPath: folder + "/page.pgm"))
    }

    /// Pixels that differ between two binary PGM images of the same size, and the pixel count.
    public static func differingPixels(_ a: Data, _ b: Data) throws -> (Int, Int) {
        func pixels(_ image: Data) throws -> ArraySlice<UInt8> {
            let bytes = [UInt8](image)
            var newlines = 0
            guard let start = bytes.firstIndex(where: { byte in
                if byte == 0x0A { newlines += 1 }
                return newlines == 3
            }) else { throw BedError("not a PGM image") }
            return bytes[(start + 1)...]
        }
        let left = try pixels(a)
        let right = try pixels(b)
        guard left.count == right.count else { throw BedError("pages of different sizes: \(left.count) and \(right.count) pixels") }
        return (zip(left, right).filter { $0 != $1 }.count, left.count)
    }
}
