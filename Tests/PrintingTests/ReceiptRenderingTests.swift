import DeviceKit
import Foundation
import Printing
import PrintingTestBed
import Testing

@Suite("Receipts rendered with cairo, read back with poppler and zbar")
struct ReceiptRenderingTests {
    static let url = "https://zwfw.hainan.gov.cn/q/R2026112700042?k=9f3a"

    static func receipt() -> ReceiptContent {
        ReceiptContent(ReceiptDocument(
            title: "证照领取回执 Certificate collection receipt",
            lines: [
                "您已领取：食品经营许可证。请妥善保管，如有疑问请到服务台咨询或拨打12345。",
                "You have collected: Food business licence. Please keep it safe; for questions ask at the service desk or call 12345.",
            ],
            trackingNumber: "HN-2026-000042", time: Date(timeIntervalSince1970: 1_795_791_900), kioskID: "kiosk-haikou-07",
            qrContent: url))
    }

    /// pdftotext keeps the words of a line together but may put line breaks where the receipt wrapped.
    static func squeezed(_ text: String) -> String {
        text.filter { !$0.isWhitespace }
    }

    @Test("an A4 receipt shows its Chinese and English lines and a QR code of the exact URL", arguments: Paper.allCases)
    func readBack(paper: Paper) async throws {
        let pdf = try ReceiptRenderer(paper: paper).render(Self.receipt())
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        let text = Self.squeezed(try await PDFTools.text(of: pdf))
        for expected in ["证照领取回执", "Certificatecollectionreceipt", "您已领取：食品经营许可证。", "如有疑问请到服务台咨询或拨打12345。",
                         "Youhavecollected:Foodbusinesslicence.", "办件编号Applicationnumber:HN-2026-000042",
                         "时间Time:2026-11-2723:05", "终端Kiosk:kiosk-haikou-07", "扫码查询Checkprogressbycode"] {
            #expect(text.contains(expected), "\(paper): missing \(expected) in \(text)")
        }
        #expect(try await PDFTools.qrCodes(in: pdf) == [Self.url])
        let info = try await PDFTools.info(of: pdf)
        #expect(info.contains(#/Pages:\s+1\n/#), "\(info)")
        switch paper {
        case .a4: #expect(info.contains("595.276 x 841.89 pts"), "\(info)")
        case .roll80mm: #expect(info.contains("226.772 x"), "\(info)")
        }
    }

    @Test("the Chinese glyphs are embedded from Noto Sans CJK, not substituted")
    func embedsCJKFont() async throws {
        let pdf = try ReceiptRenderer(paper: .a4).render(Self.receipt())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-fonts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try pdf.write(to: folder.appendingPathComponent("r.pdf"))
        let fonts = try await run("pdffonts", [folder.appendingPathComponent("r.pdf").path], in: folder.path)
        #expect(fonts.status == 0)
        #expect(fonts.output.contains("NotoSansCJK"), "\(fonts.output)")
        #expect(!fonts.output.contains(" no  "), "every font is embedded: \(fonts.output)")
    }

    @Test("a test page carries the kiosk id, the time and a QR code")
    func testPage() async throws {
        let content = ReceiptContent(.testPage(kioskID: "kiosk-sanya-02", time: Date(timeIntervalSince1970: 1_795_791_900)))
        let pdf = try ReceiptRenderer(paper: .roll80mm).render(content)
        let text = Self.squeezed(try await PDFTools.text(of: pdf))
        #expect(text.contains("打印机测试页Printertestpage"))
        #expect(text.contains("kiosk-sanya-02"))
        #expect(text.contains("2026-11-2723:05"))
        #expect(try await PDFTools.qrCodes(in: pdf) == ["kiosk-test-page:kiosk-sanya-02:1795791900"])
    }

    @Test("control characters and NULs in outside text are dropped, not drawn and not truncating")
    func controlCharacters() async throws {
        var content = Self.receipt()
        content.receipt.lines = ["before\u{0}\u{1B}[2Jafter 之后"]
        let text = Self.squeezed(try await PDFTools.text(of: try ReceiptRenderer(paper: .a4).render(content)))
        #expect(text.contains("before[2Jafter之后"), "\(text)")
    }

    @Test("a URL too long for any QR code is a typed error")
    func tooLongForQR() throws {
        var content = Self.receipt()
        content.receipt.qrContent = "https://example.org/" + String(repeating: "x", count: 4000)
        #expect(throws: DeviceError.self) { try ReceiptRenderer(paper: .a4).render(content) }
        do {
            _ = try ReceiptRenderer(paper: .a4).render(content)
        } catch {
            #expect(error.code == .renderFailed)
        }
    }
}

