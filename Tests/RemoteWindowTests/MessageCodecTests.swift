import Foundation
import Testing
@testable import RemoteWindow

@Suite struct MessageCodecTests {
    let codec = MessageCodec()

    @Test func commandRoundTrips() throws {
        let envelope = Envelope(header: Header(name: "Remote.Chat", requestId: 7, type: .command),
                                payload: ["text": "请把身份证放在感应区 / please", "n": 1.5, "ok": true, "none": nil,
                                          "list": [1, "two", ["three": 3]]])
        let text = MessageCodec.encode(envelope)
        #expect(try codec.decode(text) == envelope)
    }

    @Test func acknowledgementHasNoPayload() throws {
        let ack = Envelope.acknowledge(Header(name: "Device.Reset", requestId: 3, type: .command))
        let text = MessageCodec.encode(ack)
        #expect(text == #"{"header":{"name":"Device.Reset","requestId":3,"type":"acknowledge","version":"1.0"}}"#)
        #expect(try codec.decode(text) == ack)
    }

    @Test func encodingIsDeterministicWithSortedKeys() {
        let a = Envelope(header: Header(name: "Remote.Frame", requestId: 0, type: .unsolicited),
                         payload: ["rows": 24, "columns": 80, "full": true, "data": "G1sw"])
        let text = MessageCodec.encode(a)
        #expect(text == #"{"header":{"name":"Remote.Frame","requestId":0,"type":"unsolicited","version":"1.0"},"payload":{"columns":80,"data":"G1sw","full":true,"rows":24}}"#)
        #expect(MessageCodec.encode(a) == text)
    }

    @Test func completionRoundTripsThroughItsPayload() throws {
        let completion = RemoteError.forbidden(command: "Device.Reset", role: .observer).completion
        #expect(completion.code == .commandErrorCode)
        #expect(completion.errorCode == .forbidden)
        let envelope = Envelope.completion(name: "Device.Reset", requestId: 4, completion)
        let decoded = try codec.decode(MessageCodec.encode(envelope))
        #expect(decoded.completion == completion)
        #expect(decoded.payload?["completionCode"] == "commandErrorCode")
        #expect(decoded.payload?["errorCode"] == "forbidden")
    }

    @Test func kioskMessagesRoundTrip() throws {
        let frame = FrameMessage(full: true, data: Array("\u{1B}[0m\u{1B}[2J证照".utf8), columns: 80, rows: 24)
        let decoded = try codec.decode(MessageCodec.encode(KioskMessage.frame(frame).envelope()))
        #expect(decoded.header.type == .unsolicited)
        #expect(decoded.header.requestId == 0)
        #expect(try FrameMessage(payload: decoded.payload ?? [:]) == frame)

        let chat = ChatLine(from: .operator("王芳"), text: "您好", at: t0.addingTimeInterval(0.123))
        let chatBack = try codec.decode(MessageCodec.encode(KioskMessage.chat(chat).envelope()))
        #expect(try ChatLine(payload: chatBack.payload ?? [:]) == chat)
        #expect(chatBack.payload?["at"] == "2026-11-18T11:06:40.123Z")

        let help = HelpRequest(flow: "certificate-pickup", step: "identify", language: "en", at: t0)
        let helpBack = try codec.decode(MessageCodec.encode(KioskMessage.help(help).envelope()))
        #expect(try HelpRequest(payload: helpBack.payload ?? [:]) == help)

        let notice = TakeoverNotice(state: .ended, by: "王芳", reason: "citizen")
        let noticeBack = try codec.decode(MessageCodec.encode(KioskMessage.takeover(notice).envelope()))
        #expect(try TakeoverNotice(payload: noticeBack.payload ?? [:]) == notice)

        let identity = KioskMessage.identity(IdentityResult(citizen, unmasked: false)).envelope(requestId: 9)
        #expect(identity.header.type == .event)
        #expect(identity.header.requestId == 9)
    }

    @Test func everyOperatorCommandRoundTrips() throws {
        let commands: [OperatorCommand] = [
            .commonStatus, .chat(text: "hi"), .requestTakeover, .input(.enter), .input(.character("1")),
            .input(.function(1)), .endTakeover, .deviceStatus, .deviceReset(device: "receipt-printer"),
            .deviceTestPrint(device: nil), .deviceTestPrint(device: "a4"), .identityVerify,
        ]
        for (index, command) in commands.enumerated() {
            let envelope = try codec.decode(MessageCodec.encode(command.envelope(requestId: index + 1)))
            #expect(try OperatorCommand(envelope: envelope) == command)
        }
        #expect(Set(commands.map(\.name)) == Set(CommandName.allCases))
    }

    // MARK: Malformed messages

