import WireFormat
/// How a command ended, with the names CEN XFS4IoT gives its completion codes.
public enum CompletionCode: String, Sendable, Hashable, Codable, CaseIterable {
    case success
    /// The command failed for a reason of its own; ``CommandErrorCode`` says which.
    case commandErrorCode
    case canceled
    case deviceNotReady
    case hardwareError
    case internalError
    /// The message is not a command this peer accepts (e.g. an operator sent an event).
    case invalidCommand
    /// The requestId is not positive, or a command with the same requestId is still running.
    case invalidRequestID
    case timeOut
    /// No such command, or not in this major version.
    case unsupportedCommand
    /// The message or its payload is malformed, too large, or misses a field.
    case invalidData
    /// The payload is well formed but names something this kiosk does not have.
    case unsupportedData
    /// The command is valid but not now: input before consent, a second takeover request.
    case sequenceError
    /// The connection has no authenticated operator.
    case authorisationRequired
}

/// The command-specific reason that goes with ``CompletionCode/commandErrorCode``, in the
/// completion's `errorCode` field, as XFS4IoT does for errors of one command.
public enum CommandErrorCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The operator's role does not allow this command.
    case forbidden
    /// The citizen said no to a takeover.
    case declined
    /// The connection sent more messages than its rate limit allows; it is closed.
    case tooManyRequests
}

/// The final word on a command: its code, an optional reason, and what the command returns.
public struct Completion: Sendable, Hashable {
    public var code: CompletionCode
    public var errorCode: CommandErrorCode?
    /// A short English text for the operator's log, never personal data.
    public var errorDescription: String?
    /// The command's result fields, beside `completionCode`, `errorCode` and `errorDescription`.
    public var result: JSONObject

    public init(code: CompletionCode, errorCode: CommandErrorCode? = nil, errorDescription: String? = nil,
                result: JSONObject = [:]) {
        self.code = code
        self.errorCode = errorCode
        self.errorDescription = errorDescription
        self.result = result
    }

    public static func success(_ result: JSONObject = [:]) -> Completion {
        Completion(code: .success, result: result)
    }

    /// The completion's payload: the result's fields and the completion fields.
    public var payload: JSONObject {
        var payload = result
        payload["completionCode"] = .string(code.rawValue)
        if let errorCode { payload["errorCode"] = .string(errorCode.rawValue) }
        if let errorDescription { payload["errorDescription"] = .string(errorDescription) }
        return payload
    }

    /// Reads a completion payload, e.g. in an operator client or a test.
    public init(payload: JSONObject) throws(RemoteError) {
        guard let codeText = payload["completionCode"]?.stringValue else {
            throw .invalidPayload(field: "completionCode", problem: "expected a string")
        }
        guard let code = CompletionCode(rawValue: codeText) else {
            throw .invalidPayload(field: "completionCode", problem: "\"\(codeText)\" is not a completion code")
        }
        var errorCode: CommandErrorCode?
        if let text = payload["errorCode"]?.stringValue {
            guard let value = CommandErrorCode(rawValue: text) else {
                throw .invalidPayload(field: "errorCode", problem: "\"\(text)\" is not an error code")
            }
            errorCode = value
        }
        var result = payload
        for key in ["completionCode", "errorCode", "errorDescription"] { result[key] = nil }
        self.init(code: code, errorCode: errorCode, errorDescription: payload["errorDescription"]?.stringValue,
                  result: result)
    }
}

/// Everything that can go wrong with a message or a command, each with the completion it is
/// answered with and whether the connection is closed after it.
///
/// A message that cannot be read as an envelope at all (not JSON, too large, no header) closes the
/// connection: the peer is broken or hostile, and the kiosk's citizen comes first. A readable
/// command that is wrong (unknown name, bad payload, not allowed, not now) is answered and the
/// connection stays.
public enum RemoteError: Error, Sendable, Hashable, CustomStringConvertible {
    case messageTooLarge(size: Int, limit: Int)
    case notJSON
    case notAnObject
    case missingHeader
    /// A header field is missing or of the wrong kind.
    case invalidHeader(field: String, problem: String)
    case unknownMessageType(String)
    /// A command's requestId is not positive, or is the same as a command still running.
    case invalidRequestID(Int)
    case unsupportedVersion(String)
    case unsupportedCommand(String)
    /// An operator may send commands only.
    case notACommand(MessageType)
    case invalidPayload(field: String, problem: String)
    /// The payload names something this kiosk does not have, e.g. a device id.
    case unsupportedData(String)
    case authorisationRequired
    case forbidden(command: String, role: Role)
    case sequenceError(String)
    case tooManyRequests
    case declined
    case deviceNotReady(String)
    case hardwareError(String)
    case timeOut
    case canceled(String)
    case internalError(String)

