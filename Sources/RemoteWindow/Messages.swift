import DeviceKit
import Foundation
import TerminalUI
import WireFormat

// MARK: - Commands from an operator

/// The commands an operator can send, by their header name.
public enum CommandName: String, Sendable, Hashable, Codable, CaseIterable {
    case commonStatus = "Common.Status"
    case chat = "Remote.Chat"
    case requestTakeover = "Remote.RequestTakeover"
    case input = "Remote.Input"
    case endTakeover = "Remote.EndTakeover"
    case deviceStatus = "Device.Status"
    case deviceReset = "Device.Reset"
    case deviceTestPrint = "Device.TestPrint"
    case identityVerify = "Identity.Verify"
}

/// One operator command with its payload, read and checked.
public enum OperatorCommand: Sendable, Hashable {
    /// The connection's view: operator, role, allowed commands, takeover, masking.
    case commonStatus
    /// A line for the citizen's chat panel. Sanitised and capped by ``ChatText`` before use.
    case chat(text: String)
    /// Ask the citizen to let this operator drive the kiosk.
    case requestTakeover
    /// One key, only while the citizen has granted this operator the takeover.
    case input(RemoteKey)
    /// Give the kiosk back, or withdraw a request not yet answered.
    case endTakeover
    case deviceStatus
    case deviceReset(device: String)
    /// A test page on one printer, or on the kiosk's receipt printer when `device` is nil.
    case deviceTestPrint(device: String?)
    /// Read the identity document the citizen places on the kiosk's reader.
    case identityVerify

    public var name: CommandName {
        switch self {
        case .commonStatus: .commonStatus
        case .chat: .chat
        case .requestTakeover: .requestTakeover
        case .input: .input
        case .endTakeover: .endTakeover
        case .deviceStatus: .deviceStatus
        case .deviceReset: .deviceReset
        case .deviceTestPrint: .deviceTestPrint
        case .identityVerify: .identityVerify
        }
    }

    /// The command's payload fields.
    public var payload: JSONObject {
        switch self {
        case .chat(let text): ["text": .string(text)]
        case .input(let key): ["key": .string(key.name)]
        case .deviceReset(let device): ["device": .string(device)]
        case .deviceTestPrint(let device?): ["device": .string(device)]
        default: [:]
        }
    }

    /// The command as a message, e.g. for an operator client or a test.
    public func envelope(requestId: Int) -> Envelope {
        Envelope(header: Header(name: name.rawValue, requestId: requestId, type: .command), payload: payload)
    }

    /// Reads a command's payload. Unknown fields are ignored: a newer minor version may add them.
    public init(name: CommandName, payload: JSONObject?) throws(RemoteError) {
        let payload = payload ?? [:]
        switch name {
        case .commonStatus: self = .commonStatus
        case .chat: self = .chat(text: try Self.string("text", in: payload))
        case .requestTakeover: self = .requestTakeover
        case .input:
            let text = try Self.string("key", in: payload)
            guard let key = RemoteKey(text) else {
                throw .invalidPayload(field: "key", problem: "not a key name; use one character, Enter, Escape, Backspace, Delete, Tab, ArrowUp, ArrowDown, ArrowLeft, ArrowRight, Home, End, PageUp, PageDown or F1 to F12")
            }
            self = .input(key)
        case .endTakeover: self = .endTakeover
        case .deviceStatus: self = .deviceStatus
        case .deviceReset: self = .deviceReset(device: try Self.deviceID(in: payload, required: true)!)
        case .deviceTestPrint: self = .deviceTestPrint(device: try Self.deviceID(in: payload, required: false))
        case .identityVerify: self = .identityVerify
        }
    }

    /// Reads a command message: its name must be known and its payload well formed.
    public init(envelope: Envelope) throws(RemoteError) {
        guard envelope.header.type == .command else { throw .notACommand(envelope.header.type) }
        guard let name = CommandName(rawValue: envelope.header.name) else {
            throw .unsupportedCommand(envelope.header.name)
        }
        try self.init(name: name, payload: envelope.payload)
    }

