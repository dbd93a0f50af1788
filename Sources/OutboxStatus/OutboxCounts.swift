/// Where an outbox item is on its way to the platform (DESIGN decision 6).
public enum OutboxItemState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its first upload.
    case pending
    /// Leased by the uploader and on the wire.
    case inFlight = "in-flight"
    /// The platform accepted it (or already had it).
    case delivered
    /// An upload failed for a reason that may pass; it waits for its next attempt.
    case retry
    /// It failed for a reason that retrying cannot fix; an operator lists, retries or exports it.
    case dead
}

/// How many outbox items are in each state, for operators (`kioskctl status`, `kioskctl queue`,
/// metrics): the store counts them, and the control socket carries them as they are.
public struct OutboxCounts: Sendable, Codable, Equatable {
    public var pending: Int
    public var inFlight: Int
    public var delivered: Int
    public var retry: Int
    public var dead: Int
    /// Seconds since the oldest item still on its way (pending, in flight or waiting to retry) was
    /// queued; nil when nothing is waiting. A growing value means the uplink is down.
    public var oldestPendingAgeSeconds: Double?

    public init(
        pending: Int = 0, inFlight: Int = 0, delivered: Int = 0, retry: Int = 0, dead: Int = 0,
        oldestPendingAgeSeconds: Double? = nil
    ) {
        self.pending = pending
        self.inFlight = inFlight
        self.delivered = delivered
        self.retry = retry
        self.dead = dead
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds
    }

    /// The count for one state.
    public subscript(state: OutboxItemState) -> Int {
        get {
            switch state {
            case .pending: pending
            case .inFlight: inFlight
            case .delivered: delivered
            case .retry: retry
            case .dead: dead
            }
        }
        set {
            switch state {
            case .pending: pending = newValue
            case .inFlight: inFlight = newValue
            case .delivered: delivered = newValue
            case .retry: retry = newValue
            case .dead: dead = newValue
            }
        }
    }

    /// Items not yet delivered and not dead: the upload backlog.
    public var backlog: Int { pending + inFlight + retry }
}
