import Foundation
import WireFormat

/// Reads and writes envelopes as the text of one WebSocket message.
///
/// Reading checks, in this order: the size (before a byte is parsed), that the text is JSON, that it
/// is an object with a `header` object, the header's fields, the major version, and that a command's
/// `requestId` is positive. A failure says what was wrong and carries whatever of the header could
/// be read, so the error can still be addressed to the command it answers.
///
/// Writing is deterministic: keys sorted, slashes unescaped, so equal envelopes give equal bytes.
public struct MessageCodec: Sendable {
    /// 64 KiB: a chat line, a key or a command is a few hundred bytes; nothing an operator sends
    /// needs more.
    public static let defaultMaxMessageBytes = 64 * 1024

    /// Messages longer than this many bytes are refused unread.
    public var maxMessageBytes: Int

    public init(maxMessageBytes: Int = MessageCodec.defaultMaxMessageBytes) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// A message that could not be read, with what could be read of its header.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var error: RemoteError
        /// The header's name, if it was readable text.
        public var name: String?
        /// The header's requestId, if it was a whole number.
        public var requestId: Int?

        public init(_ error: RemoteError, name: String? = nil, requestId: Int? = nil) {
            self.error = error
            self.name = name
            self.requestId = requestId
        }

        /// The completion that answers the message: addressed to its command when the header
        /// named one, else to ``Envelope/errorName`` with requestId 0.
        public var reply: Envelope {
            Envelope.completion(name: name ?? Envelope.errorName, requestId: max(0, requestId ?? 0), error.completion)
        }

        public var description: String { error.description }
    }

    /// Reads one text message.
    public func decode(_ text: String) throws(Failure) -> Envelope {
        // Counted before anything is copied: a native string knows its UTF-8 length.
        let size = text.utf8.count
        guard size <= maxMessageBytes else { throw Failure(.messageTooLarge(size: size, limit: maxMessageBytes)) }
        return try decode(Array(text.utf8))
    }

    /// Reads one message from its UTF-8 bytes.
    public func decode(_ bytes: [UInt8]) throws(Failure) -> Envelope {
        guard bytes.count <= maxMessageBytes else {
            throw Failure(.messageTooLarge(size: bytes.count, limit: maxMessageBytes))
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw Failure(.notJSON)
        }
        return try Self.envelope(from: value)
    }

    /// Checks a parsed message and makes it an envelope.
    public static func envelope(from value: JSONValue) throws(Failure) -> Envelope {
        guard case .object(let object) = value else { throw Failure(.notAnObject) }
        guard case .object(let fields)? = object["header"] else { throw Failure(.missingHeader) }

        // What can be read of the header first, so that every later failure can echo it.
        // A name that is not a valid one is not echoed: it could be anything.
        let name = fields["name"]?.stringValue
        let requestId = fields["requestId"]?.intValue
        let echoedName = name.flatMap { isValidName($0) ? $0 : nil }
        func fail(_ error: RemoteError) -> Failure { Failure(error, name: echoedName, requestId: requestId) }

        guard let name else {
            throw fail(.invalidHeader(field: "name", problem: problem(fields["name"], expected: "a string")))
        }
        guard isValidName(name) else {
            throw fail(.invalidHeader(field: "name", problem: "expected Interface.Command, e.g. Remote.Chat"))
        }
        guard let typeText = fields["type"]?.stringValue else {
            throw fail(.invalidHeader(field: "type", problem: problem(fields["type"], expected: "a string")))
        }
        guard let type = MessageType(rawValue: typeText) else { throw fail(.unknownMessageType(String(typeText.prefix(32)))) }
        guard let requestId else {
            throw fail(.invalidHeader(field: "requestId", problem: problem(fields["requestId"], expected: "a whole number")))
        }
        guard let versionText = fields["version"]?.stringValue else {
            throw fail(.invalidHeader(field: "version", problem: problem(fields["version"], expected: "a string")))
        }
        guard let version = ProtocolVersion(versionText) else {
            throw fail(.invalidHeader(field: "version", problem: "expected major.minor, e.g. 1.0"))
        }
        guard version.isCompatible(with: .current) else { throw fail(.unsupportedVersion(versionText)) }
        if type == .command {
            guard requestId > 0 else { throw fail(.invalidRequestID(requestId)) }
        } else if requestId < 0 {
            throw fail(.invalidHeader(field: "requestId", problem: "must not be negative"))
        }

        var payload: JSONObject?
        switch object["payload"] {
        case nil, .null?: payload = nil
        case .object(let fields)?: payload = fields
        case let other?: throw fail(.invalidPayload(field: "", problem: "expected an object, not \(other.kindName)"))
        }
        return Envelope(header: Header(name: name, requestId: requestId, type: type, version: versionText),
                        payload: payload)
    }

    /// Writes an envelope as compact JSON text with sorted keys.
    public static func encode(_ envelope: Envelope) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSONValue encodes every case, non-finite numbers as null, so this cannot fail.
        guard let data = try? encoder.encode(envelope.jsonValue) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// `Interface.Command`: ASCII letters and digits, one dot, at most 64 characters.
    static func isValidName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return name.utf8.count <= 64 && parts.count == 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    private static func problem(_ value: JSONValue?, expected: String) -> String {
        guard let value else { return "missing" }
        return "expected \(expected), not \(value.kindName)"
    }
}