    func failure(_ text: String, codec: MessageCodec = MessageCodec()) -> MessageCodec.Failure? {
        do {
            _ = try codec.decode(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func notJSON() {
        let failure = failure("{\"header\": ")
        #expect(failure?.error == .notJSON)
        #expect(failure?.error.closesConnection == true)
        #expect(failure?.reply.header == Header(name: "Common.Error", requestId: 0, type: .completion))
        #expect(failure?.reply.completion?.code == .invalidData)
        #expect(self.failure("hello")?.error == .notJSON)
        #expect(self.failure("")?.error == .notJSON)
    }

    @Test func notAnObject() {
        #expect(failure("[1, 2]")?.error == .notAnObject)
        #expect(failure("42")?.error == .notAnObject)
        #expect(failure("\"header\"")?.error == .notAnObject)
        #expect(failure("null")?.error == .notAnObject)
    }

    @Test func missingHeader() {
        #expect(failure(#"{"payload": {}}"#)?.error == .missingHeader)
        #expect(failure(#"{"header": "Remote.Chat"}"#)?.error == .missingHeader)
    }

    @Test func badHeaderFields() {
        #expect(failure(#"{"header": {"requestId": 1, "type": "command", "version": "1.0"}}"#)?.error
            == .invalidHeader(field: "name", problem: "missing"))
        #expect(failure(#"{"header": {"name": "Remote Chat", "requestId": 1, "type": "command", "version": "1.0"}}"#)?.error
            == .invalidHeader(field: "name", problem: "expected Interface.Command, e.g. Remote.Chat"))
        #expect(failure(#"{"header": {"name": "Remote.Chat", "requestId": "1", "type": "command", "version": "1.0"}}"#)?.error
            == .invalidHeader(field: "requestId", problem: "expected a whole number, not a string"))
        #expect(failure(#"{"header": {"name": "Remote.Chat", "requestId": 1.5, "type": "command", "version": "1.0"}}"#)?.error
            == .invalidHeader(field: "requestId", problem: "expected a whole number, not a number"))
        #expect(failure(#"{"header": {"name": "Remote.Chat", "requestId": 1, "type": "command", "version": 1}}"#)?.error
            == .invalidHeader(field: "version", problem: "expected a string, not a number"))
        #expect(failure(#"{"header": {"name": "Remote.Chat", "requestId": 1, "type": "command", "version": "one"}}"#)?.error
            == .invalidHeader(field: "version", problem: "expected major.minor, e.g. 1.0"))
    }

    @Test func unknownType() {
        let failure = failure(#"{"header": {"name": "Remote.Chat", "requestId": 5, "type": "request", "version": "1.0"}}"#)
        #expect(failure?.error == .unknownMessageType("request"))
        #expect(failure?.error.closesConnection == true)
        // The reply is addressed to the command it answers.
        #expect(failure?.reply.header == Header(name: "Remote.Chat", requestId: 5, type: .completion))
        #expect(failure?.reply.completion?.code == .invalidCommand)
    }

    @Test func requestIdZeroOrNegativeForACommand() {
        let zero = failure(command("Remote.Chat", 0, ["text": "hi"]))
        #expect(zero?.error == .invalidRequestID(0))
        #expect(zero?.error.closesConnection == false)
        #expect(zero?.reply.header.requestId == 0)
        #expect(zero?.reply.completion?.code == .invalidRequestID)
        #expect(failure(command("Remote.Chat", -3))?.error == .invalidRequestID(-3))
        #expect(failure(command("Remote.Chat", -3))?.reply.header.requestId == 0)
    }

    @Test func oversizeIsRefusedUnread() {
        let small = MessageCodec(maxMessageBytes: 100)
        let text = command("Remote.Chat", 1, ["text": .string(String(repeating: "x", count: 200))])
        let failure = failure(text, codec: small)
        #expect(failure?.error == .messageTooLarge(size: text.utf8.count, limit: 100))
        #expect(failure?.error.closesConnection == true)
        #expect(failure?.reply.completion?.code == .invalidData)
        #expect(failure?.reply.completion?.errorDescription?.hasPrefix("message too large") == true)
        // The header is not read: the reply cannot be addressed.
        #expect(failure?.reply.header.name == "Common.Error")

        let tenMegabytes = String(repeating: "a", count: 10 * 1024 * 1024)
        #expect(self.failure(tenMegabytes)?.error == .messageTooLarge(size: 10 * 1024 * 1024, limit: 64 * 1024))
        #expect(MessageCodec.defaultMaxMessageBytes == 65536)
    }

    @Test func wrongMajorVersion() {
        let failure = failure(command("Remote.Chat", 2, ["text": "hi"], version: "2.0"))
        #expect(failure?.error == .unsupportedVersion("2.0"))
        #expect(failure?.error.closesConnection == false)
        #expect(failure?.reply.header.requestId == 2)
        #expect(failure?.reply.completion?.code == .unsupportedCommand)
    }

    @Test func newerMinorVersionAndUnknownFieldsAreAccepted() throws {
        let text = #"{"header": {"name": "Remote.Chat", "requestId": 2, "type": "command", "version": "1.7", "priority": 3}, "payload": {"text": "hi", "colour": "red"}, "extra": 1}"#
        let envelope = try codec.decode(text)
        #expect(envelope.header.version == "1.7")
        #expect(try OperatorCommand(envelope: envelope) == .chat(text: "hi"))
    }

    @Test func payloadMustBeAnObject() {
        let text = #"{"header": {"name": "Remote.Chat", "requestId": 2, "type": "command", "version": "1.0"}, "payload": [1]}"#
        #expect(failure(text)?.error == .invalidPayload(field: "", problem: "expected an object, not an array"))
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 30_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let failure = failure(text)
        #expect(failure?.error == .notJSON || failure?.error == .notAnObject)
    }

    @Test func invalidUTF8IsNotJSON() {
        let bytes: [UInt8] = Array(#"{"header": {"name": ""#.utf8) + [0xFF, 0xFE] + Array(#""}}"#.utf8)
        #expect(throws: MessageCodec.Failure.self) { try codec.decode(bytes) }
    }

    @Test func unknownCommandNameIsUnsupported() throws {
        let envelope = try codec.decode(command("Remote.Dance", 3))
        #expect(throws: RemoteError.unsupportedCommand("Remote.Dance")) { try OperatorCommand(envelope: envelope) }
        #expect(RemoteError.unsupportedCommand("Remote.Dance").completion.code == .unsupportedCommand)
    }

    @Test func badPayloadsAreInvalidData() throws {
        #expect(throws: RemoteError.invalidPayload(field: "text", problem: "missing")) {
            try OperatorCommand(name: .chat, payload: nil)
        }
        #expect(throws: RemoteError.invalidPayload(field: "text", problem: "expected a string, not a number")) {
            try OperatorCommand(name: .chat, payload: ["text": 5])
        }
        #expect(throws: RemoteError.self) { try OperatorCommand(name: .input, payload: ["key": "\u{1B}[A"]) }
        #expect(throws: RemoteError.self) { try OperatorCommand(name: .input, payload: ["key": "ab"]) }
        #expect(throws: RemoteError.self) { try OperatorCommand(name: .input, payload: ["key": "F13"]) }
        #expect(throws: RemoteError.self) { try OperatorCommand(name: .deviceReset, payload: [:]) }
        #expect(throws: RemoteError.self) { try OperatorCommand(name: .deviceReset, payload: ["device": "../etc"]) }
        #expect(RemoteError.invalidPayload(field: "text", problem: "missing").completion.code == .invalidData)
    }

    @Test func keyNames() {
        #expect(RemoteKey("1") == .character("1"))
        #expect(RemoteKey("中") == .character("中"))
        #expect(RemoteKey("Enter") == .enter)
        #expect(RemoteKey("Escape") == .escape)
        #expect(RemoteKey("ArrowUp") == .arrowUp)
        #expect(RemoteKey("F1") == .function(1))
        #expect(RemoteKey("F12") == .function(12))
        #expect(RemoteKey("F01") == nil)
        #expect(RemoteKey("\n") == nil)
        #expect(RemoteKey("\u{7}") == nil)
        #expect(RemoteKey("") == nil)
        #expect(RemoteKey("enter") == nil)
        for key in [RemoteKey.enter, .escape, .tab, .pageDown, .function(5), .character("x")] {
            #expect(RemoteKey(key.name) == key)
        }
    }

    @Test func everyCompletionCodeHasItsXFS4IoTName() {
        #expect(CompletionCode.allCases.map(\.rawValue) == [
            "success", "commandErrorCode", "canceled", "deviceNotReady", "hardwareError", "internalError",
            "invalidCommand", "invalidRequestID", "timeOut", "unsupportedCommand", "invalidData", "unsupportedData",
            "sequenceError", "authorisationRequired",
        ])
        #expect(RemoteError.authorisationRequired.completion.code == .authorisationRequired)
        #expect(RemoteError.sequenceError("x").completion.code == .sequenceError)
        #expect(RemoteError.deviceNotReady("x").completion.code == .deviceNotReady)
        #expect(RemoteError.hardwareError("x").completion.code == .hardwareError)
        #expect(RemoteError.timeOut.completion.code == .timeOut)
        #expect(RemoteError.canceled("x").completion.code == .canceled)
        #expect(RemoteError.internalError("x").completion.code == .internalError)
        #expect(RemoteError.unsupportedData("x").completion.code == .unsupportedData)
    }
}
