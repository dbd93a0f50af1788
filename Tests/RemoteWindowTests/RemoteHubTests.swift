import DeviceKit
import Foundation
import Testing
import WireFormat
@testable import RemoteWindow

@Suite struct RemoteHubTests {
    let personal = PersonalData(identity: citizen)

    /// The kiosk's screen while it shows the citizen's data, as the renderer draws it unmasked.
    var identityScreen: MirrorScreen {
        .text(["证照领取 Certificate pickup", "姓名 Name: \(citizenName)", "证件号码 No.: \(citizenNumber)", "1 确认 Confirm"],
              columns: 60, rows: 6, personalData: personal)
    }

    /// A hub with Alice (assistant) and Olga (observer) attached.
    func hub() -> (RemoteHub, ConnectionID, ConnectionID) {
        var hub = RemoteHub()
        let a = hub.connect(), o = hub.connect()
        _ = hub.handle(.authenticated(a, alice), now: t0)
        _ = hub.handle(.authenticated(o, olga), now: t0)
        return (hub, a, o)
    }

    @Test func aConnectionThatIsNotAuthenticatedGetsNothing() {
        var hub = RemoteHub()
        let stranger = hub.connect()
        var actions = hub.handle(.screen(identityScreen), now: t0)
        actions += hub.handle(.citizenChat("hello"), now: t0)
        actions += hub.handle(.helpRequested(HelpRequest(flow: nil, step: nil, language: "zh-Hans", at: t0)), now: t0)
        #expect(actions.envelopes(to: stranger).isEmpty)
        #expect(hub.attached.isEmpty)
        let tries = hub.handle(.received(stranger, command(.requestTakeover, 1)), now: t0)
        #expect(tries.envelopes(to: stranger).map(\.completion?.code) == [.authorisationRequired])
        #expect(tries.closes(stranger))
        #expect(hub.consent.state == .none)
        #expect(hub.sessions.isEmpty)
    }

    @Test func theTakeoverNeedsTheCitizensYesAndEndsWithOneKey() throws {
        var (hub, a, o) = hub()

        // Alice asks: acknowledged now, completed when the citizen answers.
        let asked = hub.handle(.received(a, command(.requestTakeover, 1)), now: t0)
        #expect(asked.envelopes(to: a).map(\.header.type) == [.acknowledge, .unsolicited])
        #expect(asked.envelopes(to: a)[1].payload == ["state": "requested", "by": "王芳"])
        #expect(asked.envelopes(to: o).map(\.header.name) == ["Remote.TakeoverState"])
        #expect(asked.audits.map(\.action) == [.consentRequested])
        #expect(asked.contains { if case .takeoverChanged(let change) = $0 { change.to == .requested(TakeoverParty(connection: a, operator: alice)) } else { false } })
        #expect(hub.consent.requester?.operator == alice)

        // Input before the answer does nothing.
        let early = hub.handle(.received(a, command(.input(.character("1")), 2)), now: t0)
        #expect(early.forwardedKeys.isEmpty)
        #expect(early.envelopes(to: a).last?.completion?.code == .sequenceError)

        // Someone else asking meanwhile is a sequence error.
        let t = hub.connect()
        _ = hub.handle(.authenticated(t, tess), now: t0)
        let second = hub.handle(.received(t, command(.requestTakeover, 1)), now: t0)
        #expect(second.envelopes(to: t).last?.completion?.code == .sequenceError)

        // The citizen says yes.
        let yes = hub.handle(.consentAnswered(granted: true), now: t0)
        let toAlice = yes.envelopes(to: a)
        #expect(toAlice.first?.header == Header(name: "Remote.RequestTakeover", requestId: 1, type: .completion))
        #expect(toAlice.first?.completion?.code == .success)
        #expect(toAlice.dropFirst().first?.payload == ["state": "granted", "by": "王芳"])
        #expect(yes.audits == [AuditRecord(at: t0, operator: alice, action: .consentGranted)])
        #expect(hub.consent.isGranted(to: a))

        // Now Alice's keys drive the flow, and only hers.
        let input = hub.handle(.received(a, command(.input(.character("1")), 3)), now: t0)
        #expect(input.forwardedKeys == [.character("1")])
        #expect(input.contains(.forwardInput(.character("1"), by: alice)))
        let fromTess = hub.handle(.received(t, command(.input(.enter), 2)), now: t0)
        #expect(fromTess.forwardedKeys.isEmpty)

        // One key on the kiosk ends it; input stops.
        let ended = hub.handle(.citizenEndedTakeover, now: t0)
        #expect(ended.envelopes(to: a).map(\.payload) == [["state": "ended", "by": "王芳", "reason": "citizen"]])
        #expect(ended.envelopes(to: o).map(\.payload) == [["state": "ended", "by": "王芳", "reason": "citizen"]])
        #expect(ended.audits.map(\.action) == [.takeoverEnded])
        #expect(ended.audits.first?.detail == "takeover ended: citizen")
        let after = hub.handle(.received(a, command(.input(.enter), 4)), now: t0)
        #expect(after.forwardedKeys.isEmpty)
        #expect(after.envelopes(to: a).last?.completion?.code == .sequenceError)
    }

