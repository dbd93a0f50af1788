import DeviceKit
import Foundation
import Testing
@testable import RemoteWindow

@Suite struct OperatorSessionTests {
    let id = ConnectionID(1)

    func attached(_ person: Operator, configuration: OperatorSession.Configuration = .init()) -> OperatorSession {
        var session = OperatorSession(id: id, configuration: configuration)
        _ = session.handle(.authenticated(person), consent: Consent(), now: t0)
        return session
    }

    /// A consent granted to `connection`.
    func granted(to connection: ConnectionID, _ person: Operator) -> Consent {
        var consent = Consent()
        let party = TakeoverParty(connection: connection, operator: person)
        _ = try? consent.request(by: party)
        _ = consent.answer(granted: true)
        return consent
    }

    @Test func nothingIsSentBeforeAuthentication() {
        var session = OperatorSession(id: id)
        let screen = MirrorScreen.text(["证照领取"], columns: 20, rows: 3)
        let change = try! { var c = Consent(); return try c.request(by: TakeoverParty(connection: ConnectionID(2), operator: alice)) }()
        let events: [OperatorSession.KioskEvent] = [
            .screen(screen), .chat(ChatLine(from: .citizen, text: "hello", at: t0)),
            .helpRequested(HelpRequest(flow: nil, step: nil, language: "zh-Hans", at: t0)),
            .takeoverChanged(change), .commandFinished(requestId: 1, .done),
        ]
        for event in events {
            let ignored = session.handle(.kiosk(event), consent: Consent(), now: t0)
            #expect(ignored.isEmpty)
        }
        let resync = session.handle(.resync, consent: Consent(), now: t0)
        #expect(resync.isEmpty)

        // A command without authentication: an error and the connection closes; no acknowledgement.
        let actions = session.handle(.received(command(.commonStatus, 1)), consent: Consent(), now: t0)
        #expect(actions.envelopes.count == 1)
        #expect(actions.envelopes[0].header == Header(name: "Common.Error", requestId: 0, type: .completion))
        #expect(actions.envelopes[0].completion?.code == .authorisationRequired)
        #expect(actions.closes)
        #expect(session.state == .closed)
        let late = session.handle(.authenticated(alice), consent: Consent(), now: t0)
        #expect(late.isEmpty)
    }

    @Test func attachIsAuditedAndTheFirstFrameIsFull() {
        var session = OperatorSession(id: id)
        let actions = session.handle(.authenticated(olga), consent: Consent(), now: t0)
        #expect(actions.audits == [AuditRecord(at: t0, operator: olga, action: .attach)])
        #expect(actions.envelopes.isEmpty)

        let first = session.handle(.kiosk(.screen(.text(["证照领取 Certificate pickup"], columns: 40, rows: 3))), consent: Consent(), now: t0)
        let frame = try! FrameMessage(payload: first.envelopes[0].payload!)
        #expect(frame.full && frame.columns == 40 && frame.rows == 3)
        #expect(first.envelopes[0].header == Header(name: "Remote.Frame", requestId: 0, type: .unsolicited))

        let second = session.handle(.kiosk(.screen(.text(["证照领取 Certificate pickup", "1"], columns: 40, rows: 3))), consent: Consent(), now: t0)
        #expect(try! FrameMessage(payload: second.envelopes[0].payload!).full == false)
        // The same screen again sends nothing.
        let same = session.handle(.kiosk(.screen(.text(["证照领取 Certificate pickup", "1"], columns: 40, rows: 3))), consent: Consent(), now: t0)
        #expect(same.isEmpty)
        // A resync sends a full frame of the current screen.
        let resync = session.handle(.resync, consent: Consent(), now: t0)
        #expect(try! FrameMessage(payload: resync.envelopes[0].payload!).full)
    }

    @Test func everyCommandIsAcknowledgedThenCompleted() throws {
        let consent = granted(to: id, tess)
        let commands: [OperatorCommand] = [.commonStatus, .chat(text: "您好"), .input(.character("1")), .endTakeover]
        for (index, command) in commands.enumerated() {
            var session = attached(tess)
            let requestId = 10 + index
            let envelopes = session.handle(.received(RemoteWindowTests.command(command, requestId)), consent: consent, now: t0).envelopes
            #expect(envelopes.map(\.header.type) == [.acknowledge, .completion], "\(command)")
            #expect(envelopes.allSatisfy { $0.header.requestId == requestId && $0.header.name == command.name.rawValue })
            #expect(envelopes[0].payload == nil)
            #expect(envelopes[1].completion?.code == .success)
        }

        // Device commands and identity verification complete when the kiosk reports back.
        let deviceCommands: [(OperatorCommand, DeviceOutcome)] = [
            (.deviceStatus, .status([])), (.deviceReset(device: "receipt-printer"), .done),
            (.deviceTestPrint(device: nil), .done), (.identityVerify, .identity(citizen)),
        ]
        for (index, (command, outcome)) in deviceCommands.enumerated() {
            var session = attached(tess)
            let requestId = 20 + index
            let first = session.handle(.received(RemoteWindowTests.command(command, requestId)), consent: consent, now: t0)
            #expect(first.envelopes.map(\.header.type) == [.acknowledge])
            #expect(session.commandsInFlight == [requestId])
            let last = session.handle(.kiosk(.commandFinished(requestId: requestId, outcome)), consent: consent, now: t0)
            #expect(last.envelopes.last?.header == Header(name: command.name.rawValue, requestId: requestId, type: .completion))
            #expect(last.envelopes.last?.completion?.code == .success)
            #expect(session.commandsInFlight.isEmpty)
        }
    }

