import ScreenModel
import Testing
import TerminalUI

/// One input sequence and the keys it must produce.
struct DecoderCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let keys: [Key]

    init(_ name: String, _ bytes: [UInt8], _ keys: [Key]) {
        self.name = name
        self.bytes = bytes
        self.keys = keys
    }

    init(_ name: String, _ text: String, _ keys: [Key]) {
        self.init(name, Array(text.utf8), keys)
    }

    var testDescription: String { name }
}

private let esc = "\u{1B}"

let decoderCases: [DecoderCase] = [
    DecoderCase("ascii text", "12a", [.text("1"), .text("2"), .text("a")]),
    DecoderCase("chinese text", "证照", [.text("证"), .text("照")]),
    DecoderCase("four-byte emoji", "😀", [.text("😀")]),
    DecoderCase("carriage return", "\r", [.enter]),
    DecoderCase("line feed", "\n", [.enter]),
    DecoderCase("CRLF is one enter", "1\r\n2", [.text("1"), .enter, .text("2")]),
    DecoderCase("two returns", "\r\r", [.enter, .enter]),
    DecoderCase("DEL is backspace", [0x7F], [.backspace]),
    DecoderCase("BS is backspace", [0x08], [.backspace]),
    DecoderCase("tab", "\t", [.tab]),
    DecoderCase("CSI arrows", "\(esc)[A\(esc)[B\(esc)[C\(esc)[D", [.up, .down, .right, .left]),
    DecoderCase("SS3 arrows", "\(esc)OA\(esc)OB\(esc)OC\(esc)OD", [.up, .down, .right, .left]),
    DecoderCase("home and end", "\(esc)[H\(esc)[F\(esc)[1~\(esc)[4~\(esc)[7~\(esc)[8~\(esc)OH\(esc)OF",
                [.home, .end, .home, .end, .home, .end, .home, .end]),
    DecoderCase("delete", "\(esc)[3~", [.delete]),
    DecoderCase("page up and down", "\(esc)[5~\(esc)[6~", [.pageUp, .pageDown]),
    DecoderCase("F1-F4 SS3", "\(esc)OP\(esc)OQ\(esc)OR\(esc)OS",
                [.function(1), .function(2), .function(3), .function(4)]),
    DecoderCase("F1-F4 tilde", "\(esc)[11~\(esc)[12~\(esc)[13~\(esc)[14~",
                [.function(1), .function(2), .function(3), .function(4)]),
    DecoderCase("F1-F5 Linux console", "\(esc)[[A\(esc)[[B\(esc)[[C\(esc)[[D\(esc)[[E",
                (1...5).map { .function($0) }),
    DecoderCase("F5-F12", "\(esc)[15~\(esc)[17~\(esc)[18~\(esc)[19~\(esc)[20~\(esc)[21~\(esc)[23~\(esc)[24~",
                (5...12).map { .function($0) }),
    DecoderCase("modifiers are ignored", "\(esc)[1;2P\(esc)[1;5A\(esc)[3;5~\(esc)[15;2~\(esc)O2Q",
                [.function(1), .up, .delete, .function(5), .function(2)]),
    DecoderCase("SGR mouse left press", "\(esc)[<0;10;5M", [.tap(column: 9, row: 4)]),
    DecoderCase("SGR mouse press then release", "\(esc)[<0;1;1M\(esc)[<0;1;1m", [.tap(column: 0, row: 0)]),
    DecoderCase("SGR mouse release only", "\(esc)[<0;10;5m", []),
    DecoderCase("SGR mouse other buttons, motion and wheel",
                "\(esc)[<1;3;3M\(esc)[<2;3;3M\(esc)[<32;3;3M\(esc)[<35;3;3M\(esc)[<64;3;3M\(esc)[<65;3;3M", []),
    DecoderCase("SGR mouse with a modifier held", "\(esc)[<16;80;24M", [.tap(column: 79, row: 23)]),
    DecoderCase("X10 mouse press and release", [0x1B, 0x5B, 0x4D, 0x20, 0x2A, 0x25, 0x1B, 0x5B, 0x4D, 0x23, 0x2A, 0x25],
                [.tap(column: 9, row: 4)]),
    DecoderCase("Ctrl-C, Ctrl-Z, Ctrl-\\ and other controls", [0x03, 0x1A, 0x1C, 0x00, 0x01, 0x04, 0x11, 0x13, 0x7], []),
    DecoderCase("unknown sequences are dropped", "\(esc)[99~\(esc)[?1;2c\(esc)[I\(esc)[200~\(esc)OZ\(esc)[2~a",
                [.text("a")]),
    DecoderCase("Alt combinations are dropped", "\(esc)x\(esc)1\(esc)\u{7F}b", [.text("b")]),
    DecoderCase("escape before a control byte", "\(esc)\r", [.escape, .enter]),
    DecoderCase("malformed CSI is dropped and the next key kept", "\(esc)[12\rx", [.enter, .text("x")]),
    DecoderCase("invalid UTF-8 is dropped", [0xFF, 0x41, 0xC3, 0x28, 0xE0, 0x80, 0x80, 0xED, 0xA0, 0x80, 0xF5, 0x42],
                [.text("A"), .text("("), .text("B")]),
    DecoderCase("C1 and bidi controls in UTF-8 are not text", "\u{9B}\u{202E}x", [.text("x")]),
]

