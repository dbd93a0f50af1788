import DeviceKit
import Flows
import Testing

/// A code scanned on the home screen starts the flow whose first step takes it, whatever the flow
/// is called: a province may name its flows as it likes.
@Suite struct CodeRoutingTests {
    static func content(renaming old: String, to new: String) throws -> KioskContent {
        var content = shippedContent
        let removed = content.flows.removeValue(forKey: old)
        var flow = try #require(removed)
        flow.id = new
        content.flows[new] = flow
        return content
    }

    @Test func aPickupCodeStartsTheFlowThatBeginsByIdentifyingWhateverItsName() throws {
        var session = Session(content: try Self.content(renaming: "collect", to: "certificates"),
                              settings: SessionSettings(idleSeconds: 60, countdownSeconds: 10, kioskID: "HK-0001"))
        let actions = session.handle(.codeScanned(Array("88776655\r\n".utf8)))
        #expect(actions.contains(.findPickups(.pickupCode("88776655"))))
        #expect(session.position.flow == "certificates")
    }

    @Test func aResultCodeStartsTheFlowThatBeginsWithTheProgressQueryWhateverItsName() throws {
        var session = Session(content: try Self.content(renaming: "progress", to: "where-is-my-case"),
                              settings: SessionSettings(idleSeconds: 60, countdownSeconds: 10, kioskID: "HK-0001"))
        let actions = session.handle(.codeScanned(Array("AB-2026-0042\r\n".utf8)))
        #expect(actions.contains { if case .lookupResult = $0 { true } else { false } })
        #expect(session.position.flow == "where-is-my-case")
    }
}