    @Test func theTakeoverEndsWithTheVisit() {
        var (hub, a, _) = hub()
        _ = hub.handle(.received(a, command(.requestTakeover, 1)), now: t0)
        _ = hub.handle(.consentAnswered(granted: true), now: t0)
        let granted = hub.handle(.received(a, command(.input(.enter), 2)), now: t0)
        #expect(granted.forwardedKeys == [.enter])

        let ended = hub.handle(.visitEnded, now: t0)
        #expect(ended.contains { if case .takeoverChanged(let change) = $0 { change.to == .none && change.notice.reason == "visit-ended" } else { false } })
        #expect(hub.consent.state == .none)
        let afterVisit = hub.handle(.received(a, command(.input(.enter), 3)), now: t0)
        #expect(afterVisit.forwardedKeys.isEmpty)
        // A late answer to a prompt no longer shown changes nothing.
        let lateAnswer = hub.handle(.consentAnswered(granted: true), now: t0)
        #expect(lateAnswer.isEmpty)
    }

    @Test func aDeclinedRequestCompletesWithDeclinedAndMayBeAskedAgain() {
        var (hub, a, _) = hub()
        _ = hub.handle(.received(a, command(.requestTakeover, 1)), now: t0)
        let no = hub.handle(.consentAnswered(granted: false), now: t0)
        let completion = no.envelopes(to: a).first?.completion
        #expect(completion?.code == .commandErrorCode)
        #expect(completion?.errorCode == .declined)
        #expect(no.envelopes(to: a).last?.payload == ["state": "declined", "by": "王芳"])
        #expect(no.audits.map(\.action) == [.consentDeclined])
        #expect(hub.consent.state == .none)
        let again = hub.handle(.received(a, command(.requestTakeover, 2)), now: t0)
        #expect(again.envelopes(to: a).map(\.header.type) == [.acknowledge, .unsolicited])
    }

    @Test func withdrawingARequestCancelsIt() {
        var (hub, a, o) = hub()
        _ = hub.handle(.received(a, command(.requestTakeover, 1)), now: t0)
        // Olga may not end it; she has no role for it.
        let olgaTries = hub.handle(.received(o, command(.endTakeover, 1)), now: t0)
        #expect(olgaTries.envelopes(to: o).last?.completion?.errorCode == .forbidden)
        let withdrawn = hub.handle(.received(a, command(.endTakeover, 2)), now: t0)
        let toAlice = withdrawn.envelopes(to: a)
        // What the command did comes before its completion, as events do in XFS4IoT.
        #expect(toAlice.map(\.header.name) == ["Remote.EndTakeover", "Remote.RequestTakeover", "Remote.TakeoverState", "Remote.EndTakeover"])
        #expect(toAlice[1].completion?.code == .canceled)
        #expect(toAlice[2].payload == ["state": "ended", "by": "王芳", "reason": "operator"])
        #expect(toAlice[3].completion?.code == .success)
        #expect(withdrawn.audits.first?.detail == "request ended: operator")
        // Nothing left to end.
        let nothingLeft = hub.handle(.received(a, command(.endTakeover, 3)), now: t0)
        #expect(nothingLeft.envelopes(to: a).last?.completion?.code == .sequenceError)
    }

