import Foundation
import TerminalUI
import WireFormat

/// One line of the remote window's audit trail: who did what, when. Every attach, consent step,
/// takeover end and device command is recorded with the operator's name, logged, and queued to the
/// platform as an outbox item of type ``outboxType``.
///
/// A record carries no personal data: details name commands, devices and masked document numbers
/// only, and are sanitised like any outside text (DESIGN.md decisions 7 and 8).
public struct AuditRecord: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case attach
        case detach
        case consentRequested = "consent-requested"
        case consentGranted = "consent-granted"
        case consentDeclined = "consent-declined"
        case takeoverEnded = "takeover-ended"
        case deviceCommand = "device-command"
        case identityVerify = "identity-verify"
        /// A command the operator's role does not allow.
        case forbidden
    }

    /// The outbox item type the kiosk queues these under.
    public static let outboxType = "remote-window.audit"
    /// Details longer than this are cut.
    public static let maxDetailCharacters = 200

    public var at: Date
    public var operatorName: String
    public var role: Role
    public var action: Action
    public var detail: String

    public init(at: Date, operator: Operator, action: Action, detail: String = "") {
        self.at = at
        operatorName = `operator`.name
        role = `operator`.role
        self.action = action
        self.detail = String(Sanitizer.clean(detail).prefix(Self.maxDetailCharacters))
    }

    private enum CodingKeys: String, CodingKey {
        case at, operatorName = "operator", role, action, detail
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .at)
        guard let at = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: .at, in: container, debugDescription: "expected an ISO 8601 time")
        }
        self.at = at
        operatorName = try container.decode(String.self, forKey: .operatorName)
        role = try container.decode(Role.self, forKey: .role)
        action = try container.decode(Action.self, forKey: .action)
        detail = try container.decodeIfPresent(String.self, forKey: .detail) ?? ""
    }

    /// `at` as ISO 8601 with milliseconds, like every time on the remote window's wire.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Timestamp.format(at), forKey: .at)
        try container.encode(operatorName, forKey: .operatorName)
        try container.encode(role, forKey: .role)
        try container.encode(action, forKey: .action)
        try container.encode(detail, forKey: .detail)
    }
}

extension AuditRecord: CustomStringConvertible {
    /// `王芳 (assistant) device-command: Device.Reset receipt-printer`, for the log.
    public var description: String {
        "\(operatorName) (\(role.rawValue)) \(action.rawValue)" + (detail.isEmpty ? "" : ": \(detail)")
    }
}
