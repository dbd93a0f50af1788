import Foundation
import RemoteWindow

/// What `kioskctl remote list` shows: who is attached to the remote window, the takeover, and a
/// Help waiting for an operator. Names and roles only: no tokens, no personal data.
public struct RemoteWindowStatus: Sendable, Codable, Equatable {
    public struct Attached: Sendable, Codable, Equatable {
        public var connection: Int
        public var name: String
        public var role: String
    }

    public struct WaitingHelp: Sendable, Codable, Equatable {
        public var flow: String?
        public var step: String?
        public var language: String
        public var at: Date
    }

    /// Whether this kiosk has a remote window configured.
    public var configured: Bool
    public var operators: [Attached]
    /// `none`, `requested` or `granted`.
    public var takeover: String
    /// The operator asking for or holding the takeover.
    public var takeoverBy: String?
    public var waitingHelp: WaitingHelp?

    public static let notConfigured = RemoteWindowStatus(configured: false, operators: [], takeover: "none")
}

extension RemoteWindowHub {
    /// The hub's state for `kioskctl remote list`.
    public var status: RemoteWindowStatus {
        let (attached, consent, help) = withHub { ($0.attached, $0.consent, $0.waitingHelp) }
        let notice = consent.notice
        return RemoteWindowStatus(
            configured: true,
            operators: attached.map { .init(connection: $0.connection.rawValue, name: $0.operator.name, role: $0.operator.role.rawValue) },
            takeover: notice.state.rawValue, takeoverBy: notice.by,
            waitingHelp: help.map { .init(flow: $0.flow, step: $0.step, language: $0.language, at: $0.at) })
    }
}