    @Test func unknownCommandIsUnsupportedAndTheConnectionStays() {
        var session = attached(alice)
        let actions = session.handle(.received(command("Remote.Dance", 4)), consent: Consent(), now: t0)
        #expect(actions.envelopes.map(\.header.type) == [.acknowledge, .completion])
        #expect(actions.envelopes[1].completion?.code == .unsupportedCommand)
        #expect(!actions.closes)
        #expect(session.operator == alice)
    }

    @Test func anObserversDeviceResetIsForbiddenAndAudited() {
        var session = attached(olga)
        let actions = session.handle(.received(command(.deviceReset(device: "receipt-printer"), 5)), consent: Consent(), now: t0)
        #expect(actions.envelopes.map(\.header.type) == [.acknowledge, .completion])
        let completion = actions.envelopes[1].completion
        #expect(completion?.code == .commandErrorCode)
        #expect(completion?.errorCode == .forbidden)
        #expect(actions.audits == [AuditRecord(at: t0, operator: olga, action: .forbidden, detail: "Device.Reset")])
        #expect(!actions.contains { if case .deviceCommand = $0 { true } else { false } })
        #expect(!actions.closes)

        // Observers may not chat or take over either, but may ask for status.
        for forbidden in [OperatorCommand.chat(text: "hi"), .requestTakeover, .input(.enter), .identityVerify] {
            let actions = session.handle(.received(command(forbidden, 6)), consent: Consent(), now: t0)
            #expect(actions.envelopes.last?.completion?.errorCode == .forbidden, "\(forbidden)")
        }
        let status = session.handle(.received(command(.commonStatus, 7)), consent: Consent(), now: t0)
        #expect(status.envelopes.last?.completion?.code == .success)
        #expect(status.envelopes.last?.payload?["commands"] == ["Common.Status"])
        #expect(status.envelopes.last?.payload?["personalData"] == "masked")
    }

    @Test func aTechniciansDeviceResetIsForwardedAndAudited() {
        var session = attached(tess)
        let actions = session.handle(.received(command(.deviceReset(device: "receipt-printer"), 5)), consent: Consent(), now: t0)
        #expect(actions.envelopes.map(\.header.type) == [.acknowledge])
        #expect(actions.contains(.deviceCommand(DeviceRequest(requestId: 5, command: .reset(device: "receipt-printer"), operator: tess))))
        #expect(actions.audits == [AuditRecord(at: t0, operator: tess, action: .deviceCommand, detail: "Device.Reset receipt-printer")])

        // The same requestId while the command runs is refused without an acknowledgement.
        let again = session.handle(.received(command(.deviceStatus, 5)), consent: Consent(), now: t0)
        #expect(again.envelopes.map(\.header.type) == [.completion])
        #expect(again.envelopes[0].completion?.code == .invalidRequestID)

        let failed = session.handle(.kiosk(.commandFinished(requestId: 5, .failed(.hardwareError("media-jam")))), consent: Consent(), now: t0)
        #expect(failed.envelopes.map(\.completion?.code) == [.hardwareError])
        // A late second answer is ignored.
        let lateAnswer = session.handle(.kiosk(.commandFinished(requestId: 5, .done)), consent: Consent(), now: t0)
        #expect(lateAnswer.isEmpty)
    }

