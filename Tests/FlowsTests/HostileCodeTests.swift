import DeviceKit
import Flows
import Testing

/// Hostile codes from a scanner (issue 5): each is refused with a plain message, nothing of it
/// reaches the screen, and the kiosk keeps answering the citizen — also under a flood.
@Suite struct HostileCodeTests {
    static let hostile: [[UInt8]] = [
        Array("\u{1B}[2J\u{1B}]0;pwned\u{07}".utf8),           // escape sequences
        Array(repeating: UInt8(ascii: "7"), count: 100_000),  // 100 KB
        [0xC3, 0x28, 0xFF, 0xFE],                             // invalid UTF-8
        Array("8800\u{0}1234".utf8),                          // a NUL inside a pickup code
    ]

    @Test func eachIsRefusedPlainlyOnTheHomeScreenAndAtIdentify() {
        for bytes in Self.hostile {
            var session = makeSession()
            #expect(session.handle(.codeScanned(bytes)).isEmpty)
            #expect(session.screenText.contains("这个码不是本机可以使用的码"))
            #expect(!session.screenText.contains("\u{1B}") && !session.screenText.contains("pwned"))
            #expect(session.isIdle)
            session.press(.text("1"))
            #expect(session.handle(.codeScanned(bytes)).isEmpty)
            #expect(session.screenText.contains("这个码不是本机可以使用的取件码"))
            #expect(session.position == Session.Position(flow: "collect", step: "identify"))
        }
    }

    @Test func aThousandScansLeaveTheKioskAnsweringKeys() {
        var session = makeSession()
        session.press(.text("1"))
        for index in 0..<1000 {
            _ = session.handle(.codeScanned(index % 2 == 0 ? Self.hostile[0] : Self.hostile[2]))
        }
        // The citizen's next key still does what it says, and a good code still works.
        #expect(session.press(.function(2)).isEmpty)
        #expect(session.screenText.contains("Please place your ID card"))
        #expect(session.handle(.codeScanned(Array("88001234\r".utf8))).contains(.findPickups(.pickupCode("88001234"))))
    }
}
