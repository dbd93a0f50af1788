import Foundation
import RemoteWindow

/// What `kioskctl remote list` shows: who is attached to the remote window, the takeover, and a
/// Help waiting for an operator. Names and roles only: no tokens, no personal data.
public struct RemoteWindowStatus: Sendable, Codable, Equatable {
    public struct Attached: Sendable, Codable, Equatable {
        public var connection: Int
        public var name: String
        public var role: String

        public init(connection: Int, name: String, role: String) {
            self.connection = connection
            self.name = name
            self.role = role
        }
    }

    /// Whether this kiosk has a remote window configured.
    public var configured: Bool
    public var operators: [Attached]
    /// `none`, `requested` or `granted`.
    public var takeover: String
    /// The operator asking for or holding the takeover.
    public var takeoverBy: String?
    public var waitingHelp: HelpRequest?

    public init(configured: Bool, operators: [Attached], takeover: String, takeoverBy: String? = nil,
                waitingHelp: HelpRequest? = nil) {
        self.configured = configured
        self.operators = operators
        self.takeover = takeover
        self.takeoverBy = takeoverBy
        self.waitingHelp = waitingHelp
    }

    public static let notConfigured = RemoteWindowStatus(configured: false, operators: [], takeover: "none")
}