    private static func string(_ field: String, in payload: JSONObject) throws(RemoteError) -> String {
        guard let value = payload[field] else { throw .invalidPayload(field: field, problem: "missing") }
        guard let text = value.stringValue else {
            throw .invalidPayload(field: field, problem: "expected a string, not \(value.kindName)")
        }
        return text
    }

    /// A device id as kiosk.yaml names devices: 1 to 64 ASCII letters, digits, `-`, `_` or `.`.
    private static func deviceID(in payload: JSONObject, required: Bool) throws(RemoteError) -> String? {
        guard payload["device"] != nil, payload["device"] != .null else {
            if required { throw .invalidPayload(field: "device", problem: "missing") }
            return nil
        }
        let text = try string("device", in: payload)
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard !text.isEmpty, text.utf8.count <= 64, allowed else {
            throw .invalidPayload(field: "device", problem: "expected a device id from kiosk.yaml")
        }
        return text
    }
}

/// A key an operator presses, named as the DOM's
/// [`KeyboardEvent.key`](https://www.w3.org/TR/uievents-key/) names it, so a browser client can
/// send what it receives: `"1"`, `"a"`, `"Enter"`, `"Escape"`, `"ArrowUp"`, `"F1"`.
public enum RemoteKey: Sendable, Hashable, CustomStringConvertible {
    /// One printable grapheme cluster.
    case character(String)
    case enter, escape, backspace, delete, tab
    case arrowUp, arrowDown, arrowLeft, arrowRight
    case home, end, pageUp, pageDown
    /// F1…F12.
    case function(Int)

    private static let named: [String: RemoteKey] = [
        "Enter": .enter, "Escape": .escape, "Backspace": .backspace, "Delete": .delete, "Tab": .tab,
        "ArrowUp": .arrowUp, "ArrowDown": .arrowDown, "ArrowLeft": .arrowLeft, "ArrowRight": .arrowRight,
        "Home": .home, "End": .end, "PageUp": .pageUp, "PageDown": .pageDown,
    ]

    /// Reads a key name; nil for anything else, including control characters and escape sequences.
    public init?(_ name: String) {
        if let key = Self.named[name] {
            self = key
        } else if name.count == 1, name.utf8.count <= 32, Sanitizer.clean(name) == name,
                  displayWidth(of: name) > 0 {
            self = .character(name)
        } else if name.hasPrefix("F"), let number = Int(name.dropFirst()), (1...12).contains(number),
                  name == "F\(number)" {
            self = .function(number)
        } else {
            return nil
        }
    }

    /// The key's name on the wire.
    public var name: String {
        switch self {
        case .character(let text): text
        case .function(let number): "F\(number)"
        default: Self.named.first { $0.value == self }!.key
        }
    }

    public var description: String {
        // A character is someone's typing: say that it was one, not which.
        if case .character = self { return "character" }
        return name
    }
}

// MARK: - Messages from the kiosk

/// `Remote.Frame`, unsolicited: terminal bytes that draw the kiosk's screen, a full frame when the
/// operator attaches (or after a resync), then diffs.
public struct FrameMessage: Sendable, Hashable {
    public static let name = "Remote.Frame"
    public var full: Bool
    /// VT100/ECMA-48 bytes for a terminal of `columns` × `rows`, base64 on the wire.
    public var data: [UInt8]
    public var columns: Int
    public var rows: Int

    public init(full: Bool, data: [UInt8], columns: Int, rows: Int) {
        self.full = full
        self.data = data
        self.columns = columns
        self.rows = rows
    }

    public var payload: JSONObject {
        ["full": .bool(full), "data": .string(Data(data).base64EncodedString()), "columns": .int(columns), "rows": .int(rows)]
    }

    public init(payload: JSONObject) throws(RemoteError) {
        guard let full = payload["full"]?.boolValue else { throw .invalidPayload(field: "full", problem: "expected a boolean") }
        guard let text = payload["data"]?.stringValue, let data = Data(base64Encoded: text) else {
            throw .invalidPayload(field: "data", problem: "expected base64")
        }
        guard let columns = payload["columns"]?.intValue, let rows = payload["rows"]?.intValue else {
            throw .invalidPayload(field: "columns", problem: "expected whole numbers for columns and rows")
        }
        self.init(full: full, data: Array(data), columns: columns, rows: rows)
    }
}

