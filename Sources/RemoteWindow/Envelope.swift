import WireFormat
/// What a message is, after the message classes of
/// [CEN XFS4IoT](https://www.cencenelec.eu/areas-of-work/cen-sectors/digital-society/xfs4iot/):
/// a client's command, the service's immediate acknowledgement of it, events tied to it, its final
/// completion, and unsolicited events tied to no command.
public enum MessageType: String, Sendable, Hashable, Codable, CaseIterable {
    case command
    case acknowledge
    case event
    case completion
    case unsolicited
}

/// A message version, `major.minor`. Peers talk when the majors match; a newer minor only adds
/// optional fields and messages, which an older peer ignores.
public struct ProtocolVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    /// The version this module speaks and writes in every header.
    public static let current = ProtocolVersion(major: 1, minor: 0)

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Reads `1.0`, `1.12`: two runs of ASCII digits around one dot, nothing else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) }),
              let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    /// Whether a message of this version can be understood by a peer speaking `other`.
    public func isCompatible(with other: ProtocolVersion) -> Bool { major == other.major }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}

/// The header every message starts with.
///
/// `requestId` is chosen by the sender of a command, is positive, and is echoed in the command's
/// acknowledgement, events and completion. Unsolicited messages, and errors that cannot be tied to
/// a command, carry 0.
public struct Header: Sendable, Hashable {
    /// `Interface.Message`, e.g. `Remote.Chat`.
    public var name: String
    public var requestId: Int
    public var type: MessageType
    /// `major.minor`, see ``ProtocolVersion``.
    public var version: String

    public init(name: String, requestId: Int, type: MessageType,
                version: String = ProtocolVersion.current.description) {
        self.name = name
        self.requestId = requestId
        self.type = type
        self.version = version
    }
}

/// One message: a header and, for every type but `acknowledge`, a payload object.
///
/// ```json
/// {"header": {"name": "Remote.Chat", "requestId": 7, "type": "command", "version": "1.0"},
///  "payload": {"text": "请把身份证放在感应区"}}
/// ```
public struct Envelope: Sendable, Hashable {
    public var header: Header
    /// Nil writes no `payload` key (an acknowledgement); an empty object writes `{}`.
    public var payload: JSONObject?

    public init(header: Header, payload: JSONObject? = nil) {
        self.header = header
        self.payload = payload
    }

    /// The name used for errors that cannot be tied to a command, e.g. a text that is not JSON.
    public static let errorName = "Common.Error"

    /// The immediate answer to an accepted command: same name and requestId, no payload.
    public static func acknowledge(_ command: Header) -> Envelope {
        Envelope(header: Header(name: command.name, requestId: command.requestId, type: .acknowledge))
    }

    /// The final answer to a command.
    public static func completion(name: String, requestId: Int, _ completion: Completion) -> Envelope {
        Envelope(header: Header(name: name, requestId: requestId, type: .completion), payload: completion.payload)
    }

    /// The envelope as a JSON value, as ``MessageCodec`` writes it.
    public var jsonValue: JSONValue {
        let header: JSONObject = [
            "name": .string(self.header.name),
            "requestId": .int(self.header.requestId),
            "type": .string(self.header.type.rawValue),
            "version": .string(self.header.version),
        ]
        var object: JSONObject = ["header": .object(header)]
        if let payload { object["payload"] = .object(payload) }
        return .object(object)
    }
}
