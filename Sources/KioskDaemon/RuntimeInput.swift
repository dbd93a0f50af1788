import DeviceKit
import Flows
import Outbox

/// Everything the kiosk's one session loop reacts to. Producers on any thread send these; the loop
/// takes them one at a time, so the session needs no locks.
public enum RuntimeInput: Sendable {
    /// A key from a viewer (a tap is resolved against the frame on screen first).
    case key(Key)
    case device(DeviceEvent)
    case tick
    /// The answer to an action, tagged with the visit it belongs to so a late answer cannot reach
    /// the next citizen.
    case answer(SessionEvent, visit: Int)
    case resize(columns: Int, rows: Int)
    /// An operator paused (true) or resumed the kiosk.
    case pause(Bool)
    /// New flows and texts, checked; applied at once when nobody is served, else when the visit ends.
    case reload(KioskContent)
    /// The platform link changed: true online, false offline, nil unknown or not configured.
    case connectivity(Bool?)
    /// The remote window: a takeover request or its end, an operator's chat line.
    case remote(RemoteAssistanceEvent)
    /// Demo only: blocks the loop's thread, so tests can watch the watchdog's pings stop.
    case hangLoopForTest
}

/// What `kioskctl status` shows: no personal data, ever.
public struct KioskStatus: Sendable, Codable, Equatable {
    public var kioskID: String
    public var version: String
    /// `idle` when nobody is being served, `serving` otherwise, `paused` when out of service.
    public var state: String
    public var flow: String
    public var step: String
    public var language: String
    public var online: Bool?
    /// The platform link: online, offline, unknown or not-configured, and why when offline.
    public var platform: PlatformLinkState
    /// Problems for an operator that no device reports: conflicts, queue over its cap, token refused.
    public var alerts: [AlertRecord]
    public var uptimeSeconds: Int
    public var visits: Int
    public var devices: [DeviceSnapshot]
    public var outbox: OutboxSummary
}

public struct OutboxSummary: Sendable, Codable, Equatable {
    public var pending: Int
    public var inFlight: Int
    public var delivered: Int
    public var retry: Int
    public var dead: Int
    public var oldestPendingAgeSeconds: Double?
}

public enum KioskVersion {
    public static let current = "0.1.0"
}