    @Test func anOperatorWhoLeavesGivesTheKioskBack() {
        var (hub, a, o) = hub()
        _ = hub.handle(.received(a, command(.requestTakeover, 1)), now: t0)
        _ = hub.handle(.consentAnswered(granted: true), now: t0)
        let left = hub.handle(.disconnected(a), now: t0)
        #expect(left.audits.map(\.action) == [.takeoverEnded, .detach])
        #expect(left.envelopes(to: o).map(\.payload) == [["state": "ended", "by": "王芳", "reason": "operator-left"]])
        #expect(left.envelopes(to: a).isEmpty)
        #expect(hub.consent.state == .none)
        #expect(hub.attached.map(\.operator) == [olga])
    }

    @Test func framesBeforeConsentHoldNoPersonalData() throws {
        var (hub, a, o) = hub()
        let shown = hub.handle(.screen(identityScreen), now: t0)
        for id in [a, o] {
            let frame = try #require(shown.envelopes(to: id).first?.frameText)
            #expect(!frame.contains(citizenNumber))
            #expect(!frame.contains(citizenName))
            #expect(frame.contains("4601**********0027"))
            #expect(frame.contains("测*样"))
            #expect(frame.contains("证照领取"))
        }

        // An operator attaching later gets a full frame, masked too.
        let t = hub.connect()
        let attached = hub.handle(.authenticated(t, tess), now: t0)
        let late = try #require(attached.envelopes(to: t).first)
        #expect(try FrameMessage(payload: late.payload ?? [:]).full)
        #expect(!(late.frameText ?? "").contains(citizenNumber))

        // After the citizen's yes, the holder's terminal is brought to the screen as it is (a diff
        // that fills in the masked cells); the others get nothing new.
        _ = hub.handle(.received(a, command(.requestTakeover, 1)), now: t0)
        let granted = hub.handle(.consentAnswered(granted: true), now: t0)
        let holderDiff = try #require(granted.envelopes(to: a).compactMap(\.frameText).first)
        #expect(holderDiff.contains("0019900101"))
        #expect(granted.envelopes(to: o).compactMap(\.frameText).isEmpty)
        let holderResync = hub.handle(.resync(a), now: t0)
        let holderFull = try #require(holderResync.envelopes(to: a).first?.frameText)
        #expect(holderFull.contains(citizenNumber) && holderFull.contains(citizenName))
        let observerResync = hub.handle(.resync(o), now: t0)
        let observerFull = try #require(observerResync.envelopes(to: o).first?.frameText)
        #expect(!observerFull.contains(citizenNumber) && !observerFull.contains(citizenName))

        let next = hub.handle(.screen(.text(["姓名 \(citizenName) \(citizenNumber)"], columns: 60, rows: 6, personalData: personal)), now: t0)
        #expect(next.envelopes(to: a).compactMap(\.frameText).count == 1)
        let observerNext = try #require(next.envelopes(to: o).compactMap(\.frameText).first)
        #expect(!observerNext.contains(citizenName) && !observerNext.contains("0019900101"))

        // When it ends, the holder is masked again.
        _ = hub.handle(.citizenEndedTakeover, now: t0)
        let remaskedResync = hub.handle(.resync(a), now: t0)
        let remasked = try #require(remaskedResync.envelopes(to: a).first?.frameText)
        #expect(!remasked.contains(citizenName) && !remasked.contains(citizenNumber))
        #expect(remasked.contains("测*样"))
    }

