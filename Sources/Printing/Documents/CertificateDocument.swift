import CCUPS
import DeviceKit
import Foundation

/// A certificate as the pickup cache holds it: a PDF and the SHA-256 the platform gave for it.
/// It is checked right before printing, so a damaged or swapped file never comes out.
public struct CertificateDocument: Sendable, Equatable {
    public var pdf: Data
    /// Lowercase hex, 64 characters.
    public var expectedSHA256: String

    public init(pdf: Data, expectedSHA256: String) {
        self.pdf = pdf
        self.expectedSHA256 = expectedSHA256.lowercased()
    }

    /// SHA-256 of `data` as lowercase hex, through libcups' `cupsHashData` (no second crypto library).
    /// An empty input has the digest of the empty message (FIPS 180-4), which `cupsHashData`
    /// refuses to compute; should libcups fail otherwise, the result matches no digest.
    public static func sha256(_ data: Data) -> String {
        guard !data.isEmpty else { return "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" }
        var digest = [UInt8](repeating: 0, count: 32)
        let length = data.withUnsafeBytes { bytes in
            cupsHashData("sha2-256", bytes.baseAddress, bytes.count, &digest, digest.count)
        }
        guard length == 32 else { return "unavailable" }
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Checks the digest and that the bytes are a PDF.
    public func verified() throws(DeviceError) -> Data {
        let actual = Self.sha256(pdf)
        guard actual == expectedSHA256 else {
            throw PrinterErrors.documentMismatch(expected: expectedSHA256, actual: actual)
        }
        guard pdf.starts(with: Array("%PDF-".utf8)) else {
            throw DeviceError(code: .documentNotPDF, action: .retry, detail: "the certificate's bytes are not a PDF")
        }
        return pdf
    }

    /// The verified certificate as a print job.
    public func printJob(title: String) throws(DeviceError) -> PrintJob {
        PrintJob(kind: .certificate, title: title, format: "application/pdf", document: try verified())
    }
}
