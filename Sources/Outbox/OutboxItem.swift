import Foundation
import WireFormat

/// What an outbox item reports to the platform; sent as the item's `type`.
public enum OutboxItemType: String, Codable, Sendable, CaseIterable {
    /// A certificate left the kiosk (printed and confirmed).
    case collection
    /// A self-service application was submitted.
    case submission
    /// A five-level rating of a service (好差评).
    case rating
    /// A citizen asked for a remote agent.
    case assistRequest = "assist-request"
    /// A device needs an operator (paper low, jam, reader offline).
    case deviceAlert = "device-alert"
    /// Any other device event worth keeping (claimed, reset, self-test).
    case deviceEvent = "device-event"
    /// An operator's action through the remote window or the control socket, for the record.
    case audit

    /// Whether payloads of this type name a citizen (ID number, name, scanned pages), and so are
    /// sealed at rest when a sealing key is configured.
    public var carriesPersonalData: Bool {
        switch self {
        case .collection, .submission, .assistRequest, .audit: true
        case .rating, .deviceAlert, .deviceEvent: false
        }
    }
}

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

/// One unit of work for the platform, written in the same transaction as the local state change it
/// reports, and uploaded later, at least once.
public struct OutboxItem: Sendable, Codable, Equatable, Identifiable {
    /// A lower-case UUIDv7: unique, sent as the `Idempotency-Key`, ordered by creation.
    public var id: String
    public var type: OutboxItemType
    /// When the thing reported happened, to the millisecond.
    public var occurredAt: Date
    /// The JSON body sent to the platform.
    public var payload: Data
    public var state: OutboxItemState
    /// Upload attempts so far.
    public var attempts: Int

    /// The associated data a sealed payload is bound to, so it cannot be moved to another item.
    public var sealingContext: String { "\(id)|\(type.rawValue)" }

    /// Creates an item value; `occurredAt` is rounded down to the millisecond, as the store keeps it.
    public init(
        id: String, type: OutboxItemType, occurredAt: Date, payload: Data,
        state: OutboxItemState = .pending, attempts: Int = 0
    ) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt.wholeMilliseconds
        self.payload = payload
        self.state = state
        self.attempts = attempts
    }
}

/// How many outbox items are in each state, for operators (`kioskctl queue`, metrics).
public struct OutboxCounts: Sendable, Codable, Equatable {
    public var pending: Int
    public var inFlight: Int
    public var delivered: Int
    public var retry: Int
    public var dead: Int
    /// Seconds since the oldest item still on its way (pending, in flight or waiting to retry) was
    /// queued; nil when nothing is waiting. A growing value means the uplink is down.
    public var oldestPendingAge: TimeInterval?

    public init(
        pending: Int = 0, inFlight: Int = 0, delivered: Int = 0, retry: Int = 0, dead: Int = 0,
        oldestPendingAge: TimeInterval? = nil
    ) {
        self.pending = pending
        self.inFlight = inFlight
        self.delivered = delivered
        self.retry = retry
        self.dead = dead
        self.oldestPendingAge = oldestPendingAge
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
