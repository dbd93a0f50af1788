import Foundation

/// Whether the platform answers, as the uploader and the pickup sync last found it: shown on the
/// kiosk's screen and in `kioskctl status`.
public enum PlatformLinkState: Sendable, Equatable, Codable {
    /// Nothing has been tried yet since the kiosk started.
    case unknown
    /// The last request got a proper answer.
    case online(since: Date)
    /// The last request got no proper answer; `reason` says why, for operators.
    case offline(since: Date, reason: String)
    /// No platform is configured: everything is kept in the queue.
    case notConfigured

    /// Whether work can reach the platform now, as far as the kiosk knows.
    public var isOnline: Bool {
        if case .online = self { return true }
        return false
    }

    /// A word for tables and metrics: online, offline, unknown, not-configured.
    public var name: String {
        switch self {
        case .unknown: "unknown"
        case .online: "online"
        case .offline: "offline"
        case .notConfigured: "not-configured"
        }
    }
}