/// Who wrote a chat line.
public enum ChatSender: Sendable, Hashable {
    case citizen
    case `operator`(String)

    /// `citizen`, or the operator's name.
    public var wireName: String {
        switch self {
        case .citizen: "citizen"
        case .operator(let name): name
        }
    }
}

/// `Remote.ChatMessage`, unsolicited: one line of the chat, from the citizen or an operator, sent to
/// every attached operator (an operator's own line comes back as its echo).
public struct ChatLine: Sendable, Hashable {
    public static let name = "Remote.ChatMessage"
    public var from: ChatSender
    /// Already sanitised.
    public var text: String
    public var at: Date

    public init(from: ChatSender, text: String, at: Date) {
        self.from = from
        self.text = text
        self.at = at
    }

    public var payload: JSONObject {
        ["from": .string(from.wireName), "text": .string(text), "at": .string(Timestamp.format(at))]
    }

    public init(payload: JSONObject) throws(RemoteError) {
        guard let from = payload["from"]?.stringValue else { throw .invalidPayload(field: "from", problem: "expected a string") }
        guard let text = payload["text"]?.stringValue else { throw .invalidPayload(field: "text", problem: "expected a string") }
        guard let at = payload["at"]?.stringValue.flatMap(Timestamp.parse) else {
            throw .invalidPayload(field: "at", problem: "expected an ISO 8601 time")
        }
        self.init(from: from == "citizen" ? .citizen : .operator(from), text: text, at: at)
    }
}

/// The takeover's state as operators are told it.
public enum TakeoverPhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nobody drives the kiosk but the citizen.
    case none
    /// An operator asked; the citizen sees the consent prompt.
    case requested
    /// The citizen said yes; that operator's input drives the flow.
    case granted
    /// The citizen said no. The state is `none` again.
    case declined
    /// The takeover (or a request) ended: by the citizen, the operator, or the end of the visit.
    /// The state is `none` again.
    case ended
}

/// `Remote.TakeoverState`, unsolicited, to every attached operator whenever the takeover changes.
public struct TakeoverNotice: Sendable, Hashable {
    public static let name = "Remote.TakeoverState"
    public var state: TakeoverPhase
    /// The operator who asked or holds it; nil for `none`.
    public var by: String?
    /// Why it ended: `citizen`, `operator`, `operator-left`, `visit-ended`; nil otherwise.
    public var reason: String?

    public init(state: TakeoverPhase, by: String? = nil, reason: String? = nil) {
        self.state = state
        self.by = by
        self.reason = reason
    }

    public var payload: JSONObject {
        var payload: JSONObject = ["state": .string(state.rawValue)]
        if let by { payload["by"] = .string(by) }
        if let reason { payload["reason"] = .string(reason) }
        return payload
    }

    public init(payload: JSONObject) throws(RemoteError) {
        guard let text = payload["state"]?.stringValue, let state = TakeoverPhase(rawValue: text) else {
            throw .invalidPayload(field: "state", problem: "expected one of none, requested, granted, declined, ended")
        }
        self.init(state: state, by: payload["by"]?.stringValue, reason: payload["reason"]?.stringValue)
    }
}

/// `Remote.HelpRequested`, unsolicited: the citizen pressed Help. Every attached operator gets it at
/// once; with nobody attached the kiosk queues it to the platform instead.
public struct HelpRequest: Sendable, Hashable, Codable {
    public static let name = "Remote.HelpRequested"
    /// The flow the citizen is in, nil on the home screen.
    public var flow: String?
    /// The step of that flow.
    public var step: String?
    /// The citizen's language, e.g. `zh-Hans` or `en`, so the operator answers in it.
    public var language: String
    public var at: Date

    public init(flow: String?, step: String?, language: String, at: Date) {
        self.flow = flow
        self.step = step
        self.language = language
        self.at = at
    }