    @Test func helpReachesEveryAttachedOperatorOrIsQueued() {
        var (hub, a, o) = hub()
        let help = HelpRequest(flow: "certificate-pickup", step: "identify", language: "en", at: t0)
        let actions = hub.handle(.helpRequested(help), now: t0)
        for id in [a, o] {
            #expect(actions.envelopes(to: id).map(\.header) == [Header(name: "Remote.HelpRequested", requestId: 0, type: .unsolicited)])
        }
        #expect(!actions.contains(.queueHelpRequest(help)))

        var empty = RemoteHub()
        let unauthenticated = empty.connect()
        let queued = empty.handle(.helpRequested(help), now: t0)
        #expect(queued == [.queueHelpRequest(help)])
        let attach = empty.handle(.authenticated(unauthenticated, alice), now: t0)
        #expect(attach.audits.map(\.action) == [.attach])
        let delivered = empty.handle(.helpRequested(help), now: t0)
        #expect(delivered.envelopes(to: unauthenticated).count == 1)
    }

    @Test func chatGoesBothWays() {
        var (hub, a, o) = hub()
        let fromAlice = hub.handle(.received(a, command(.chat(text: "请把身份证放在感应区"), 1)), now: t0)
        let line = ChatLine(from: .operator("王芳"), text: "请把身份证放在感应区", at: t0)
        #expect(fromAlice.contains(.showChat(line)))
        #expect(fromAlice.envelopes(to: o).map(\.payload) == [KioskMessage.chat(line).payload])
        #expect(fromAlice.envelopes(to: a).map(\.header.type) == [.acknowledge, .unsolicited, .completion])

        let fromCitizen = hub.handle(.citizenChat("好的\u{1B}]0;pwned\u{7}"), now: t0)
        for id in [a, o] {
            #expect(fromCitizen.envelopes(to: id).map(\.payload) == [["from": "citizen", "text": "好的", "at": .string(Timestamp.format(t0))]])
        }
    }

    @Test func aFloodingConnectionIsClosedWhileTheKioskKeepsServing() {
        var hub = RemoteHub(configuration: .init(rateLimit: .init(messagesPerSecond: 50, burst: 100)))
        let a = hub.connect(), o = hub.connect()
        _ = hub.handle(.authenticated(a, alice), now: t0)
        _ = hub.handle(.authenticated(o, olga), now: t0)
        var closed = false
        for index in 0..<500 where !closed {
            let actions = hub.handle(.received(a, command(.commonStatus, index + 1)), now: t0.addingTimeInterval(Double(index) * 0.001))
            closed = actions.closes(a)
            if closed { #expect(actions.envelopes(to: a).last?.completion?.errorCode == .tooManyRequests) }
        }
        #expect(closed)
        #expect(hub.attached.map(\.operator) == [olga])
        let frames = hub.handle(.screen(.text(["still serving"], columns: 20, rows: 2)), now: t0)
        #expect(frames.envelopes(to: o).count == 1)
        #expect(frames.envelopes(to: a).isEmpty)
    }

    @Test func malformedMessagesCloseOnlyThatConnection() {
        for bad in ["not json", "[]", #"{"payload": {}}"#, String(repeating: "x", count: 70_000)] {
            var (hub, a, o) = hub()
            let actions = hub.handle(.received(a, bad), now: t0)
            #expect(actions.closes(a))
            #expect(actions.envelopes(to: a).first?.completion?.code == .invalidData)
            #expect(actions.audits.map(\.action) == [.detach])
            let others = hub.handle(.screen(.text(["ok"], columns: 10, rows: 1)), now: t0)
            #expect(others.envelopes(to: o).count == 1)
            let afterClose = hub.handle(.disconnected(a), now: t0)
            #expect(afterClose.isEmpty)
        }
    }

    @Test func deviceCommandsGoToTheKioskAndBack() {
        var hub = RemoteHub()
        let t = hub.connect()
        _ = hub.handle(.authenticated(t, tess), now: t0)
        let asked = hub.handle(.received(t, command(.deviceTestPrint(device: nil), 8)), now: t0)
        #expect(asked.contains(.deviceCommand(t, DeviceRequest(requestId: 8, command: .testPrint(device: nil), operator: tess))))
        #expect(asked.audits.map(\.detail) == ["Device.TestPrint receipt printer"])
        let done = hub.handle(.commandFinished(t, requestId: 8, .failed(.unsupportedData("no printer \"a3\""))), now: t0)
        #expect(done.envelopes(to: t).map(\.completion?.code) == [.unsupportedData])
    }
}