    @Test func deviceStatusListsDevices() {
        var session = attached(tess)
        _ = session.handle(.received(command(.deviceStatus, 2)), consent: Consent(), now: t0)
        func device(_ id: String, _ role: DeviceRole, _ category: DeviceCategory, _ health: DeviceHealth) -> DeviceSnapshot {
            DeviceSnapshot(id: id, role: role, category: category, driver: "sim", model: "sim-\(id)",
                           health: health, healthSince: t0, counters: DeviceCounters())
        }
        let entries = [
            device("reader", .identityReader, .identityReader, .online),
            device("receipt", .receiptPrinter, .printer,
                   DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish)),
        ]
        let actions = session.handle(.kiosk(.commandFinished(requestId: 2, .status(entries))), consent: Consent(), now: t0)
        #expect(actions.envelopes[0].payload?["devices"] == [
            ["id": "reader", "role": "identity-reader", "state": "online", "action": "none"],
            ["id": "receipt", "role": "receipt-printer", "state": "user-error", "reason": "media-empty", "action": "replenish"],
        ])
    }

    @Test func inputBeforeConsentIsASequenceErrorAndForwardsNothing() throws {
        var session = attached(alice)
        let none = session.handle(.received(command(.input(.character("1")), 1)), consent: Consent(), now: t0)
        #expect(none.envelopes.map(\.header.type) == [.acknowledge, .completion])
        #expect(none.envelopes[1].completion?.code == .sequenceError)
        #expect(none.forwardedKeys.isEmpty)

        // Asked but not yet answered: still nothing.
        var requested = Consent()
        _ = try requested.request(by: TakeoverParty(connection: id, operator: alice))
        let pending = session.handle(.received(command(.input(.enter), 2)), consent: requested, now: t0)
        #expect(pending.envelopes.last?.completion?.code == .sequenceError)
        #expect(pending.forwardedKeys.isEmpty)

        // Granted to another connection of the same operator: still nothing here.
        let elsewhere = session.handle(.received(command(.input(.enter), 3)), consent: granted(to: ConnectionID(9), alice), now: t0)
        #expect(elsewhere.envelopes.last?.completion?.code == .sequenceError)
        #expect(elsewhere.forwardedKeys.isEmpty)

        // Granted to this one: forwarded.
        let mine = session.handle(.received(command(.input(.enter), 4)), consent: granted(to: id, alice), now: t0)
        #expect(mine.forwardedKeys == [.enter])
        #expect(mine.envelopes.last?.completion?.code == .success)
    }

    @Test func aSecondTakeoverRequestWhileOneIsPendingIsASequenceError() throws {
        var session = attached(alice)
        var consent = Consent()
        _ = try consent.request(by: TakeoverParty(connection: ConnectionID(7), operator: tess))
        let actions = session.handle(.received(command(.requestTakeover, 1)), consent: consent, now: t0)
        #expect(actions.envelopes.map(\.header.type) == [.acknowledge, .completion])
        #expect(actions.envelopes[1].completion?.code == .sequenceError)
        #expect(!actions.contains { if case .requestConsent = $0 { true } else { false } })
    }

    @Test func malformedJSONClosesWithAnError() {
        var session = attached(alice)
        let actions = session.handle(.received("{\"header\": {"), consent: Consent(), now: t0)
        #expect(actions.envelopes.count == 1)
        #expect(actions.envelopes[0].header == Header(name: "Common.Error", requestId: 0, type: .completion))
        #expect(actions.envelopes[0].completion?.code == .invalidData)
        #expect(actions.audits.map(\.action) == [.detach])
        #expect(actions.last == .close(OperatorSession.CloseReason(.notJSON)))
        #expect(OperatorSession.CloseReason(.notJSON).webSocketCode == 1008)
        #expect(session.state == .closed)
        let afterClose = session.handle(.kiosk(.screen(.text(["x"], columns: 4, rows: 1))), consent: Consent(), now: t0)
        #expect(afterClose.isEmpty)
        let afterDisconnect = session.handle(.disconnected, consent: Consent(), now: t0)
        #expect(afterDisconnect.isEmpty)
    }

    @Test func aTenMegabyteMessageClosesWithAnError() {
        var session = attached(alice)
        let big = command("Remote.Chat", 1, ["text": .string(String(repeating: "字", count: 3_500_000))])
        #expect(big.utf8.count > 10_000_000)
        let actions = session.handle(.received(big), consent: Consent(), now: t0)
        #expect(actions.envelopes.first?.completion?.code == .invalidData)
        #expect(actions.envelopes.first?.completion?.errorDescription?.hasPrefix("message too large") == true)
        #expect(actions.last == .close(OperatorSession.CloseReason(.messageTooLarge(size: big.utf8.count, limit: 65536))))
        #expect(OperatorSession.CloseReason(.messageTooLarge(size: 1, limit: 0)).webSocketCode == 1009)

        var other = attached(alice)
        let refused = other.handle(.receivedTooLarge(byteCount: 10_485_760), consent: Consent(), now: t0)
        #expect(refused.closes)
    }

    @Test func theRateLimitClosesAFloodingConnection() {
        let configuration = OperatorSession.Configuration(rateLimit: .init(messagesPerSecond: 50, burst: 100))
        var session = attached(alice, configuration: configuration)
        let status = command(.commonStatus, 1)
        for _ in 0..<100 {
            let actions = session.handle(.received(status), consent: Consent(), now: t0)
            #expect(!actions.closes)
        }
        let actions = session.handle(.received(status), consent: Consent(), now: t0)
        #expect(actions.envelopes.map(\.completion?.errorCode) == [.tooManyRequests])
        #expect(actions.closes)
        #expect(session.state == .closed)
    }

    @Test func aSteadyRateWithinTheLimitIsServed() {
        var session = attached(alice)
        let status = command(.commonStatus, 1)
        for index in 0..<1000 {   // 40 a second for 25 seconds
            let actions = session.handle(.received(status), consent: Consent(), now: t0.addingTimeInterval(Double(index) * 0.025))
            #expect(!actions.closes)
        }
    }

    @Test func requestIdZeroAndNonCommandsAreAnsweredWithoutClosing() {
        var session = attached(alice)
        let zero = session.handle(.received(command(.commonStatus, 0)), consent: Consent(), now: t0)
        #expect(zero.envelopes.map(\.completion?.code) == [.invalidRequestID])
        #expect(!zero.closes)

        let event = MessageCodec.encode(Envelope(header: Header(name: "Remote.Chat", requestId: 3, type: .event), payload: [:]))
        let answer = session.handle(.received(event), consent: Consent(), now: t0)
        #expect(answer.envelopes.map(\.completion?.code) == [.invalidCommand])
        #expect(!answer.closes)

        let version = session.handle(.received(command("Common.Status", 4, nil, version: "2.0")), consent: Consent(), now: t0)
        #expect(version.envelopes.map(\.completion?.code) == [.unsupportedCommand])
        #expect(!version.closes)
        #expect(session.operator == alice)
    }

    @Test func chatIsSanitisedAndCapped() {
        var session = attached(alice)
        let actions = session.handle(.received(command(.chat(text: "请\u{1B}[2J稍等\u{7}\u{202E}\n片刻"), 1)), consent: Consent(), now: t0)
        #expect(actions.contains(.chatToCitizen(ChatLine(from: .operator("王芳"), text: "请稍等 片刻", at: t0))))

        let long = session.handle(.received(command(.chat(text: String(repeating: "长", count: 600)), 2)), consent: Consent(), now: t0)
        #expect(long.contains(.chatToCitizen(ChatLine(from: .operator("王芳"), text: String(repeating: "长", count: 500), at: t0))))
        #expect(long.envelopes.last?.payload?["truncated"] == true)

        let empty = session.handle(.received(command(.chat(text: "\u{1B}[31m \u{7}"), 3)), consent: Consent(), now: t0)
        #expect(empty.envelopes.last?.completion?.code == .invalidData)
        #expect(!empty.contains { if case .chatToCitizen = $0 { true } else { false } })
    }

    @Test func identityResultIsMaskedUnlessThisOperatorHasConsent() throws {
        var session = attached(alice)
        _ = session.handle(.received(command(.identityVerify, 1)), consent: Consent(), now: t0)
        let masked = session.handle(.kiosk(.commandFinished(requestId: 1, .identity(citizen))), consent: Consent(), now: t0)
        #expect(masked.envelopes.map(\.header.type) == [.event, .completion])
        let event = masked.envelopes[0]
        #expect(event.header == Header(name: "Remote.IdentityResult", requestId: 1, type: .event))
        let text = MessageCodec.encode(event)
        #expect(!text.contains(citizenNumber) && !text.contains(citizenName))
        #expect(event.payload?["maskedNumber"] == "4601**********0027")
        #expect(event.payload?["maskedName"] == "测*样")
        #expect(event.payload?["numberValid"] == true)
        #expect(event.payload?["unmasked"] == false)
        #expect(event.payload?["full"] == nil)
        let audit = try #require(masked.audits.first)
        #expect(audit.action == .identityVerify)
        #expect(!audit.detail.contains(citizenNumber) && audit.detail.contains("shown masked"))

        _ = session.handle(.received(command(.identityVerify, 2)), consent: granted(to: id, alice), now: t0)
        let full = session.handle(.kiosk(.commandFinished(requestId: 2, .identity(citizen))), consent: granted(to: id, alice), now: t0)
        let fields = try #require(full.envelopes[0].payload?["full"]?.objectValue)
        #expect(fields["number"] == .string(citizenNumber))
        #expect(fields["name"] == .string(citizenName))
        #expect(full.envelopes[0].payload?["unmasked"] == true)
        #expect(full.audits.first?.detail.contains("shown unmasked") == true)
    }

    @Test func disconnectingWhileHoldingTheTakeoverEndsIt() {
        var session = attached(alice)
        let consent = granted(to: id, alice)
        let actions = session.handle(.disconnected, consent: consent, now: t0)
        #expect(actions.contains(.endTakeover(TakeoverParty(connection: id, operator: alice), .operatorLeft)))
        #expect(actions.audits.map(\.action) == [.detach])
        #expect(!actions.closes)
    }
}