    public var payload: JSONObject {
        var payload: JSONObject = ["language": .string(language), "at": .string(Timestamp.format(at))]
        if let flow { payload["flow"] = .string(flow) }
        if let step { payload["step"] = .string(step) }
        return payload
    }

    public init(payload: JSONObject) throws(RemoteError) {
        guard let language = payload["language"]?.stringValue else {
            throw .invalidPayload(field: "language", problem: "expected a string")
        }
        guard let at = payload["at"]?.stringValue.flatMap(Timestamp.parse) else {
            throw .invalidPayload(field: "at", problem: "expected an ISO 8601 time")
        }
        self.init(flow: payload["flow"]?.stringValue, step: payload["step"]?.stringValue, language: language, at: at)
    }
}

/// `Remote.IdentityResult`, an event of `Identity.Verify`: the document read at the kiosk. The
/// masked fields always; the full fields only while the citizen has granted this operator the
/// takeover.
public struct IdentityResult: Sendable, Equatable {
    public static let name = "Remote.IdentityResult"
    public var kind: Identity.Kind
    /// `4601**********0027`.
    public var maskedNumber: String
    /// `测*样`.
    public var maskedName: String
    /// For an 18-character resident ID number: whether its check character is right.
    public var numberValid: Bool?
    public var expiry: Identity.Expiry?
    /// The whole document but its photo; nil unless the citizen consented.
    public var full: Identity?

    /// The result for an operator: masked, or with the full fields when `unmasked`.
    public init(_ identity: Identity, unmasked: Bool) {
        kind = identity.kind
        maskedNumber = identity.maskedNumber
        maskedName = identity.maskedName
        numberValid = identity.number.count == 18 ? ResidentIDNumber.isValid(identity.number) : nil
        expiry = identity.expiry
        if unmasked {
            var full = identity
            full.photo = nil
            self.full = full
        } else {
            full = nil
        }
    }

    public var payload: JSONObject {
        var payload: JSONObject = [
            "kind": .string(kind.rawValue),
            "maskedNumber": .string(maskedNumber),
            "maskedName": .string(maskedName),
            "unmasked": .bool(full != nil),
        ]
        if let numberValid { payload["numberValid"] = .bool(numberValid) }
        if let expiry { payload["expiry"] = .string(Self.text(expiry)) }
        if let full {
            var fields: JSONObject = ["number": .string(full.number), "name": .string(full.name)]
            let optional: [(String, String?)] = [
                ("latinName", full.latinName), ("sex", full.sex?.rawValue), ("nationality", full.nationality),
                ("nation", full.nation), ("birthDate", full.birthDate), ("validFrom", full.validFrom),
                ("address", full.address), ("issuer", full.issuer),
            ]
            for (key, value) in optional { if let value { fields[key] = .string(value) } }
            payload["full"] = .object(fields)
        }
        return payload
    }

    /// `2030-01-01`, or `long-term` for 长期.
    static func text(_ expiry: Identity.Expiry) -> String {
        switch expiry {
        case .date(let date): date
        case .longTerm: "long-term"
        }
    }
}

/// The messages the kiosk sends an operator, with their payloads.
public enum KioskMessage: Sendable, Equatable {
    case frame(FrameMessage)
    case chat(ChatLine)
    case takeover(TakeoverNotice)
    case help(HelpRequest)
    case identity(IdentityResult)

    public var name: String {
        switch self {
        case .frame: FrameMessage.name
        case .chat: ChatLine.name
        case .takeover: TakeoverNotice.name
        case .help: HelpRequest.name
        case .identity: IdentityResult.name
        }
    }

    public var payload: JSONObject {
        switch self {
        case .frame(let message): message.payload
        case .chat(let message): message.payload
        case .takeover(let message): message.payload
        case .help(let message): message.payload
        case .identity(let message): message.payload
        }
    }

    /// As an `unsolicited` message (requestId 0), or as an `event` of the command `requestId`.
    public func envelope(requestId: Int = 0) -> Envelope {
        Envelope(header: Header(name: name, requestId: requestId, type: requestId > 0 ? .event : .unsolicited),
                 payload: payload)
    }
}
