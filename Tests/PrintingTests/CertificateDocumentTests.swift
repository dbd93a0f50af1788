import DeviceKit
import Foundation
import Printing
import PrintingTestBed
import Testing

@Suite("certificates are checked before printing")
struct CertificateDocumentTests {
    @Test("SHA-256 through libcups matches the FIPS 180-2 test vectors")
    func digest() {
        #expect(CertificateDocument.sha256(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(CertificateDocument.sha256(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("a matching PDF becomes a certificate job; the expected digest may be upper case")
    func matching() throws {
        let pdf = Data("%PDF-1.5\n%%EOF\n".utf8)
        let job = try CertificateDocument(pdf: pdf, expectedSHA256: CertificateDocument.sha256(pdf).uppercased()).printJob(title: "licence")
        #expect(job.kind == .certificate)
        #expect(job.format == "application/pdf")
        #expect(job.document == pdf)
    }

    @Test("a changed byte is document-mismatch; bytes that are no PDF are document-not-pdf")
    func refused() {
        let pdf = Data("%PDF-1.5\n%%EOF\n".utf8)
        var changed = pdf
        changed[changed.count - 2] = 0x41
        do {
            _ = try CertificateDocument(pdf: changed, expectedSHA256: CertificateDocument.sha256(pdf)).verified()
            Issue.record("a changed certificate passed")
        } catch {
            #expect(error.code == .documentMismatch)
        }
        let text = Data("hello".utf8)
        do {
            _ = try CertificateDocument(pdf: text, expectedSHA256: CertificateDocument.sha256(text)).verified()
            Issue.record("text passed as a PDF")
        } catch {
            #expect(error.code == .documentNotPDF)
        }
        do {
            _ = try CertificateDocument(pdf: Data(), expectedSHA256: CertificateDocument.sha256(Data())).verified()
            Issue.record("an empty file passed as a PDF")
        } catch {
            #expect(error.code == .documentNotPDF)
        }
    }

    @Test("QR matrices come from libqrencode: version 1 is 21 modules with finder patterns in three corners")
    func qrMatrix() throws {
        let matrix = try QRMatrix(encoding: "HN-42")
        #expect(matrix.size == 21)
        #expect(matrix.modules.count == 21 * 21)
        for (x, y) in [(0, 0), (20, 0), (0, 20), (6, 6), (14, 0), (0, 14)] {
            #expect(matrix.isDark(x: x, y: y), "finder pattern corner at \(x),\(y)")
        }
        #expect(!matrix.isDark(x: 7, y: 7), "separator around the finder pattern")
        #expect(try QRMatrix(encoding: String(repeating: "x", count: 200)).size > 21)
    }
}