@Suite struct InputDecoderTests {
    @Test(arguments: decoderCases)
    func decodesWhole(_ testCase: DecoderCase) {
        var decoder = InputDecoder()
        #expect(decoder.feed(testCase.bytes) == testCase.keys)
        #expect(!decoder.hasPendingEscape)
    }

    @Test(arguments: decoderCases)
    func decodesByteByByte(_ testCase: DecoderCase) {
        var decoder = InputDecoder()
        var keys: [Key] = []
        for byte in testCase.bytes { keys += decoder.feed([byte]) }
        #expect(keys == testCase.keys)
    }

    @Test func multibyteCharacterSplitAcrossReads() {
        var decoder = InputDecoder()
        let bytes = Array("领".utf8)
        #expect(decoder.feed([bytes[0]]) == [])
        #expect(decoder.feed([bytes[1]]) == [])
        #expect(decoder.feed([bytes[2], 0x31]) == [.text("领"), .text("1")])
    }

    @Test func crlfSplitAcrossReadsIsStillOneEnter() {
        var decoder = InputDecoder()
        #expect(decoder.feed([0x0D]) == [.enter])
        #expect(decoder.feed([0x0A]) == [])
        #expect(decoder.feed([0x0A]) == [.enter])
    }

    @Test func loneEscapeBecomesEscapeOnlyAfterTheFlush() {
        var decoder = InputDecoder()
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.hasPendingEscape)
        #expect(decoder.flushPendingEscape() == [.escape])
        #expect(!decoder.hasPendingEscape)
        #expect(decoder.flushPendingEscape() == [])
    }

    @Test func escapeThenASequenceInTheNextRead() {
        var decoder = InputDecoder()
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.feed(Array("\u{1B}[A".utf8)) == [.escape, .up])
    }

    @Test func halfASequenceIsDroppedByTheFlush() {
        var decoder = InputDecoder()
        #expect(decoder.feed(Array("\u{1B}[1;".utf8)) == [])
        #expect(decoder.flushPendingEscape() == [])
        #expect(decoder.feed(Array("5~".utf8)) == [.text("5"), .text("~")])
    }

    @Test func runawaySequenceIsDiscardedAndTheDecoderRecovers() {
        var decoder = InputDecoder()
        let runaway = Array("\u{1B}[".utf8) + Array(repeating: UInt8(ascii: "1"), count: 10_000)
        #expect(decoder.feed(runaway) == [])
        #expect(decoder.feed(Array("\r".utf8)) == [.enter])
        #expect(decoder.feed(Array("a".utf8)) == [.text("a")])
        #expect(decoder == InputDecoder())
    }

    @Test func sequencesUpToTheLimitStillWork() {
        var decoder = InputDecoder()
        let parameters = String(repeating: "0", count: InputDecoder.maxSequenceLength - 3) + "3"
        #expect(decoder.feed(Array("\u{1B}[\(parameters)~".utf8)) == [.delete])
    }

    @Test func randomBytesNeverStickTheDecoder() {
        var generator = SeededGenerator(seed: 77)
        var decoder = InputDecoder()
        for _ in 0..<300 {
            let noise = (0..<Int.random(in: 1...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = decoder.feed(noise)
            _ = decoder.flushPendingEscape()
            _ = decoder.feed([0x0D])                                            // ends any half character
            #expect(decoder.feed(Array("\u{1B}[B7".utf8)) == [.down, .text("7")])
        }
    }
}
