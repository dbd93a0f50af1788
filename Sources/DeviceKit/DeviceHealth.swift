/// A device's condition, as an operator needs to see it: what state it is in, why, and what to do.
public struct DeviceHealth: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum State: String, Sendable, Codable {
        /// Ready for work.
        case online
        /// Working on a request; still usable.
        case busy
        /// Not reachable: unplugged, powered off, or its service is down.
        case offline
        /// Broken in a way only a technician can fix.
        case hardwareError = "hardware-error"
        /// Needs a person: paper out, jam, cover open.
        case userError = "user-error"
    }

    public var state: State
    /// A short machine-readable reason, e.g. `media-empty`, `media-jam`, `disconnected`.
    public var reason: Reason?
    public var action: RecommendedAction

    public init(state: State, reason: Reason? = nil, action: RecommendedAction = .none) {
        self.state = state
        self.reason = reason
        self.action = action
    }

    /// A device error's code as the reason.
    public init(state: State, reason code: DeviceErrorCode, action: RecommendedAction = .none) {
        self.init(state: state, reason: Reason(code), action: action)
    }

    public static let online = DeviceHealth(state: .online)
    public static func offline(_ code: DeviceErrorCode = .disconnected) -> DeviceHealth {
        offline(Reason(code))
    }
    public static func offline(_ reason: Reason) -> DeviceHealth {
        DeviceHealth(state: .offline, reason: reason, action: .reset)
    }

    /// Whether a citizen can be served by this device right now.
    public var isUsable: Bool { state == .online || state == .busy }

    public var description: String {
        var text = state.rawValue
        if let reason { text += " (\(reason))" }
        if action != .none { text += ", action: \(action.rawValue)" }
        return text
    }
}

/// What an operator should do about a device problem (after XFS4IoT's recommended actions).
public enum RecommendedAction: String, Sendable, Codable {
    case none
    /// Try the same thing again; the fault is likely transient.
    case retry
    /// Reset or reconnect the device.
    case reset
    /// Refill paper, toner or other supplies.
    case replenish
    /// Open the device and clear it (jam, cover open); call a technician if it persists.
    case maintenance
    /// The configuration or catalog is wrong; fix the file and reload.
    case configuration
}
