import Flows
import Foundation
import Testing
import YAMLData

/// The shipped `Kiosk/codes.yaml`.
let shippedCodes: CodeClassifier = {
    do { return try CodeClassifier.load(from: kioskDirectory.appendingPathComponent("codes.yaml")) } catch {
        fatalError("the shipped codes.yaml does not load:\n\(error)")
    }
}()

@Suite struct CodeClassifierTests {
    private func classify(_ text: String) throws(CodeRejection) -> ClassifiedCode {
        try shippedCodes.classify(Array(text.utf8))
    }

    @Test func pickupCodes() throws {
        let code = try classify("123456\r\n")
        #expect(code.kind == .pickupCode && code.value == "123456")
        #expect(try classify("123456789012").kind == .pickupCode)
        // Too short for a pickup code, long enough for a result code.
        #expect(try classify("12345").kind == .resultCode)
        // A digits-only code may still be asked for as a result code.
        #expect(code.value(for: .resultCode) == "123456")
    }

    @Test func resultCodesAreUppercased() throws {
        let code = try classify("hn-2025-000123\t")
        #expect(code.kind == .resultCode && code.value == "HN-2025-000123")
    }

    @Test func resultURLsGiveTheirCode() throws {
        let byPath = try classify("https://hall.example.gov.cn/r/hn-2025-000123")
        #expect(byPath.kind == .resultURL && byPath.value == "HN-2025-000123")
        let byQuery = try classify("https://hall.example.gov.cn/query?lang=en&code=HN-7#top")
        #expect(byQuery.kind == .resultURL && byQuery.value == "HN-7")
        // A link with no usable code in it is not a result link.
        #expect(try classify("https://hall.example.gov.cn/r/<script>").kind == .unknown)
        #expect(try classify("javascript:alert(1)").kind == .unknown)
    }

    @Test func mrzLines() throws {
        let td3 = "P<CHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\rE123456780CHN9001011M3001012<<<<<<<<<<<<<<06\r"
        let code = try classify(td3)
        #expect(code.kind == .mrz)
        #expect(code.text.split(separator: "\n").count == 2)
        let line = "I<CHN123456789" + String(repeating: "<", count: 16)
        let td1 = String(repeating: line + "\n", count: 3)
        #expect(try classify(td1).kind == .mrz)
        // Line breaks in anything but an MRZ are refused.
        #expect(throws: CodeRejection.controlCharacter) { try classify("123\n456") }
    }

    @Test func unknownTextIsUnknown() throws {
        let code = try classify("你好，世界")
        #expect(code.kind == .unknown && code.value == "你好，世界" && code.matches.isEmpty)
        #expect(code.value(for: .unknown) == "你好，世界")
        #expect(try classify("WIFI:S:lobby;T:WPA;P:secret;;").kind == .unknown)
    }

    @Test func controlBytesAreRefused() {
        for bytes: [UInt8] in [
            Array("12345\u{1B}[2J".utf8), [0x31, 0x32, 0x00, 0x33, 0x34, 0x35, 0x36], Array("12\u{07}3456".utf8),
            Array("1234\t56".utf8), Array("1234\u{7F}56".utf8), Array("12\u{85}3456".utf8),
            Array("HN-\u{202E}321".utf8), Array("HN\u{200B}-1234".utf8),
        ] {
            #expect(throws: CodeRejection.controlCharacter) { try shippedCodes.classify(bytes) }
        }
    }

    @Test func invalidUTF8EmptyAndTooLongAreRefused() {
        #expect(throws: CodeRejection.invalidUTF8) { try shippedCodes.classify([0x31, 0x32, 0xFF, 0x33]) }
        #expect(throws: CodeRejection.invalidUTF8) { try shippedCodes.classify([0xC3]) }
        #expect(throws: CodeRejection.empty) { try shippedCodes.classify([]) }
        #expect(throws: CodeRejection.empty) { try shippedCodes.classify([0x0D, 0x0A]) }
        #expect(throws: CodeRejection.tooLong(maximum: 512)) { try shippedCodes.classify([UInt8](repeating: 0x31, count: 100_000)) }
        #expect(CodeRejection.tooLong(maximum: 512).code == "code-too-long")
    }

    @Test func hostsLimitResultLinks() throws {
        let file = DataFile(path: "codes.yaml", text: """
            kinds:
              - kind: result-url
                pattern: 'https://.+'
                value: last-path-segment
                hosts: [hall.example.gov.cn]
            """)
        let classifier = try #require(CodeClassifier.parse(file))
        #expect(try classifier.classify(Array("https://hall.example.gov.cn/r/HN-1".utf8)).kind == .resultURL)
        #expect(try classifier.classify(Array("https://evil.example.com/r/HN-1".utf8)).kind == .unknown)
        #expect(try classifier.classify(Array("https://hall.example.gov.cn@evil.example.com/r/HN-1".utf8)).kind == .unknown)
    }

    @Test func badFilesNameFileLineAndField() {
        let file = DataFile(path: "Kiosk/codes.yaml", text: """
            max-length: 5
            kinds:
              - kind: ticket
                pattern: '[0-9'
              - kind: unknown
                pattern: '.*'
              - kind: result-code
                pattern: '[A-Z]+'
                length: {min: 9, max: 3}
                value: middle
                colour: red
            """)
        #expect(CodeClassifier.parse(file) == nil)
        let text = file.problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("Kiosk/codes.yaml:1: max-length"))
        #expect(text.contains("Kiosk/codes.yaml:3: kinds.0.kind: \"ticket\" is not one of"))
        #expect(text.contains("Kiosk/codes.yaml:4: kinds.0.pattern: not a valid regular expression"))
        #expect(text.contains("kinds.1.kind: \"unknown\" is what matches no rule"))
        #expect(text.contains("kinds.2.value: \"middle\""))
        #expect(text.contains("kinds.2.colour: unknown field"))
    }

    @Test func hostileInputNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...600, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let code = try? shippedCodes.classify(bytes) {
                #expect(!code.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            }
        }
    }
}
