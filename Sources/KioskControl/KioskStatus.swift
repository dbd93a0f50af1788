import DeviceKit
import Foundation
import OutboxStatus

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
    public var outbox: OutboxCounts

    public init(kioskID: String, version: String, state: String, flow: String, step: String, language: String, online: Bool?,
                platform: PlatformLinkState, alerts: [AlertRecord], uptimeSeconds: Int, visits: Int, devices: [DeviceSnapshot],
                outbox: OutboxCounts) {
        self.kioskID = kioskID
        self.version = version
        self.state = state
        self.flow = flow
        self.step = step
        self.language = language
        self.online = online
        self.platform = platform
        self.alerts = alerts
        self.uptimeSeconds = uptimeSeconds
        self.visits = visits
        self.devices = devices
        self.outbox = outbox
    }
}

public enum KioskVersion {
    public static let current = "0.1.0"
}