    /// The completion the command is answered with.
    public var completion: Completion {
        switch self {
        case .messageTooLarge, .notJSON, .notAnObject, .missingHeader, .invalidHeader, .invalidPayload:
            Completion(code: .invalidData, errorDescription: description)
        case .unknownMessageType, .notACommand:
            Completion(code: .invalidCommand, errorDescription: description)
        case .invalidRequestID:
            Completion(code: .invalidRequestID, errorDescription: description)
        case .unsupportedVersion, .unsupportedCommand:
            Completion(code: .unsupportedCommand, errorDescription: description)
        case .unsupportedData:
            Completion(code: .unsupportedData, errorDescription: description)
        case .authorisationRequired:
            Completion(code: .authorisationRequired, errorDescription: description)
        case .forbidden:
            Completion(code: .commandErrorCode, errorCode: .forbidden, errorDescription: description)
        case .sequenceError:
            Completion(code: .sequenceError, errorDescription: description)
        case .tooManyRequests:
            Completion(code: .commandErrorCode, errorCode: .tooManyRequests, errorDescription: description)
        case .declined:
            Completion(code: .commandErrorCode, errorCode: .declined, errorDescription: description)
        case .deviceNotReady:
            Completion(code: .deviceNotReady, errorDescription: description)
        case .hardwareError:
            Completion(code: .hardwareError, errorDescription: description)
        case .timeOut:
            Completion(code: .timeOut, errorDescription: description)
        case .canceled:
            Completion(code: .canceled, errorDescription: description)
        case .internalError:
            Completion(code: .internalError, errorDescription: description)
        }
    }

    /// Whether the connection is closed after the error is sent.
    public var closesConnection: Bool {
        switch self {
        case .messageTooLarge, .notJSON, .notAnObject, .missingHeader, .invalidHeader, .unknownMessageType,
             .authorisationRequired, .tooManyRequests:
            true
        default:
            false
        }
    }

    public var description: String {
        switch self {
        case .messageTooLarge(let size, let limit): "message too large: \(size) bytes, the limit is \(limit)"
        case .notJSON: "the message is not JSON text"
        case .notAnObject: "the message is not a JSON object"
        case .missingHeader: "the message has no header object"
        case .invalidHeader(let field, let problem): "header.\(field): \(problem)"
        case .unknownMessageType(let type): "\"\(type)\" is not a message type"
        case .invalidRequestID(let id): "requestId \(id) is not positive or is still in use"
        case .unsupportedVersion(let version):
            "version \(version) is not supported; this kiosk speaks \(ProtocolVersion.current.major).x"
        case .unsupportedCommand(let name): "\"\(name)\" is not a command this kiosk supports"
        case .notACommand(let type): "an operator sends commands only, not \(type.rawValue) messages"
        case .invalidPayload(let field, let problem): field.isEmpty ? "payload: \(problem)" : "payload.\(field): \(problem)"
        case .unsupportedData(let problem): problem
        case .authorisationRequired: "authenticate first"
        case .forbidden(let command, let role): "the role \(role.rawValue) may not use \(command)"
        case .sequenceError(let problem): problem
        case .tooManyRequests: "too many messages; the connection is closed"
        case .declined: "the citizen declined the takeover"
        case .deviceNotReady(let problem): problem
        case .hardwareError(let problem): problem
        case .timeOut: "timed out"
        case .canceled(let reason): reason
        case .internalError(let problem): problem
        }
    }
}
